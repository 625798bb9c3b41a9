"""The arguments of a function call: valid for the declared schema, and what the prompt says.

``schema_answer.py`` writes a valid value for every parameter; a value the prompt names takes
its place where it fits the parameter's schema (type, ``enum``, ``pattern``, lengths, bounds),
each value given to one parameter of a call at most:

| parameter | takes |
|---|---|
| an ``enum`` | the value the prompt names |
| a number | the prompt's numbers, in order |
| a place (``city``, ``location``, ...) | this call's place ("Paris"), a name, a code ("LAX") |
| ``symbol``, ``ticker``, ``currency``, ``code`` | an all-caps code ("GOOG", "USD"), a name |
| ``email``, ``recipient`` (or ``format: email``) | an address the prompt gives |
| ``url``, ``link``, ``website`` (or ``format: uri``) | a URL the prompt gives |
| ``time``, ``date`` | "19:30", "2025-06-01", as written |
| ``id``, ``number``, ``year``, ``amount``, ... | a number of the prompt, as written |
| ``query``, ``text``, ``message``, ``topic``, ... | a quoted string |
| any other string | a quoted string, a code, a capitalised name ("Eiffel Tower") |

When nothing named fits a string, it takes the fewest of the prompt's own words that say what
is asked ("dollars" in "the exchange rate for dollars": the function's name already says
"exchange rate"), and keeps the written value when none are left.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from google.genai import types

from .code_execution import numbers_in
from .demo_reading import SKIPPED
from .schema_answer import answer_for_schema, get
from .url_context import urls_in

__all__ = [
    "call_arguments",
    "name_words",
    "names_a_value",
    "place_parameters",
    "places",
    "schema_of",
    "stems",
]

_WORD = re.compile(r"[a-z0-9]+")
_PLACE_PARAM = re.compile(r"city|location|place|town|country|destination|origin|region|where", re.I)
_CODE_PARAM = re.compile(r"symbol|ticker|code|currency|iata|airport", re.I)
_EMAIL_PARAM = re.compile(r"e_?mail|recipient|^to$|^cc$|^bcc$", re.I)
_URL_PARAM = re.compile(r"url|uri|link|website|href", re.I)
_TIME_PARAM = re.compile(r"time|hour|(?:^|_)(?:at|when)$", re.I)
_DATE_PARAM = re.compile(r"date|(?:^|_)(?:day|on)$", re.I)
_NUMBER_PARAM = re.compile(
    r"(?:^|_)(?:id|number|num|no|amount|quantity|count|year|zip|postcode|postal_code|phone)$"
    r"|[a-z]Id$",
    re.I,
)
_FREE_TEXT_PARAM = re.compile(
    r"query|search|question|prompt|text|message|content|body|topic|subject|keywords?|terms?|"
    r"description|notes?|comment|instructions?",
    re.I,
)

_CODE = re.compile(r"\b[A-Z]{2,6}\b")  # GOOG, USD, LAX
_NOT_CODES = {"OK", "AM", "PM", "AI", "API", "FAQ", "PDF", "ASAP", "FYI", "TLDR", "IMO"}
# A run of capitalised words that is not the first word of a sentence: "Paris", "New York".
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)")
_QUOTED = re.compile(
    r"\"([^\"\n]{1,200})\"|“([^”\n]{1,200})”|(?:(?<=\s)|^)'([^'\n]{1,200})'(?=[\s.,;:!?]|$)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_FORMATS = {"email", "uri", "url", "iri", "uri-reference", "date", "time"}
_TOKEN = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]")
# Words that may sit inside the words a string takes: "history of Rome".
_JOINERS = {"of", "in", "on", "for", "the", "and", "to", "at", "with", "from", "a", "an"}
# Words that announce a value rather than being one: "titled 'Groceries'".
_MARKERS = {"called", "named", "titled", "saying", "says", "entitled", "labelled", "labeled"}


def call_arguments(
    function: types.FunctionDeclaration,
    prompt: str,
    place: str | None,
    rng: random.Random,
    *,
    earlier: str | None = None,
    reserved: list[str] | None = None,
) -> dict[str, Any]:
    """Schema-valid arguments with the values ``prompt`` names, then those of ``earlier`` (the
    turn a follow-up refers to: "And in Oslo?" keeps the earlier turn's other values)."""
    schema = schema_of(function)
    if not schema:
        return {}  # Gemini sends empty args; the SDK only calls a function whose args are set
    args = answer_for_schema(schema, rng, prompt)
    if not isinstance(args, dict):
        return {}
    turns = [PromptValues.read(prompt, function, place, reserved)]
    if earlier:
        turns.append(PromptValues.read(earlier, function, None, reserved))
    properties = [
        (name, node)
        for name, node in (get(schema, "properties") or {}).items()
        if isinstance(node, dict) and "$ref" not in node
    ]
    properties.sort(key=lambda item: _order(*item))  # the call's place, then the specific
    given: set[str] = set()
    for loose in (False, True):  # named values first, for every parameter; then words
        for name, node in properties:
            if name in given:
                continue
            for values in turns:
                value = values.value_for(name, node, loose=loose)
                if value is not None:
                    args[name] = value
                    given.add(name)
                    break
    return args


def names_a_value(prompt: str, function: types.FunctionDeclaration) -> bool:
    """Whether ``prompt`` names a value one of the function's parameters takes ("And in
    Oslo?" names a city; "Thanks!" nothing)."""
    found = places(prompt, function)
    values = PromptValues.read(prompt, function, found[0] if found else None)
    properties = (get(schema_of(function) or {}, "properties") or {}).items()
    return any(
        values.value_for(name, node, loose=False) is not None
        for name, node in properties
        if isinstance(node, dict)
    )


def schema_of(function: types.FunctionDeclaration) -> dict[str, Any] | None:
    if function.parameters_json_schema is not None:
        return function.parameters_json_schema
    if function.parameters is not None:
        return function.parameters.model_dump(mode="json", exclude_none=True)
    return None


def stems(text: str) -> set[str]:
    """Content words, singular: what a prompt and a declaration are compared by."""
    words = (w.removesuffix("s") for w in _WORD.findall(text.lower()))
    return {w for w in words if len(w) > 2 and w not in SKIPPED}


def name_words(function: types.FunctionDeclaration) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", function.name or "").replace("_", " ")
    return stems(spaced)


def place_parameters(function: types.FunctionDeclaration) -> list[str]:
    properties = get(schema_of(function) or {}, "properties") or {}
    return [name for name in properties if _PLACE_PARAM.search(name)]


def places(prompt: str, function: types.FunctionDeclaration) -> list[str]:
    """Capitalised names in the prompt that are not a word of the function's name or one of
    its enum values ("in Paris, in Celsius": Paris)."""
    properties = (get(schema_of(function) or {}, "properties") or {}).values()
    enums = {
        str(v).lower() for n in properties if isinstance(n, dict) for v in get(n, "enum") or []
    }
    taken = SKIPPED | enums | name_words(function)
    found = (m.group(1) for m in _NAME.finditer(_plain_text(prompt).strip()))
    return list(dict.fromkeys(p for p in found if not {p.lower(), *stems(p)} & taken))


@dataclass
class PromptValues:
    """What one prompt names that parameters may take, each value by one parameter."""

    text: str  # the prompt without its URLs, addresses and quoted strings
    place: str | None
    quoted: list[str]
    codes: list[str]
    names: list[str]
    emails: list[str]
    urls: list[str]
    times: list[str]
    dates: list[str]
    numbers: list[int | float]
    skip: set[str]  # the function's and its parameters' words: never an argument's words
    taken: set[str] = field(default_factory=set)

    @classmethod
    def read(
        cls,
        prompt: str,
        function: types.FunctionDeclaration,
        place: str | None,
        reserved: list[str] | None = None,
    ) -> PromptValues:
        quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(prompt)]
        text = _plain_text(prompt)
        times = [f"{int(m[1]):02d}:{m[2]}" for m in _TIME.finditer(text)]
        dates = _DATE.findall(text)
        counted = _DATE.sub(" ", _TIME.sub(" ", text))  # 19:30 is a time, not 19 and 30
        properties = get(schema_of(function) or {}, "properties") or {}
        values = cls(
            text=text,
            place=place,
            quoted=quoted,
            codes=[] if text.isupper() else [c for c in _CODE.findall(text) if c not in _NOT_CODES],
            names=places(prompt, function),
            emails=_EMAIL.findall(prompt),
            urls=urls_in(prompt),
            times=times,
            dates=dates,
            numbers=numbers_in(counted),
            skip=name_words(function) | stems(" ".join(properties).replace("_", " ")),
        )
        for value in reserved or []:
            if value != place:  # another call's place
                values._claim(value)
        return values

    def value_for(self, name: str, node: dict[str, Any], *, loose: bool) -> Any:
        """The value the prompt gives for one parameter, if it fits the parameter's schema;
        ``loose``: the prompt's words for a string nothing named fits."""
        kind = _kind(node)
        enum = get(node, "enum")
        if loose:
            if kind == "string" and not enum and not _exact(name, node):
                return self._take([self._words()], node)
            return None
        if enum:
            said = " ".join([self.text, *self.quoted])
            named = [
                v
                for v in enum
                if isinstance(v, str) and re.search(rf"\b{re.escape(v)}\b", said, re.I)
            ]
            return named[0] if named else None
        if kind in ("number", "integer"):
            return self._number(node, integer=kind == "integer")
        if kind == "string":
            return self._take(self._candidates(name, node), node)
        return None

    def _candidates(self, name: str, node: dict[str, Any]) -> list[str | None]:
        fmt = str(node.get("format") or "").lower()
        if fmt == "email" or _EMAIL_PARAM.search(name):
            return [*self.emails]
        if fmt in ("uri", "url", "iri", "uri-reference") or _URL_PARAM.search(name):
            return [*self.urls]
        if fmt == "date" or _DATE_PARAM.search(name):
            return [*self.dates]
        if fmt == "time" or _TIME_PARAM.search(name):
            return [*self.times]
        if _NUMBER_PARAM.search(name):
            return [str(n) for n in self.numbers]
        if _PLACE_PARAM.search(name):
            return [self.place, *self.names, *self.codes]
        if _CODE_PARAM.search(name):
            return [*self.codes, *self.names]
        if _FREE_TEXT_PARAM.search(name):
            return [*self.quoted]
        return [*self.quoted, *self.codes, *self.names]

    def _take(self, candidates: list[str | None], node: dict[str, Any]) -> str | None:
        for value in candidates:
            if value and value.lower() not in self.taken and _fits(value, node):
                self._claim(value)
                if value in (str(n) for n in self.numbers):
                    self.numbers = [n for n in self.numbers if str(n) != value]
                return value
        return None

    def _claim(self, value: str | None) -> None:
        if value:
            self.taken.add(value.lower())
            self.taken.update(w.lower() for w in _TOKEN.findall(value))

    def _number(self, node: dict[str, Any], *, integer: bool) -> int | float | None:
        if not self.numbers:
            return None
        value = self.numbers[0]
        if (integer and value != int(value)) or not _within(value, node):
            return None
        self.numbers.pop(0)
        return int(value) if integer else value

    def _words(self) -> str | None:
        """The first run of the prompt's content words the function's own words do not
        already say: "dollars", "history of Rome"."""
        tokens = list(_TOKEN.finditer(self.text))
        chosen: list[re.Match[str]] = []
        for token in tokens:
            if chosen and re.search(r"[.?!,;:]", self.text[chosen[-1].end() : token.start()]):
                break
            joins = bool(chosen) and token.group().lower() in _JOINERS and len(chosen) < 6
            if self._content(token.group()) or joins:
                chosen.append(token)
            elif chosen:
                break
        while chosen and not self._content(chosen[-1].group()):
            chosen.pop()
        if not chosen:
            return None
        words = self.text[chosen[0].start() : chosen[-1].end()]
        before = self.text[: chosen[0].start()].rstrip()
        first = chosen[0].group()
        if (not before or before[-1] in ".?!:\n") and first[1:] == first[1:].lower():
            words = words[:1].lower() + words[1:]  # a sentence's first word, not a name
        return words

    def _content(self, word: str) -> bool:
        low = word.lower()
        return (
            len(low) > 2
            and re.split(r"['’]", low)[0] not in SKIPPED  # what's, let's
            and low not in _MARKERS
            and low.removesuffix("s") not in self.skip
            and low not in self.taken
        )


