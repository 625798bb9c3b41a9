"""Plausible leaf values for a JSON answer, chosen from the field's name and the prompt's words.

A field called ``age`` gets 18..75, ``email`` an address, ``description`` a sentence about the
prompt: what a reader of a structured answer expects, still clamped to the schema's bounds.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

__all__ = ["email_address", "number_for", "string_for"]

_FIRST = ["Ada", "Alan", "Grace", "Linus", "Maria", "Kenji", "Amara", "Sofia", "Diego", "Priya"]
_LAST = ["Lovelace", "Turing", "Hopper", "Okafor", "Garcia", "Tanaka", "Novak", "Singh", "Rossi"]
_CITIES = ["Lisbon", "Nairobi", "Kyoto", "Toronto", "Melbourne", "Oslo", "Santiago", "Pune"]
_COUNTRIES = ["Portugal", "Kenya", "Japan", "Canada", "Australia", "Norway", "Chile", "India"]
_COLOURS = ["teal", "crimson", "amber", "indigo", "olive", "slate"]
_LANGUAGES = ["English", "French", "Spanish", "German", "Japanese", "Portuguese"]
_STATUSES = ["active", "pending", "complete", "draft"]
_ADJECTIVES = ["Classic", "Modern", "Essential", "Practical", "Simple", "Complete", "Everyday"]
_SENTENCES = [
    "«Kw» is the part that matters most here, because it shapes «kw2».",
    "A practical take on «kw» that keeps «kw2» in view.",
    "«Kw» and «kw2» work together; start with «kw» and adjust as needed.",
    "Covers «kw» in plain terms, with one concrete example of «kw2».",
    "Focuses on «kw», the detail most people ask about first.",
]

_PERSON_OWNERS = re.compile(
    r"person|people|author|user|customer|employee|member|student|character|contact|owner|"
    r"speaker|player|actor|artist|writer|director|teacher|patient|friend",
    re.IGNORECASE,
)

_PROSE_FIELDS = re.compile(
    r"description|summary|text|content|body|explanation|reason|details?|notes?|answer|comment|"
    r"review|bio|overview|instructions?|step|tip|advice"
)

# (name pattern, low, high): checked in order, first match wins.
_RANGES: list[tuple[str, float, float]] = [
    (r"lat(itude)?$", -60, 70),
    (r"(lon|lng|longitude)$", -170, 170),
    (r"age$", 18, 75),
    (r"year", 1990, 2025),
    (r"month$", 1, 12),
    (r"day$", 1, 28),
    (r"hour", 0, 23),
    (r"(rating|stars)$", 1, 5),
    (r"(confidence|probability|likelihood|ratio)$", 0.5, 0.99),
    (r"(percent|percentage|pct)", 5, 95),
    (r"(score|grade)", 40, 100),
    (r"population", 10_000, 5_000_000),
    (r"(price|cost|amount|salary|budget|revenue)", 5, 500),
    (r"(minutes|duration|time)", 5, 120),
    (r"calories", 80, 800),
    (r"(temperature|temp)", -5, 35),
    (r"(weight|kg)", 1, 90),
    (r"(height|length|width|distance)", 1, 200),
    (r"pages?$", 40, 600),
    (r"(count|quantity|number|num|total|size|servings|steps)", 1, 12),
    (r"(^id$|_id$|Id$)", 1, 9_999),
]


def string_for(name: str, owner: str, words: list[str], rng: random.Random) -> str:
    """A string that fits the field's name, using the prompt's words where it can."""
    key = name.lower()
    if "email" in key:
        return email_address(rng)
    if re.search(r"(url|uri|link|website|homepage)$", key):
        return f"https://example.com/{_slug(rng.choice(words))}"
    if "phone" in key:
        return f"+1-555-01{rng.randint(10, 99)}"
    if re.search(r"(^|_)(first_?name|given_?name)$", key):
        return rng.choice(_FIRST)
    if re.search(r"(last_?name|surname|family_?name)$", key):
        return rng.choice(_LAST)
    if _is_person(key, owner):
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if "city" in key:
        return rng.choice(_CITIES)
    if "country" in key:
        return rng.choice(_COUNTRIES)
    if "address" in key:
        return f"{rng.randint(1, 99)} Market Street, {rng.choice(_CITIES)}"
    if key in ("color", "colour") or key.endswith(("_color", "_colour")):
        return rng.choice(_COLOURS)
    if key in ("language", "lang", "locale"):
        return rng.choice(_LANGUAGES)
    if key == "currency":
        return rng.choice(["USD", "EUR", "JPY", "GBP"])
    if key == "status":
        return rng.choice(_STATUSES)
    if re.search(r"(^|_)(id|uuid|identifier|code|sku)$", key):
        return f"{_slug(words[0])[:8]}-{rng.randint(1000, 9999)}"
    if re.search(r"(date|_at|_on)$|^(date|day|when)", key):
        return f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if _PROSE_FIELDS.search(key):
        return _sentence(words, rng)
    if re.search(r"(name|title|label|heading|headline)$", key):
        return _title(words, rng)
    if re.search(r"(tag|keyword|category|genre|type|kind|topic|ingredient|skill)", key):
        return rng.choice(words).lower()
    return " ".join(rng.sample(words, k=min(len(words), rng.randint(1, 3)))).lower()


def number_for(name: str, node: dict[str, Any], integer: bool, rng: random.Random) -> float | int:
    """A number in a range that suits the name, then moved inside the schema's bounds."""
    low, high = _range_for(name)
    low, high = _clamp_range(low, high, node, integer)
    if integer:
        value: float = rng.randint(math.ceil(low), math.floor(high)) if low <= high else low
    else:
        value = round(rng.uniform(low, high), 2)
        if not low <= value <= high:
            value = low
    step = _get(node, "multiple_of")
    if step:
        first, last = math.ceil(low / step), math.floor(high / step)
        value = rng.randint(first, last) * step if first <= last else value
    return int(value) if integer else float(value)


