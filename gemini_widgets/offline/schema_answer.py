"""JSON answers for ``response_mime_type="application/json"``: valid against the schema sent.

The SDK sends two shapes (google-genai 3.6, read from ``_transformers.t_schema`` and tried):

* ``responseSchema``: a Gemini ``Schema`` (upper-case types, ``nullable``, ``any_of``,
  ``property_ordering``, ``min_items``; ``$defs`` already inlined). Pydantic models, ``list[M]``,
  enums and ``Optional`` passed as ``response_schema`` arrive like this.
* ``responseJsonSchema``: whatever dict the caller gave, passed through untouched: usually
  ``Model.model_json_schema()`` (lower-case types, ``$ref``/``$defs``, ``anyOf`` with null,
  ``const``, ``additionalProperties``, ``minItems``, type lists).

One walker reads both: keys are looked up in snake_case and camelCase, types in any case.
Leaves are chosen from the field's name and the prompt's words: ``age`` gets 18..75,
``email`` an address, ``description`` a sentence about the prompt, still within the bounds;
a string with a ``pattern`` matches it (``pattern_text.py``).
"""

from __future__ import annotations

import math
import random
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from google.genai import types

from .demo_reading import key_phrases, keywords, topic_of
from .pattern_text import text_matching

__all__ = ["answer_for_schema"]

# Recursive schemas (a tree of nodes) are cut off here: optional parts are left out below.
_MAX_DEPTH = 6
_NULL_CHANCE = 0.1

_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_COUNT = re.compile(
    rf"\b(\d{{1,2}}|{'|'.join(_NUMBERS)})\b(?!\s*[-\s]?(?:k\s*)?words?\b)", re.IGNORECASE
)


def answer_for_schema(
    schema: types.Schema | dict[str, Any] | None, rng: random.Random, prompt: str
) -> Any:
    """A plausible JSON value about ``prompt`` that validates against ``schema``."""
    singles = keywords(prompt)
    words = list(dict.fromkeys([*key_phrases(topic_of(prompt), singles), *singles]))
    words = words or ["example", "sample"]
    if isinstance(schema, types.Schema):
        schema = schema.model_dump(mode="json", exclude_none=True)
    if not schema:
        return _about_prompt(prompt, words, rng)
    walker = _Walker(schema, rng, words, _requested_count(prompt))
    return walker.value(schema, name="", owner="", depth=0)


