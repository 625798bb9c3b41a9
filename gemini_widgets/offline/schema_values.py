"""Plausible leaf values for a JSON answer, chosen from the field's name and the prompt's words.

A field called ``age`` gets 18..75, ``email`` an address, ``description`` a sentence about the
prompt: what a reader of a structured answer expects, still clamped to the schema's bounds.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

__all__ = ["get", "number_for", "string_for"]

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
        "hostname": lambda: "example.com",
        "ipv4": lambda: f"192.0.2.{rng.randint(1, 254)}",
        "ipv6": lambda: f"2001:db8::{rng.randint(1, 0xFFFF):x}",
        "duration": lambda: f"PT{rng.randint(1, 9)}H{rng.randint(0, 59)}M",
    }
    fmt = {"url": "uri", "uri-reference": "uri", "iri": "uri", "idn-hostname": "hostname"}.get(
        fmt.lower(), fmt.lower()
    )
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
        return (
            f"{rng.choice(['Classic', 'Simple', 'Everyday'])} {title}"
            if rng.random() < 0.6
            else title
        )
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
