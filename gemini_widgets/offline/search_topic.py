"""What a grounded answer is about and what Gemini would have searched, read from the prompt.

The topic is a noun phrase of the prompt ("the Eiffel Tower" for "How tall is the Eiffel
Tower?"), written where it stands in a sentence, so it keeps the prompt's case. The queries
read like a person's searches: "Eiffel Tower height", or the question's own words without the
question word ("capital of France"), one for each question the prompt asks ("…, and when was
it built?" searches "when was the Eiffel Tower built"). A URL is never searched for: the page
it names (``pep-0008``) stands in front of the query instead.

Plain regular expressions, as in ``demo_reading.py``, whose ``topic_of`` the demo writer keeps
using unchanged (so plain answers stay as they were).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .demo_reading import SKIPPED, keywords
from .url_context import urls_in

__all__ = ["SearchTopic", "search_topic"]


@dataclass(frozen=True)
class SearchTopic:
    phrase: str  # "the Eiffel Tower": what the answer is about, as the prompt says it
    queries: list[str]  # what was searched, first the main one

    @property
    def bare(self) -> str:
        """The phrase without its article: "Eiffel Tower"."""
        return _without_article(self.phrase)


def search_topic(prompt: str) -> SearchTopic:
    urls = urls_in(prompt)
    text = prompt
    for url in urls:
        text = text.replace(url, " ")
    phrase, queries = "", []
    for clause in _clauses(text):
        found, query = _read_clause(clause)
        if not found and phrase:  # "when was it built": it is the phrase already read
            query = _PRONOUN.sub(phrase.replace("\\", r"\\"), query, count=1)
            if _HOW_ADJECTIVE.match(clause) and re.search("[A-Za-z]", phrase):
                query = f"{_without_article(phrase)} {query}"
            elif _HOW_ADJECTIVE.match(clause):
                query = ""  # 東京タワーの高さは is the question already
        phrase = phrase or found
        if query:
            queries.append(query)
    page = _page_name(urls[0]) if urls else ""
    phrase = phrase or page or _fallback_phrase(text) or "this question"
    queries = queries or [_without_article(phrase)]
    if page and page.lower() not in queries[0].lower():
        queries[0] = f"{page} {queries[0]}"
    unique: dict[str, str] = {}
    for query in queries:
        unique.setdefault(query.lower(), query)  # case-blind: the first spelling stays
    return SearchTopic(phrase, list(unique.values())[:3])


# -- clauses ----------------------------------------------------------------------------------

_WH = r"(?:what|which|who|whom|whose|when|where|why|how)"
_AUX = r"(?:do|does|did|is|are|was|were|can|could|should|would|will|has|have|had)"
_CLAUSE_BREAK = re.compile(rf"[.?!;\n。？！]+|,?\s+and\s+(?={_WH}\b)|,\s*(?={_WH}\b)", re.I)
_WORDY = re.compile(r"[\w'’.&-]*\w[\w'’.&-]*")
_PRONOUN = re.compile(r"\b(?:it|they|them|this|that|these|those)\b", re.I)
_PRONOUNS = {"it", "they", "them", "this", "that", "these", "those", "he", "she", "him", "her"}
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_LEAD = re.compile(r"^(?:(?:so|and|but|also|then|please|ok|okay|hey)\b[\s,]*)+", re.I)
# "How tall is X?" is searched as "X height".
_MEASURE = {
    "tall": "height", "high": "height", "big": "size", "large": "size", "old": "age",
    "far": "distance", "long": "length", "deep": "depth", "heavy": "weight", "fast": "speed",
    "wide": "width", "hot": "temperature", "cold": "temperature", "much": "price",
}  # fmt: skip
_HOW_ADJECTIVE = re.compile(
    rf"^how\s+({'|'.join(_MEASURE)})\s+(?:is|are|was|were)\s+(?P<x>.+)$", re.I
)
_WHAT_IS = re.compile(r"^(?:what|which)(?:'s|’s|\s+(?:is|are|was|were))\s+(?P<x>.+)$", re.I)
_WHO_IS = re.compile(r"^who(?:'s|’s|\s+(?:is|are|was|were))\s+(?P<x>.+)$", re.I)
_WH_VERB = re.compile(rf"^(?:who|what|which)\s+(?!{_AUX}\b)\w+\s+(?P<x>.+)$", re.I)
_ABOUT = re.compile(r"\b(?:about|regarding|concerning|on the topic of)\s+(?P<x>.+)$", re.I)
_ASK = re.compile(
    r"^(?:can you\s+|could you\s+|please\s+)?(?:explain|describe|summari[sz]e|discuss|outline|"
    r"introduce|compare|tell me about|tell me|search(?: the web)? for|search|look up|"
    r"find(?: out)?(?: about)?|research|show me|give me an? (?:overview|summary) of)\s+(?P<x>.+)$",
    re.I,
)
_WH_AUX = re.compile(rf"^(?:when|where|why|how)\s+{_AUX}\s+(?P<x>.+)$", re.I)
_YES_NO = re.compile(rf"^{_AUX}\s+(?P<x>.+)$", re.I)


def _clauses(text: str) -> list[str]:
    """The questions a prompt asks, each without leading filler or symbols."""
    clauses = []
    for piece in _CLAUSE_BREAK.split(text):
        words = piece.split()
        while words and not _WORDY.fullmatch(words[0].strip("\"'`*()[],:")):
            words.pop(0)  # an emoji or a symbol before the question
        clause = _LEAD.sub("", " ".join(words)).strip(" ,")
        if clause:
            clauses.append(clause)
    return clauses


def _read_clause(clause: str) -> tuple[str, str]:
    """(the noun phrase the clause is about, or ''; the query it is searched as)."""
    if not re.search(r"[A-Za-z]", clause):  # 東京タワーの高さは: searched as written
        words = [w for w in clause.split() if _WORDY.fullmatch(w)]
        return " ".join(words), " ".join(words)
    if match := _HOW_ADJECTIVE.match(clause):
        phrase = _noun_phrase(match["x"])
        measure = _MEASURE[match[1].lower()]
        return phrase, f"{_without_article(phrase)} {measure}" if phrase else measure
    for pattern in (_WHAT_IS, _ASK):
        if match := pattern.match(clause):
            phrase = _noun_phrase(match["x"])
            return phrase, _without_article(phrase)
    if match := _ABOUT.search(clause):
        phrase = _noun_phrase(match["x"])
        return phrase, _without_article(phrase)
    for pattern in (_WHO_IS, _WH_VERB):
        if match := pattern.match(clause):
            return _noun_phrase(match["x"]), _as_query(clause)
    for pattern in (_WH_AUX, _YES_NO):
        if match := pattern.match(clause):
            return _subject(match["x"]), _as_query(clause)
    phrase = _noun_phrase(clause) if clause[:1].isupper() else ""
    return phrase, _as_query(clause)


# -- noun phrases -----------------------------------------------------------------------------

# Words that may join the words of one noun phrase: "the history of the printing press".
_JOINERS = {"of", "in", "on", "for", "and", "the", "a", "an", "de", "la", "le", "du", "von"}


def _tokens(text: str) -> list[str]:
    """The words of ``text`` up to the first that is not one (an emoji, markup, a comma)."""
    words = []
    for raw in re.split(r"\s+", text.strip()):
        word = raw.strip("\"'`*()[]“”‘’")
        end = raw.rstrip("\"'`*)]”’")[-1:] in (",", ";", ":")
        word = word.rstrip(",;:")
        if not _WORDY.fullmatch(word):
            break
        words.append(word.rstrip("."))
        if end:
            break
    return words


def _noun_phrase(text: str, limit: int = 8) -> str:
    """The noun phrase ``text`` starts with: an article, then content words and joiners."""
    phrase: list[str] = []
    for word in _tokens(text)[:limit]:
        low = word.lower()
        if low in _JOINERS or (low not in SKIPPED and low not in _PREDICATES):
            phrase.append(word)
            continue
        break
    while phrase and (phrase[-1].lower() in _JOINERS or phrase[-1].lower() in SKIPPED):
        phrase.pop()
    if not phrase or " ".join(phrase).lower() in _PRONOUNS:
        return ""
    if all(w.lower() in _JOINERS for w in phrase):
        return ""
    return " ".join(phrase)


# Verbs that end a subject: "the Berlin Wall fall", "photosynthesis work", "it say".
_PREDICATES = {"say", "says", "said", "work", "works", "mean", "means", "happen", "happens",
               "fall", "fell", "begin", "began", "start", "started", "end", "ended", "built",
               "made", "invented", "founded", "born", "die", "died", "live", "lives", "cost",
               "costs", "compare", "exist", "exists", "matter", "matters"}  # fmt: skip


def _subject(text: str) -> str:
    """The subject of "when did X happen" / "is X good": an article, then a run of
    capitalised words ("the Berlin Wall") or one word ("the sky"), and what its "of" adds."""
    words = _tokens(text)
    phrase: list[str] = []
    if words and words[0].lower() in ("the", "a", "an"):
        phrase.append(words.pop(0))
    if not words or words[0].lower() in SKIPPED:
        return ""
    if words[0][:1].isupper():
        while words and (words[0][:1].isupper() or words[0][:1].isdigit()):
            phrase.append(words.pop(0))
    else:
        phrase.append(words.pop(0))
    if len(words) > 1 and words[0].lower() == "of":
        phrase.append(f"of {_noun_phrase(' '.join(words[1:]), limit=4)}".strip())
    result = " ".join(phrase).removesuffix(" of")
    return "" if result.lower() in _PRONOUNS else result


def _without_article(phrase: str) -> str:
    return _ARTICLE.sub("", phrase)


def _as_query(clause: str) -> str:
    """The question as typed into a search box: its words, the first in lower case."""
    words = _tokens(clause)[:10]
    if words and not (words[0].isupper() and len(words[0]) > 1):
        words[0] = words[0][:1].lower() + words[0][1:]
    return " ".join(words)


def _fallback_phrase(prompt: str) -> str:
    """A run of capitalised words inside the prompt ("the Kyoto café"), else its key words."""
    runs = re.finditer(r"(?<=\s)(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*", prompt)
    for run in runs:
        if run.group().split()[-1].lower() not in SKIPPED:
            return run.group()
    return " ".join(keywords(prompt, 3))


def _page_name(url: str) -> str:
    """What a URL names: its last path segment ("pep-0008"), else its host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    segments = [s for s in unquote(parts.path).split("/") if s]
    name = segments[-1] if segments else parts.hostname or ""
    return re.sub(r"\.(?:html?|php|aspx?)$", "", name)
