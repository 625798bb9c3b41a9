"""The price table: USD per 1M tokens for each model, shipped as data (``prices.json``), with
the user's overrides on top (``set_prices``, which ``%config GeminiMagics.prices`` calls).

``price_for(model)`` matches the names the SDK and the responses use (``models/…``, a
``-001`` version, a ``-preview-09-2025`` snapshot) to an entry, and nothing else: a model
the table does not name has no price, never a neighbour's. No IPython here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "PRICES_FILE",
    "ModelPrice",
    "PriceTier",
    "PricesError",
    "parse_prices",
    "price_for",
    "prices",
    "set_prices",
]

PRICES_FILE = Path(__file__).with_name("prices.json")
SOURCE = "https://ai.google.dev/gemini-api/docs/pricing"

_PREFIX = re.compile(r"^(?:models/|(?:.*/)?publishers/google/models/)")
# What may follow a table name in a name that means the same model: a preview tag, then a
# version ("-001") or a snapshot date ("-09-2025", "-06-17"). "-exp", "-tts", "-image",
# "-latest" are other models (or moving aliases) and match nothing.
_VARIANT = re.compile(r"(?:-preview)?(?:-\d{3}|-\d{2}-\d{2,4})?")


class PricesError(ValueError):
    """A price table the user gave cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class PriceTier:
    """USD per 1M tokens up to a prompt size. A price left as None is unknown: a request
    that has tokens of that kind gets no estimate."""

    input: float
    """Prompt and tool-use prompt tokens (every modality, unless ``audio_input`` is set)."""
    output: float | None = None
    """Answer tokens, thinking tokens included (Gemini bills thoughts as output)."""
    cached_input: float | None = None
    """Prompt tokens served from a context cache."""
    audio_input: float | None = None
    """Audio prompt tokens, where they cost more than the others."""
    cached_audio_input: float | None = None
    image_output: float | None = None
    """Image tokens in the answer (image-generating models)."""
    up_to_prompt_tokens: int | None = None
    """The largest prompt this tier prices (None: any larger prompt)."""


@dataclass(frozen=True)
class ModelPrice:
    """One model's prices, where they come from and when they were read."""

    model: str
    tiers: tuple[PriceTier, ...]
    as_of: str
    source: str
    note: str = ""

    def tier_for(self, prompt_tokens: int) -> PriceTier:
        """The tier that prices a request with this many prompt tokens (all its tokens)."""
        for tier in self.tiers:
            if tier.up_to_prompt_tokens is None or prompt_tokens <= tier.up_to_prompt_tokens:
                return tier
        return self.tiers[-1]


def price_for(model: str | None) -> ModelPrice | None:
    """The prices of ``model`` (an SDK or response name), or None when the table has none."""
    table = prices()
    name = table_name(model, table)
    return None if name is None else table[name]


def prices() -> dict[str, ModelPrice]:
    """The table in use: the shipped one with the user's overrides (``set_prices``)."""
    table = dict(shipped_prices())
    for model, price in _overrides.items():
        if price is None:
            table.pop(model, None)
        else:
            table[model] = price
    return table


def set_prices(table: Mapping[str, Any] | None) -> None:
    """Use these prices over the shipped ones: ``{model: {"input": 0.3, "output": 2.5,
    "cached_input": 0.03}}`` (USD per 1M tokens), or ``{"tiers": [...]}`` as in
    ``prices.json``; a model given ``None`` has no price. Each call replaces the previous
    overrides; ``set_prices(None)`` goes back to the shipped table."""
    global _overrides
    _overrides = parse_prices(table or {}, as_of="set by the user", source="set_prices")


def table_name(model: str | None, table: Mapping[str, Any]) -> str | None:
    """The entry of ``table`` that ``model`` names: itself, or itself with a version or
    snapshot suffix; the longest such entry (``flash-lite`` before ``flash``)."""
    if not model:
        return None
    name = _PREFIX.sub("", model.strip().lower())
    if name in table:
        return name
    for entry in sorted(table, key=len, reverse=True):
        if name.startswith(entry) and _VARIANT.fullmatch(name[len(entry) :]):
            return entry
    return None