def _plain_text(prompt: str) -> str:
    """The prompt without URLs, addresses and quoted strings: where codes and names are."""
    text = _QUOTED.sub(" ", prompt)
    for url in urls_in(text):
        text = text.replace(url, " ")
    return _EMAIL.sub(" ", text)


def _order(name: str, node: dict[str, Any]) -> int:
    """Which parameters take their values first: a place (this call's), then those that
    take one kind of value (an address, a time, a number, a code), then the rest."""
    if _PLACE_PARAM.search(name):
        return 0
    return 1 if _exact(name, node) or _CODE_PARAM.search(name) else 2


def _exact(name: str, node: dict[str, Any]) -> bool:
    """An address, a date, a time or a number: never a few of the prompt's words."""
    fmt = str(node.get("format") or "").lower()
    kinds = (_EMAIL_PARAM, _URL_PARAM, _DATE_PARAM, _TIME_PARAM, _NUMBER_PARAM)
    return fmt in _FORMATS or any(p.search(name) for p in kinds)


def _kind(node: dict[str, Any]) -> str:
    kinds = node.get("type") or []
    listed = kinds if isinstance(kinds, list) else [kinds]
    return next((str(k).lower() for k in listed if str(k).lower() != "null"), "")


def _fits(value: str, node: dict[str, Any]) -> bool:
    low, high = get(node, "min_length") or 0, get(node, "max_length")
    if len(value) < low or (high is not None and len(value) > high):
        return False
    pattern = get(node, "pattern")
    if isinstance(pattern, str):
        try:
            return re.search(pattern, value) is not None
        except re.error:
            return False
    return True


def _within(value: float, node: dict[str, Any]) -> bool:
    low, high = get(node, "minimum"), get(node, "maximum")
    above, below = get(node, "exclusive_minimum"), get(node, "exclusive_maximum")
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (not isinstance(above, (int, float)) or isinstance(above, bool) or value > above)
        and (not isinstance(below, (int, float)) or isinstance(below, bool) or value < below)
    )
