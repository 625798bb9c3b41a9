"""Answers grounded with Google Search (the ``googleSearch`` tool), as Gemini sends them.

``groundingMetadata`` comes on the candidate of the last chunk: the queries searched
(``webSearchQueries``), the pages used (``groundingChunks``), which stretch of the answer each
page supports (``groundingSupports``) and the Search Suggestions chip Google asks apps to show
(``searchEntryPoint.renderedContent``, HTML and CSS).

A support's ``segment`` holds **UTF-8 byte** offsets into the answer's text, all its chunks
joined (``types.Segment``: "measured in bytes"); as Gemini's JSON omits zero values, a
segment that starts the answer has no ``startIndex``. Every answer has a sentence in Japanese
with an emoji, and quotes the prompt's own non-ASCII words, so byte and character offsets
differ wherever it matters. The Gemini API leaves ``web.domain`` out (the SDK: "not supported
in Gemini API") and titles a page by its domain: so does this.

Nothing is searched. The pages are made up, on the ``.example`` top-level domain (reserved by
RFC 2606, it never resolves), so no viewer or test can fetch them. What the text is about and
the queries come from ``search_topic.py``.
"""

from __future__ import annotations

import html
import random
import re
from typing import Any
from urllib.parse import quote_plus

from .chunking import Answer, split_into_pieces
from .search_topic import search_topic

__all__ = ["grounded_answer", "search_results"]

_SITES = ("encyclopedia.example", "news.example", "university.example", "reference.example",
          "library.example", "science.example")  # fmt: skip
_NON_ASCII = re.compile(r"\S*[^\x00-\x7f]\S*")
Sentence = tuple[str, list[int]]  # the text, and the sources (indices) that support it


def grounded_answer(prompt: str, rng: random.Random, lead: str = "") -> Answer:
    """Text about ``prompt`` with its sources; ``lead`` (Markdown) comes first, unsupported."""
    topic = search_topic(prompt)
    sites = rng.sample(_SITES, 3)
    metadata = _search_metadata(topic.queries, topic.bare, sites)
    said = _NON_ASCII.findall(prompt)[:6]
    paragraphs: list[list[Sentence]] = [
        [
            # Worded so that any noun phrase fits: "the Eiffel Tower", "tides", "line length".
            (f"A detailed article on {topic.phrase} at {sites[0]} covers the background and "
             "how it came to be.", [0]),
            (f"Recent coverage on {sites[1]} focuses on what has changed lately and why it "
             "matters.", [1]),
        ],
        [
            ("Sources in other languages agree: 日本語の資料も同じ点を強調しています 🌏.", [2]),
            *([(f"Your question mentions “{' '.join(said)}”, and {sites[2]} uses the same "
                "words.", [2, 0])] if said else []),
            (f"For the latest details, {sites[2]} and {sites[0]} are the places to check.",
             [2, 0]),
        ],
    ]  # fmt: skip
    footer = (
        "_Grounded by the offline demo server: nothing was searched and the sources are made up._"
    )
    text, supports = _write(lead, paragraphs, footer, rng)
    metadata["groundingSupports"] = supports
    return Answer(
        pieces=split_into_pieces(text, rng),
        metadata={"groundingMetadata": metadata},
        tool_prompt_tokens=_result_tokens(sites, rng),
    )


def search_results(prompt: str, rng: random.Random) -> tuple[dict[str, Any], int]:
    """A search with no text written yet (a function is called next): the candidate's
    ``groundingMetadata`` without supports, and what the results cost as input."""
    topic = search_topic(prompt)
    sites = rng.sample(_SITES, 3)
    metadata = _search_metadata(topic.queries, topic.bare, sites)
    return {"groundingMetadata": metadata}, _result_tokens(sites, rng)


def _search_metadata(queries: list[str], about: str, sites: list[str]) -> dict[str, Any]:
    """``groundingMetadata`` without supports: the queries, the pages found on ``sites``
    and the Search Suggestions chip."""
    slug = re.sub(r"[^a-z0-9]+", "-", about.lower()).strip("-") or "article"
    return {
        "webSearchQueries": queries,
        "searchEntryPoint": {"renderedContent": _search_chip(queries)},
        "groundingChunks": [{"web": {"uri": f"https://{s}/{slug}", "title": s}} for s in sites],
    }


def _result_tokens(sites: list[str], rng: random.Random) -> int:
    return sum(rng.randint(90, 160) for _ in sites)


def _write(
    lead: str, paragraphs: list[list[Sentence]], footer: str, rng: random.Random
) -> tuple[str, list[dict[str, Any]]]:
    """The answer's text and a support for each sourced sentence, offsets in UTF-8 bytes."""
    text = lead
    supports: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        text += "\n\n" if text else ""
        for number, (sentence, sources) in enumerate(paragraph):
            text += " " if number else ""
            start = len(text.encode())
            text += sentence
            if sources:
                segment: dict[str, Any] = {"endIndex": len(text.encode()), "text": sentence}
                if start:  # proto3 JSON leaves zero out: a client reads a missing start as 0
                    segment = {"startIndex": start, **segment}
                scores = [round(rng.uniform(0.6, 0.98), 4) for _ in sources]
                supports.append(
                    {
                        "segment": segment,
                        "groundingChunkIndices": sources,
                        "confidenceScores": scores,
                    }
                )
    return f"{text}\n\n{footer}\n", supports


def _search_chip(queries: list[str]) -> str:
    """The Search Suggestions chip: a style block, then one link per query (only followed
    when clicked; the HTML loads nothing by itself)."""
    links = "\n".join(
        f'    <a class="chip" href="https://www.google.com/search?q={quote_plus(q)}">'
        f"{html.escape(q)}</a>"
        for q in queries
    )
    return (
        f'{_CHIP_STYLE}<div class="container">\n'
        '  <div class="headline"><span class="headline-label">Search suggestions '
        "(offline demo)</span></div>\n"
        f'  <div class="carousel">\n{links}\n  </div>\n</div>\n'
    )


_CHIP_STYLE = """<style>
.container { align-items: center; border-radius: 8px; display: flex;
  font-family: Google Sans, Roboto, sans-serif; font-size: 14px; line-height: 20px;
  padding: 8px 12px; }
.headline { display: flex; margin-right: 4px; }
.carousel { overflow: auto; scrollbar-width: none; white-space: nowrap; }
.chip { display: inline-block; border: solid 1px; border-radius: 16px; min-width: 14px;
  padding: 5px 16px; text-align: center; user-select: none; margin: 0 8px;
  text-decoration: none; }
@media (prefers-color-scheme: light) {
  .container { background-color: #fafafa; box-shadow: 0 0 0 1px #0000000f; }
  .headline-label { color: #1f1f1f; }
  .chip { background-color: #ffffff; border-color: #d2d2d2; color: #5e5e5e; }
}
@media (prefers-color-scheme: dark) {
  .container { background-color: #1f1f1f; box-shadow: 0 0 0 1px #ffffff26; }
  .headline-label { color: #fff; }
  .chip { background-color: #2c2c2c; border-color: #3c4043; color: #fff; }
}
</style>
"""
