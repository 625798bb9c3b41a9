"""An answer's estimated cost: its ``usage_metadata`` times the model's prices (``prices.py``).

An estimate, not a bill: the table is read by hand from Google's pricing page and dated,
and cache storage, grounding requests and batch discounts are not counted. When the model
has no price, or the usage has tokens of a kind the table does not price, the cost is None,
never a guess. No IPython here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from google.genai import types

from .prices import ModelPrice, price_for

__all__ = ["Cost", "answer_cost", "estimate_cost", "total_cost", "usage_cost"]

PER = 1_000_000
"""Prices are USD per this many tokens."""

Usage = types.GenerateContentResponseUsageMetadata


@dataclass(frozen=True)
class Cost:
    """Estimated USD of one request (or a sum of them), by the kind of token paid for."""

    input: float = 0.0
    """Prompt tokens not served from a context cache."""
    cached_input: float = 0.0
    """Prompt tokens served from a context cache."""
    tool_use: float = 0.0
    """Tokens of tool results the model read (code execution, URL context), at the input
    price."""
    output: float = 0.0
    """Answer tokens (text, images)."""
    thoughts: float = 0.0
    """Thinking tokens, billed as output."""

    @property
    def usd(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))

    def __add__(self, other: Cost) -> Cost:
        return Cost(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __float__(self) -> float:
        return self.usd

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.name} {getattr(self, f.name):.6g}" for f in fields(self))
        return f"<Cost ≈ ${self.usd:.6g} ({parts})>"


def estimate_cost(model: str | None, usage: Usage | None) -> Cost | None:
    """The cost of one request to ``model`` that used ``usage``; None when either is
    unknown."""
    if usage is None:
        return None
    price = price_for(model)
    return None if price is None else usage_cost(price, usage)


def answer_cost(model: str | None, usages: Sequence[Usage | None]) -> Cost | None:
    """The cost of an answer made by several requests (a continued one): their sum, None
    when no request reported usage or one cannot be priced."""
    known = [usage for usage in usages if usage is not None]
    if not known:
        return None
    return total_cost(estimate_cost(model, usage) for usage in known)


def total_cost(costs: Iterable[Cost | None]) -> Cost | None:
    """The sum of ``costs``; None if any is None (a total that leaves some out would
    look smaller than the bill)."""
    total = Cost()
    for cost in costs:
        if cost is None:
            return None
        total += cost
    return total


def usage_cost(price: ModelPrice, usage: Usage) -> Cost | None:
    """``usage`` at ``price`` (the tier its prompt falls in); None when it has tokens of a
    kind the tier has no price for."""
    prompt = usage.prompt_token_count or 0
    cached = usage.cached_content_token_count or 0
    thoughts = usage.thoughts_token_count or 0
    tool_use = usage.tool_use_prompt_token_count or 0
    tier = price.tier_for(prompt)
    cached_audio = _modality(usage.cache_tokens_details, types.MediaModality.AUDIO)
    audio = max(0, _modality(usage.prompt_tokens_details, types.MediaModality.AUDIO) - cached_audio)
    images = _modality(usage.candidates_tokens_details, types.MediaModality.IMAGE)
    text = max(0, _answer_tokens(usage) - images)
    try:
        return Cost(
            input=_at(prompt - cached - audio, tier.input)
            + _at(audio, _first(tier.audio_input, tier.input)),
            cached_input=_at(cached - cached_audio, tier.cached_input)
            + _at(cached_audio, _first(tier.cached_audio_input, tier.cached_input)),
            tool_use=_at(tool_use, tier.input),
            output=_at(text, tier.output) + _at(images, tier.image_output),
            thoughts=_at(thoughts, tier.output),
        )
    except _Unpriced:
        return None


class _Unpriced(Exception):
    """Tokens of a kind with no price: the whole estimate is unknown."""


def _at(tokens: int, usd_per_million: float | None) -> float:
    if tokens <= 0:
        return 0.0
    if usd_per_million is None:
        raise _Unpriced
    return tokens * usd_per_million / PER


def _first(*prices: float | None) -> float | None:
    return next((p for p in prices if p is not None), None)


def _answer_tokens(usage: Usage) -> int:
    """Answer tokens; mid-stream Gemini sends only the prompt and a running total."""
    if usage.candidates_token_count is not None:
        return usage.candidates_token_count
    if usage.total_token_count is None:
        return 0
    return max(
        0,
        usage.total_token_count
        - (usage.prompt_token_count or 0)
        - (usage.thoughts_token_count or 0)
        - (usage.tool_use_prompt_token_count or 0),
    )


def _modality(details: list[types.ModalityTokenCount] | None, modality: str) -> int:
    return sum(d.token_count or 0 for d in details or [] if d.modality == modality)
