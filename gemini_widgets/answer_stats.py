"""An answer's measures: how long it took, how many tokens it made, how fast, at what cost.

``AnswerStats`` is a base of ``StreamState`` (``stream.py``): the state machine there records
the times and the usage chunk by chunk, and these read them back as the status bar's numbers
(``stats()``) and the properties users read. No IPython here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.genai import types

from .answer_parts import enum_name
from .cost import Cost, answer_cost
from .retry import RetryNotice

__all__ = ["AnswerStats", "Clock"]

Clock = Callable[[], float]
MIN_RATE_SPAN = 0.25
"""Seconds of streaming before a live tokens/s is shown."""


class AnswerStats:
    """The measures of one answer, read from what ``StreamState`` recorded."""

    # What ``StreamState`` records (its dataclass fields) and these read.
    model: str | None
    clock: Clock
    started_at: float
    first_token_at: float | None
    ended_at: float | None
    usage: types.GenerateContentResponseUsageMetadata | None
    finish_reason: types.FinishReason | None
    block_reason: types.BlockedReason | None
    retry: RetryNotice | None
    done: bool
    _tokens_before: int
    _earlier_usage: list[types.GenerateContentResponseUsageMetadata]
    _tokens_at_first: int

    @property
    def elapsed(self) -> float:
        end = self.ended_at if self.ended_at is not None else self.clock()
        return end - self.started_at

    @property
    def time_to_first_token(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started_at

    @property
    def attempts(self) -> int:
        """Requests made for the answer's current part (1 when nothing was retried)."""
        return self.retry.attempt if self.retry is not None else 1

    @property
    def output_tokens(self) -> int | None:
        """Output tokens so far, across every continuation."""
        usage = self.usage
        if usage is None:
            return self._tokens_before or None
        if usage.candidates_token_count is not None:
            return self._tokens_before + usage.candidates_token_count
        # Mid-stream Gemini sends only the prompt and a running total.
        if usage.total_token_count is None:
            return self._tokens_before or None
        return self._tokens_before + max(
            0,
            usage.total_token_count
            - (usage.prompt_token_count or 0)
            - (usage.thoughts_token_count or 0),
        )

    @property
    def tokens_per_second(self) -> float | None:
        """Output tokens per second after the first chunk.

        The first chunk's tokens arrived at once, so they are not counted against the time
        since it (that gave ~150,000 tok/s on the first update); over a span too short to
        mean anything, a finished stream falls back to tokens over the whole elapsed time.
        """
        tokens = self.output_tokens
        if tokens is None or self.first_token_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else self.clock()
        span = end - self.first_token_at
        if span >= MIN_RATE_SPAN and tokens > self._tokens_at_first:
            return (tokens - self._tokens_at_first) / span
        if self.done and self.elapsed > 0:
            return tokens / self.elapsed
        return None

    @property
    def cost(self) -> Cost | None:
        """Estimated USD (``.usd``, with a breakdown) of every request the answer took, at
        the prices of ``gemini_widgets.prices``; None when the model has no price there or
        no usage came (docs/cost.md)."""
        return answer_cost(self.model, [*self._earlier_usage, self.usage])

    def stats(self) -> dict[str, Any]:
        """The status bar's numbers, as plain JSON values."""
        usage = self.usage
        return {
            "model": self.model,
            "time_to_first_token": _rounded(self.time_to_first_token),
            "elapsed": _rounded(self.elapsed),
            "tokens_per_second": _rounded(self.tokens_per_second, 1),
            "prompt_tokens": usage.prompt_token_count if usage else None,
            "output_tokens": self.output_tokens,
            "thought_tokens": usage.thoughts_token_count if usage else None,
            "cached_tokens": usage.cached_content_token_count if usage else None,
            "tool_use_tokens": usage.tool_use_prompt_token_count if usage else None,
            "total_tokens": usage.total_token_count if usage else None,
            "cost": None if (cost := self.cost) is None else cost.usd,
            "finish_reason": enum_name(self.finish_reason),
            "block_reason": enum_name(self.block_reason),
        }


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
