"""Retries before the first token: which failures, how long to wait, what the user is told.

The policy is the SDK's own ``types.HttpRetryOptions`` and the wait is the SDK's own
formula (tenacity's ``wait_exponential_jitter``, as ``google.genai._api_client.retry_args``
builds it). The loop is ours, not the SDK's, for three reasons a notebook needs: the view
shows "retrying in N s (attempt k of n)" (the SDK only logs it), a Stop during the wait
ends it at once, and Gemini's ``RetryInfo`` delay is honoured (the SDK ignores it).

Nothing is ever retried once a chunk has arrived: that would show text twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import tenacity
from google.genai import types

from .errors import StreamError

__all__ = ["DEFAULT_RETRY", "RetryNotice", "RetryPolicy", "retry_policy"]

DEFAULT_RETRY = types.HttpRetryOptions(
    attempts=4, initial_delay=1.0, max_delay=30.0, exp_base=2.0, jitter=1.0,
    http_status_codes=[429, 503],
)  # fmt: skip
"""On by default for 429 (rate limit) and 503 (overloaded): the two a wait usually cures.
Add 500 with ``retry={"http_status_codes": [429, 500, 503]}``."""

RetrySetting = bool | int | types.HttpRetryOptions | Mapping[str, Any] | None


@dataclass(frozen=True)
class RetryNotice:
    """A retry about to happen, as the view shows it."""

    attempt: int
    """The attempt that follows the wait (2 for the first retry)."""
    attempts: int
    delay: float
    error: StreamError

    @property
    def cause(self) -> str:
        """``429 RESOURCE_EXHAUSTED``, or what else went wrong, in a few words."""
        if self.error.kind == "http":
            return self.error.message.split(":", 1)[0]
        return "The connection failed"

    @property
    def message(self) -> str:
        return (
            f"{self.cause}: retrying in {self.delay:.0f} s "
            f"(attempt {self.attempt} of {self.attempts})."
        )

    def to_json(self) -> dict[str, Any]:
        """For the browser, which counts the delay down."""
        return {
            "cause": self.cause,
            "delay": round(self.delay, 1),
            "attempt": self.attempt,
            "attempts": self.attempts,
        }


class RetryPolicy:
    """When to retry a failed stream and how long to wait first."""

    def __init__(self, options: types.HttpRetryOptions) -> None:
        self.options = options
        self.attempts = max(1, options.attempts if options.attempts is not None else 5)
        self.codes = frozenset(options.http_status_codes or (408, 429, 500, 502, 503, 504))
        self.max_delay = 60.0 if options.max_delay is None else options.max_delay
        self._wait = tenacity.wait_exponential_jitter(
            initial=1.0 if options.initial_delay is None else options.initial_delay,
            max=self.max_delay,
            exp_base=2.0 if options.exp_base is None else options.exp_base,
            jitter=1.0 if options.jitter is None else options.jitter,
        )

    def next_retry(
        self, failed_attempt: int, error: StreamError, *, chunks_received: int
    ) -> RetryNotice | None:
        """The retry after ``failed_attempt`` failed with ``error``, or None to give up."""
        if chunks_received or failed_attempt >= self.attempts or not self._retryable(error):
            return None
        delay = self._wait(_AttemptState(failed_attempt))
        if error.retry_after is not None:
            if error.retry_after > self.max_delay:
                return None  # Gemini asks for longer than we may wait: say so now
            delay = max(delay, error.retry_after)
        return RetryNotice(failed_attempt + 1, self.attempts, delay, error)

    def _retryable(self, error: StreamError) -> bool:
        if error.kind == "http":
            return error.code in self.codes
        return error.kind == "connection"  # a connection refused or reset before any data


def retry_policy(setting: RetrySetting) -> RetryPolicy | None:
    """A policy from what users write: ``None``/``True`` (the default), ``False`` or ``0``
    (off), an attempt count, or ``HttpRetryOptions`` (or its dict) laid over the default."""
    if setting is None or setting is True:
        options = DEFAULT_RETRY
    elif setting is False:
        return None
    elif isinstance(setting, int):
        if setting < 0:
            raise ValueError(f"retry must be a number of attempts >= 0, got {setting}.")
        options = DEFAULT_RETRY.model_copy(update={"attempts": setting})
    elif isinstance(setting, types.HttpRetryOptions | Mapping):
        given = (
            setting
            if isinstance(setting, types.HttpRetryOptions)
            else types.HttpRetryOptions.model_validate(dict(setting))
        )
        options = DEFAULT_RETRY.model_copy(update=given.model_dump(exclude_none=True))
    else:
        raise ValueError(
            "retry must be True, False, a number of attempts or types.HttpRetryOptions, "
            f"got {setting!r}."
        )
    return RetryPolicy(options) if (options.attempts or 0) > 1 else None


class _AttemptState:
    """The one field of tenacity's ``RetryCallState`` its wait strategies read."""

    def __init__(self, attempt_number: int) -> None:
        self.attempt_number = attempt_number