@cache
def shipped_prices() -> dict[str, ModelPrice]:
    """The table in ``prices.json``."""
    data = json.loads(PRICES_FILE.read_text(encoding="utf-8"))
    return {
        model: price
        for model, price in parse_prices(data["models"], as_of="", source=SOURCE).items()
        if price is not None
    }


def parse_prices(
    table: Mapping[str, Any], *, as_of: str, source: str
) -> dict[str, ModelPrice | None]:
    """Read a table: ``{model: entry or None}``; an entry is the prices of one tier, or
    ``{"tiers": [...], "as_of", "source", "note"}``. Raises ``PricesError``."""
    if not isinstance(table, Mapping):
        raise PricesError(f"Prices must be a dict of model name -> prices, not {table!r}.")
    parsed: dict[str, ModelPrice | None] = {}
    for model, entry in table.items():
        if not isinstance(model, str) or not model.strip():
            raise PricesError(f"A model name must be a non-empty string, not {model!r}.")
        name = _PREFIX.sub("", model.strip().lower())
        parsed[name] = None if entry is None else _model_price(name, entry, as_of, source)
    return parsed


# ---- reading one entry ----------------------------------------------------------------

_TIER_KEYS = {f.name for f in fields(PriceTier)}
_ENTRY_KEYS = {"tiers", "as_of", "source", "note"}


def _model_price(model: str, entry: Any, as_of: str, source: str) -> ModelPrice:
    if not isinstance(entry, Mapping):
        raise PricesError(f"Prices of {model}: a dict such as {{'input': 0.3, 'output': 2.5}}.")
    if "tiers" in entry:
        unknown = set(entry) - _ENTRY_KEYS
        raw_tiers = entry["tiers"]
        if not isinstance(raw_tiers, list) or not raw_tiers:
            raise PricesError(f"Prices of {model}: 'tiers' must be a non-empty list.")
    else:
        unknown = set(entry) - _TIER_KEYS - {"as_of", "source", "note"}
        raw_tiers = [{k: v for k, v in entry.items() if k in _TIER_KEYS}]
    if unknown:
        known = ", ".join(sorted(_TIER_KEYS | _ENTRY_KEYS))
        raise PricesError(f"Prices of {model}: unknown {sorted(unknown)}; known: {known}.")
    tiers = tuple(_tier(model, raw) for raw in raw_tiers)
    limits = [t.up_to_prompt_tokens for t in tiers]
    if limits[-1] is not None or None in limits[:-1] or limits[:-1] != sorted(set(limits[:-1])):
        raise PricesError(
            f"Prices of {model}: each tier but the last needs a larger 'up_to_prompt_tokens' "
            "than the one before; the last has none."
        )
    return ModelPrice(
        model=model,
        tiers=tiers,
        as_of=str(entry.get("as_of", as_of)),
        source=str(entry.get("source", source)),
        note=str(entry.get("note", "")),
    )


def _tier(model: str, raw: Any) -> PriceTier:
    if not isinstance(raw, Mapping):
        raise PricesError(f"Prices of {model}: each tier is a dict of prices.")
    unknown = set(raw) - _TIER_KEYS
    if unknown:
        known = ", ".join(sorted(_TIER_KEYS))
        raise PricesError(f"Prices of {model}: unknown {sorted(unknown)}; known: {known}.")
    if raw.get("input") is None:
        raise PricesError(f"Prices of {model}: 'input' (USD per 1M prompt tokens) is needed.")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        number_type = int if key == "up_to_prompt_tokens" else (int, float)
        if isinstance(value, bool) or not isinstance(value, number_type) or value < 0:
            what = "a whole number of tokens" if key == "up_to_prompt_tokens" else "USD per 1M"
            raise PricesError(f"Prices of {model}: {key} must be {what} >= 0, not {value!r}.")
        values[key] = value if key == "up_to_prompt_tokens" else float(value)
    return PriceTier(**values)


_overrides: dict[str, ModelPrice | None] = {}