class _Walker:
    def __init__(
        self, root: dict[str, Any], rng: random.Random, words: list[str], count: int | None
    ) -> None:
        self.root = root
        self.rng = rng
        self.words = words
        self.count = count  # "list 5 recipes": the length of the first array near the top

    def value(self, node: Any, name: str, owner: str, depth: int) -> Any:
        node = self._resolve(node)
        if not isinstance(node, dict):
            return self._string(name, owner, {}) if node is not False else None
        minimal = depth > _MAX_DEPTH
        if "const" in node:
            return node["const"]
        kinds = _types(node)
        nullable = "null" in kinds or bool(get(node, "nullable"))
        if nullable and (minimal or (depth and self.rng.random() < _NULL_CHANCE)):
            return None
        if get(node, "enum"):
            return self._enum(node, kinds)
        for key in ("any_of", "one_of"):
            options = get(node, key)
            if options:
                return self._one_of(options, name, owner, depth)
        if get(node, "all_of"):
            return self.value(self._merge(get(node, "all_of")), name, owner, depth)
        kind = self._choose_kind(node, kinds)
        if kind == "object":
            return self._object(node, owner, depth)
        if kind == "array":
            return self._array(node, name, owner, depth)
        if kind in ("integer", "number"):
            return number_for(name, node, kind == "integer", self.rng)
        if kind == "boolean":
            return self.rng.random() < 0.6
        if kind == "null":
            return None
        return self._string(name, owner, node)

    # -- composite ------------------------------------------------------------------------------

    def _object(self, node: dict[str, Any], owner: str, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = get(node, "properties") or {}
        required = set(get(node, "required") or [])
        order = [p for p in (get(node, "property_ordering") or []) if p in properties]
        order += [p for p in properties if p not in order]
        title = str(node.get("title") or owner)
        result: dict[str, Any] = {}
        for prop in order:
            if prop in required or depth < _MAX_DEPTH:
                result[prop] = self.value(properties[prop], prop, title, depth + 1)
        extra = get(node, "additional_properties")
        if not properties and extra is not False:
            wanted = max(get(node, "min_properties") or 0, 2 if depth < _MAX_DEPTH else 0)
            for key in self._keys(wanted):
                sub = extra if isinstance(extra, dict) else {}
                result[key] = self.value(sub, key, title, depth + 1)
        return result

    def _array(self, node: dict[str, Any], name: str, owner: str, depth: int) -> list[Any]:
        low = get(node, "min_items") or 0
        high = get(node, "max_items")
        wanted = self.rng.randint(2, 4)
        if self.count is not None and depth <= 1:
            wanted, self.count = self.count, None
        if depth > _MAX_DEPTH:
            wanted = 0
        size = max(low, wanted if high is None else min(wanted, high))
        prefix = get(node, "prefix_items") or []
        items = get(node, "items")
        if items is False:
            size = min(size, len(prefix)) if prefix else low
        elif items == {} and not prefix:  # the SDK sends {} where a schema recursed: stay empty
            size = low
        values: list[Any] = []
        singular = name[:-1] if name.endswith("s") else name
        unique = bool(get(node, "unique_items"))
        for index in range(size):
            schema = prefix[index] if index < len(prefix) else (items if items else {})
            value = self.value(schema, singular, owner, depth + 1)
            repeat = unique or isinstance(value, str)  # ["tea", "tea"] reads like a bug
            for _ in range(8 if unique else 4):
                if not repeat or value not in values:
                    break
                value = self.value(schema, singular, owner, depth + 1)
            if repeat and value in values and (unique or len(values) >= low):
                continue  # out of distinct values: a shorter list reads better
            values.append(value)
        return values

    def _one_of(self, options: list[Any], name: str, owner: str, depth: int) -> Any:
        concrete = [o for o in options if _types(self._resolve(o)) != ["null"]]
        if not concrete:
            return None
        return self.value(self.rng.choice(concrete), name, owner, depth)

    def _enum(self, node: dict[str, Any], kinds: list[str]) -> Any:
        values = [v for v in get(node, "enum") if v is not None or "null" in kinds]
        return self.rng.choice(values or get(node, "enum"))

    def _merge(self, parts: list[Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for part in parts:
            part = self._resolve(part)
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = sorted({*merged.get("required", []), *value})
                else:
                    merged[key] = value
        return merged

    # -- leaves ---------------------------------------------------------------------------------

    def _string(self, name: str, owner: str, node: dict[str, Any]) -> str:
        pattern = get(node, "pattern")
        if isinstance(pattern, str) and (text := text_matching(pattern, self.rng)) is not None:
            return text
        text = string_for(name, owner, self.words, self.rng, str(node.get("format") or ""))
        low = get(node, "min_length") or 0
        high = get(node, "max_length")
        while len(text) < low:
            text += " " + self.rng.choice(self.words)
        if high is not None:
            text = text[: int(high)].rstrip() or text[: int(high)]
        return text

    def _keys(self, count: int) -> list[str]:
        keys = [w.lower().replace(" ", "_") for w in self.words]
        keys += [f"item_{i}" for i in range(1, count + 1)]
        return list(dict.fromkeys(keys))[:count]

    # -- schema plumbing ------------------------------------------------------------------------

    def _resolve(self, node: Any, seen: int = 0) -> Any:
        """Follow ``$ref`` (``#/$defs/X``, ``#/defs/X``, ``#/definitions/X``) from the root."""
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref") or node.get("ref")
        if not isinstance(ref, str) or not ref.startswith("#") or seen > 16:
            return node
        target: Any = self.root
        for step in ref[1:].split("/"):
            if step:
                target = target.get(step.replace("~1", "/").replace("~0", "~"), {})
        siblings = {k: v for k, v in node.items() if k not in ("$ref", "ref")}
        resolved = self._resolve(target, seen + 1)
        return {**resolved, **siblings} if siblings else resolved

    def _choose_kind(self, node: dict[str, Any], kinds: list[str]) -> str:
        concrete = [k for k in kinds if k != "null"]
        if concrete:
            return self.rng.choice(concrete) if len(concrete) > 1 else concrete[0]
        if kinds == ["null"]:
            return "null"
        if get(node, "properties") is not None or get(node, "additional_properties"):
            return "object"
        if get(node, "items") is not None or get(node, "prefix_items"):
            return "array"
        if get(node, "minimum") is not None or get(node, "maximum") is not None:
            return "number"
        return "string"


def _about_prompt(prompt: str, words: list[str], rng: random.Random) -> dict[str, Any]:
    """No schema: an object a reader would expect for the prompt."""
    topic = topic_of(prompt) or " ".join(words[:3])
    points = [string_for("description", "", words, rng) for _ in range(3)]
    return {
        "topic": topic,
        "summary": string_for("summary", "", words, rng),
        "key_points": points,
        "keywords": words[:5],
        "confidence": round(rng.uniform(0.7, 0.95), 2),
        "source": "offline demo server",
    }


def _requested_count(prompt: str) -> int | None:
    """'List 5 recipes' / 'give me three ideas' / '50 rows': the length the top-level list
    should have (up to 99; a schema's ``minItems`` can ask for more)."""
    match = _COUNT.search(prompt)
    if match is None:
        return None
    token = match.group(1).lower()
    number = _NUMBERS.index(token) + 1 if token in _NUMBERS else int(token)
    return number if number >= 1 else None


def _types(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    if kind is None:
        return []
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(getattr(k, "value", k)).lower() for k in kinds]


# -- leaf values -----------------------------------------------------------------------------------

_FIRST = ["Ada", "Alan", "Grace", "Linus", "Maria", "Kenji", "Amara", "Sofia", "Diego", "Priya"]
_LAST = ["Lovelace", "Turing", "Hopper", "Okafor", "Garcia", "Tanaka", "Novak", "Singh", "Rossi"]
_CITIES = ["Lisbon", "Nairobi", "Kyoto", "Toronto", "Melbourne", "Oslo", "Santiago", "Pune"]
_COUNTRIES = ["Portugal", "Kenya", "Japan", "Canada", "Australia", "Norway", "Chile", "India"]
_PERSON = re.compile(r"(author|owner|person|user_?name|full_?name|speaker|artist|director)$")
_PEOPLE = re.compile(r"person|people|author|user|customer|employee|member|student|contact")
_PROSE = re.compile(r"description|summary|text|content|body|explanation|reason|details?|notes?")
# (name pattern, low, high): checked in order, first match wins.
_RANGES: list[tuple[str, float, float]] = [
    (r"age$", 18, 75),
    (r"year", 1990, 2025),
    (r"(rating|stars)$", 1, 5),
    (r"(confidence|probability|ratio)$", 0.5, 0.99),
    (r"(percent|score|grade)", 40, 100),
    (r"population", 10_000, 5_000_000),
    (r"(price|cost|amount|salary|budget)", 5, 500),
    (r"(minutes|duration|time)", 5, 120),
    (r"(count|quantity|number|num|total|size|servings|steps)", 1, 12),
    (r"(^id$|_id$|Id$)", 1, 9_999),
]


def get(node: dict[str, Any], snake: str) -> Any:
    """A schema keyword in either spelling the SDK sends (``min_items`` or ``minItems``)."""
    if snake in node:
        return node[snake]
    head, *rest = snake.split("_")
    return node.get(head + "".join(p.capitalize() for p in rest))


def string_for(name: str, owner: str, words: list[str], rng: random.Random, fmt: str = "") -> str:
    """A string in the schema's ``format``, else one that fits the field's name, made of
    the prompt's words where it can be."""
    key = name.lower()
    moment = datetime(2020, 1, 1) + timedelta(
        days=rng.randint(0, 1825), minutes=rng.randint(0, 1439)
    )
    formats = {
        "date-time": lambda: moment.strftime("%Y-%m-%dT%H:%M:00Z"),
        "date": lambda: moment.strftime("%Y-%m-%d"),
        "time": lambda: moment.strftime("%H:%M:00"),
        "email": lambda: f"{rng.choice(_FIRST).lower()}.{rng.choice(_LAST).lower()}@example.com",
        "uri": lambda: f"https://example.com/{rng.randint(100, 999)}",
        "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }
    fmt = {"url": "uri", "uri-reference": "uri", "iri": "uri"}.get(fmt.lower(), fmt.lower())
    if fmt in formats:
        return formats[fmt]()
    if "email" in key:
        return formats["email"]()
    if re.search(r"(url|uri|link|website)$", key):
        return f"https://example.com/{re.sub(r'[^a-z0-9]+', '-', rng.choice(words).lower())}"
    if re.search(r"(date|_at|_on)$", key):
        return formats["date"]()
    if re.search(r"(^|_)(first_?name|given_?name)$", key):
        return rng.choice(_FIRST)
    if re.search(r"(last_?name|surname)$", key):
        return rng.choice(_LAST)
    if _PERSON.search(key) or (key == "name" and _PEOPLE.search(owner.lower())):
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if "city" in key or "country" in key:
        return rng.choice(_CITIES if "city" in key else _COUNTRIES)
    if re.search(r"(^|_)(id|code|sku)$", key):
        return f"{re.sub(r'[^a-z0-9]', '', words[0].lower())[:8]}-{rng.randint(1000, 9999)}"
    if _PROSE.search(key):
        kw, kw2 = rng.sample(words, 2) if len(words) > 1 else (words[0], "context")
        return f"{kw[:1].upper() + kw[1:]} is the part that matters most here, as it shapes {kw2}."
    if re.search(r"(name|title|label|heading)$", key):
        picked = sorted(rng.sample(words, k=min(len(words), rng.randint(1, 2))), key=words.index)
        title = " ".join(w[:1].upper() + w[1:] for w in picked)
        prefix = rng.choice(["Classic ", "Simple ", "Everyday "]) if rng.random() < 0.6 else ""
        return prefix + title
    return " ".join(rng.sample(words, k=min(len(words), rng.randint(1, 3)))).lower()


def number_for(name: str, node: dict[str, Any], integer: bool, rng: random.Random) -> float | int:
    """A number in a range that suits the name, then moved inside the schema's bounds."""
    low, high = next(((lo, hi) for p, lo, hi in _RANGES if re.search(p, name, re.I)), (1, 100))
    low, high = _clamp_range(low, high, node, integer)
    if integer:
        value: float = rng.randint(math.ceil(low), math.floor(high)) if low <= high else low
    else:
        value = round(rng.uniform(low, high), 2)
        if not low <= value <= high:
            value = low
    step = get(node, "multiple_of")
    if step:
        first, last = math.ceil(low / step), math.floor(high / step)
        value = rng.randint(first, last) * step if first <= last else value
    return int(value) if integer else float(value)


def _clamp_range(
    low: float, high: float, node: dict[str, Any], integer: bool
) -> tuple[float, float]:
    """Intersect the name's range with the schema's bounds; the schema wins when they miss."""
    smallest, largest = get(node, "minimum"), get(node, "maximum")
    exclusive_low, exclusive_high = get(node, "exclusive_minimum"), get(node, "exclusive_maximum")
    nudge = 1 if integer else 0.01
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        smallest = max(smallest if smallest is not None else -math.inf, exclusive_low + nudge)
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
        largest = min(largest if largest is not None else math.inf, exclusive_high - nudge)
    if integer:
        smallest = math.ceil(smallest) if smallest is not None else None
        largest = math.floor(largest) if largest is not None else None
    floor = smallest if smallest is not None else -math.inf
    ceiling = largest if largest is not None else math.inf
    bounded = (max(low, floor), min(high, ceiling))
    if bounded[0] > bounded[1]:  # the name's guess misses the schema's range: use the schema's
        width = high - low
        bounded = (
            floor if floor > -math.inf else ceiling - width,
            ceiling if ceiling < math.inf else floor + width,
        )
    return bounded
