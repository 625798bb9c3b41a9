"""An answer as Markdown for readers without the widget: the saved notebook, a chat export.

It reads the same JSON the live view reads (``answer_wire.answer_json``), so both show the
same parts in the same places: code the model ran and its output as fenced blocks, images
inline (``data:`` URLs, which fetch nothing), function calls as lines, and the grounding's
sources as a numbered list. The caller still passes the result through
``safe_markdown.without_remote_fetches``: every value here is model- or tool-controlled.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = ["annotations_markdown", "answer_markdown", "json_answer_markdown", "part_markdown"]

_OUTCOMES = {
    "OUTCOME_OK": "ok",
    "OUTCOME_FAILED": "failed",
    "OUTCOME_DEADLINE_EXCEEDED": "deadline exceeded",
}


def answer_markdown(answer: Mapping[str, Any]) -> str:
    """``answer`` is ``{text, parts, annotations}`` as ``answer_json`` makes it."""
    text: str = answer.get("text") or ""
    parts = answer.get("parts") or []
    if not parts:
        pieces = [text]
    else:
        pieces, shown = [], 0
        # A result learnt late (a chat's function results) sits with its call.
        for part in sorted(parts, key=lambda p: p.get("at", 0)):
            at = min(max(part.get("at", 0), shown), len(text))
            pieces += [text[shown:at].strip("\n"), part_markdown(part)]
            shown = at
        pieces.append(text[shown:].strip("\n"))
    pieces.append(annotations_markdown(answer.get("annotations") or {}))
    return "\n\n".join(piece for piece in pieces if piece.strip())


def json_answer_markdown(text: str) -> str:
    """A JSON answer for readers without the widget: its text as a ``json`` code block (read
    as Markdown, the model's JSON would lose its line breaks and could hold HTML)."""
    return _fenced(text, "json") if text.strip() else ""


def part_markdown(part: Mapping[str, Any]) -> str:
    """One non-text part (``part_json``) as a Markdown block; '' for a kind it does not know.
    An image is inline, as a ``data:`` URL: a terminal shows a line instead (``text_views``)."""
    kind = part.get("kind")
    if kind == "code":
        language = (part.get("language") or "").lower()
        language = "" if language == "language_unspecified" else language
        return "*Code the model ran:*\n\n" + _fenced(part.get("code") or "", language)
    if kind == "code_result":
        outcome = part.get("outcome") or ""
        said = _OUTCOMES.get(outcome, outcome.lower())
        return f"*Output ({said}):*\n\n" + _fenced(part.get("output") or "", "text")
    if kind == "image":
        return f"![image](data:{part.get('mime_type')};base64,{part.get('data')})"
    if kind == "file":
        return f"*(file: {_code_span(part.get('uri') or part.get('mime_type') or 'data')})*"
    if kind == "call":
        return f"*Called* {_code_span(_call_text(part))}"
    if kind == "call_result":
        name = part.get("name") or ""
        if part.get("error"):
            return f"*{_escape(name)} failed:* {_code_span(str(part['error']))}"
        return f"*{_escape(name)} returned* {_code_span(_json_text(part.get('response')))}"
    return ""


def annotations_markdown(annotations: Mapping[str, Any]) -> str:
    """Sources, searches, fetched URLs and quoted sources (``annotations_json``), or ''."""
    lines: list[str] = []
    sources = annotations.get("sources") or []
    if sources:
        lines += ["", "**Sources**", ""]
        for number, source in enumerate(sources, 1):
            title = _escape(source.get("title") or source.get("domain") or "source")
            uri = _link_target(source.get("uri"))
            lines.append(f"{number}. [{title}]({uri})" if uri else f"{number}. {title}")
    queries = annotations.get("queries") or []
    if queries:
        # Where the live view shows Google's Search Suggestions chip (HTML, which a saved
        # notebook cannot show safely): the same searches, as links.
        searches = ", ".join(f"[{_escape(q)}]({_google_search(q)})" for q in queries)
        lines += ["", f"*Search suggestions:* {searches}"]
    urls = annotations.get("urls") or []
    if urls:
        lines += ["", "**Fetched URLs**", ""]
        for url in urls:
            status = (url.get("status") or "").removeprefix("URL_RETRIEVAL_STATUS_").lower()
            lines.append(f"- {_code_span(url.get('url') or '')} ({_escape(status)})")
    citations = annotations.get("citations") or []
    if citations:
        lines += ["", "**Sources quoted**", ""]
        for cited in citations:
            label = _escape(cited.get("title") or cited.get("uri") or "source")
            license = f" ({_escape(cited['license'])})" if cited.get("license") else ""
            uri = _link_target(cited.get("uri"))
            lines.append(f"- [{label}]({uri}){license}" if uri else f"- {label}{license}")
    return "\n".join(lines).strip("\n")


def _call_text(part: Mapping[str, Any]) -> str:
    args = part.get("args") or {}
    shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
    return f"{part.get('name') or ''}({shown})"


def _json_text(value: Any) -> str:
    if isinstance(value, Mapping) and set(value) == {"result"}:
        value = value["result"]
    return json.dumps(value, ensure_ascii=False, default=str)


def _fenced(code: str, language: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def _code_span(text: str) -> str:
    """Inline code whatever backticks ``text`` holds, on one line."""
    text = " ".join(text.split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape(text: str) -> str:
    """Text that Markdown shows as written (no link, emphasis or HTML of its own)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+!|~])", r"\\\1", " ".join(text.split()))


def _google_search(query: str) -> str:
    return "<https://www.google.com/search?q=" + urllib.parse.quote_plus(query) + ">"


def _link_target(uri: Any) -> str | None:
    """An http(s) URI as a link destination; anything else is not linked."""
    if not isinstance(uri, str) or not re.match(r"https?://", uri, re.IGNORECASE):
        return None
    return "<" + re.sub(r"[\s<>]", lambda m: f"%{ord(m.group()):02X}", uri) + ">"