def email_address(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST).lower()}.{rng.choice(_LAST).lower()}@example.com"


def _range_for(name: str) -> tuple[float, float]:
    for pattern, low, high in _RANGES:
        if re.search(pattern, name, re.IGNORECASE):
            return low, high
    return 1, 100


def _clamp_range(
    low: float, high: float, node: dict[str, Any], integer: bool
) -> tuple[float, float]:
    """Intersect the name's range with the schema's bounds; the schema wins when they miss."""
    smallest, largest = _get(node, "minimum"), _get(node, "maximum")
    exclusive_low, exclusive_high = _get(node, "exclusive_minimum"), _get(node, "exclusive_maximum")
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


def _is_person(key: str, owner: str) -> bool:
    if re.search(r"(author|owner|person|user_?name|full_?name|speaker|artist|director)$", key):
        return True
    return key == "name" and _PERSON_OWNERS.search(owner) is not None


def _sentence(words: list[str], rng: random.Random) -> str:
    kw, kw2 = rng.sample(words, 2) if len(words) > 1 else (words[0], "context")
    template = rng.choice(_SENTENCES)
    return (
        template.replace("«Kw»", kw[:1].upper() + kw[1:]).replace("«kw2»", kw2).replace("«kw»", kw)
    )


def _title(words: list[str], rng: random.Random) -> str:
    picked = sorted(rng.sample(words, k=min(len(words), rng.randint(1, 2))), key=words.index)
    title = " ".join(w[:1].upper() + w[1:] for w in picked)
    return f"{rng.choice(_ADJECTIVES)} {title}" if rng.random() < 0.6 else title


def _slug(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-") or "item"


def _get(node: dict[str, Any], snake: str) -> Any:
    if snake in node:
        return node[snake]
    head, *rest = snake.split("_")
    return node.get(head + "".join(p.capitalize() for p in rest))
