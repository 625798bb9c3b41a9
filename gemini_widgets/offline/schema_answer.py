"""JSON answers for ``response_mime_type="application/json"``: valid against the schema sent.

The SDK sends two shapes (google-genai 3.6, read from ``_transformers.t_schema`` and tried):

* ``responseSchema``: a Gemini ``Schema`` (upper-case types, ``nullable``, ``any_of``,
  ``property_ordering``, ``min_items``; ``$defs`` already inlined). Pydantic models, ``list[M]``,
  enums and ``Optional`` passed as ``response_schema`` arrive like this.
* ``responseJsonSchema``: whatever dict the caller gave, passed through untouched: usually
  ``Model.model_json_schema()`` (lower-case types, ``$ref``/``$defs``, ``anyOf`` with null,
  ``const``, ``additionalProperties``, ``minItems``, type lists).

One walker reads both: keys are looked up in snake_case and camelCase, types in any case.
"""

from __future__ import annotations

import random
import re
from typing import Any

from google.genai import types

from .demo_reading import key_phrases, keywords, topic_of
from .schema_values import get, number_for, string_for

__all__ = ["answer_for_schema"]

# Recursive schemas (a tree of nodes) are cut off here: optional parts are left out below.
_MAX_DEPTH = 6
_NULL_CHANCE = 0.1

_COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*[-\s]?(?:k\s*)?words?\b)",
    re.IGNORECASE,
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
        for index in range(size):
            schema = prefix[index] if index < len(prefix) else (items if items else {})
            value = self.value(schema, singular, owner, depth + 1)
            for _ in range(4):  # ["tea", "tea"] reads like a bug; retry a few times
                if not isinstance(value, str) or value not in values:
                    break
                value = self.value(schema, singular, owner, depth + 1)
            if isinstance(value, str) and value in values and len(values) >= low:
                continue  # the prompt has run out of distinct words: a shorter list reads better
            values.append(value)
        if get(node, "unique_items"):
            values = _unique(values, lambda: self.value(items or {}, singular, owner, depth + 1))
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
    """'List 5 recipes' / 'give me three ideas': the length the top-level list should have."""
    match = _COUNT.search(prompt)
    if match is None:
        return None
    token = match.group(1).lower()
    number = _COUNT_WORDS.get(token) or int(token)
    return number if 1 <= number <= 20 else None


def _types(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    if kind is None:
        return []
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(getattr(k, "value", k)).lower() for k in kinds]


def _unique(values: list[Any], make: Any) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        for _ in range(8):
            if value not in seen:
                break
            value = make()
        if value not in seen:
            seen.append(value)
    return seen
