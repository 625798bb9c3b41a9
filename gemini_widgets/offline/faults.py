"""Faults the offline server injects on demand, so every failure a user can meet is testable.

A fault is attached to requests in one of two ways:

* from Python: ``server.faults.add(Fault.drop(after=3))`` (the next matching request gets it);
* from any client, per request: the header ``x-offline-fault`` holding the fault as JSON
  (``types.HttpOptions(headers={"x-offline-fault": Fault.http(429).to_header()})``), which is
  how a notebook talks to a server in another process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

__all__ = ["FINISH_REASONS", "Fault", "FaultQueue"]

FINISH_REASONS = ("STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "LANGUAGE", "OTHER")
BLOCK_REASONS = ("SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT")
FAULT_HEADER = "x-offline-fault"


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request. Unset fields leave that aspect normal."""

    status: int | None = None
    """Answer with this HTTP status and Google's error body instead of a response."""
    message: str | None = None
    retry_after: float | None = None
    """Seconds, sent as ``RetryInfo`` and ``Retry-After`` (429/503)."""
    first_chunk_delay: float | None = None
    chunk_delay: float | None = None
    drop_after: int | None = None
    """Close the connection abruptly after this many chunks."""
    malformed_after: int | None = None
    """Send an event that is not JSON after this many chunks."""
    error_after: int | None = None
    """Send an ``{"error": ...}`` event after this many chunks, then end the stream."""
    error_status: int = 500
    block_reason: str | None = None
    """Block the prompt: one chunk with ``promptFeedback.blockReason`` and no candidates."""
    finish_reason: str | None = None
    """End the answer with this finish reason (SAFETY, MAX_TOKENS, RECITATION, ...)."""
    finish_after: int | None = None
    """Chunks of text sent before ``finish_reason`` ends the answer (default: about half)."""

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP error code (400-599), got {self.status}")
        if self.finish_reason is not None and self.finish_reason not in FINISH_REASONS:
            raise ValueError(
                f"finish_reason must be one of {', '.join(FINISH_REASONS)}, "
                f"got {self.finish_reason!r}"
            )
        if self.block_reason is not None and self.block_reason not in BLOCK_REASONS:
            raise ValueError(
                f"block_reason must be one of {', '.join(BLOCK_REASONS)}, got {self.block_reason!r}"
            )
        for name in ("drop_after", "malformed_after", "error_after", "finish_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")

    # Named constructors read better in tests and notebooks than keyword soup.
    @classmethod
    def http(cls, status: int, message: str | None = None, **kw: Any) -> Fault:
        return cls(status=status, message=message, **kw)

    @classmethod
    def drop(cls, after: int) -> Fault:
        return cls(drop_after=after)

    @classmethod
    def malformed(cls, after: int) -> Fault:
        return cls(malformed_after=after)

    @classmethod
    def error_event(cls, after: int, status: int = 500) -> Fault:
        return cls(error_after=after, error_status=status)

    @classmethod
    def blocked(cls, reason: str = "SAFETY") -> Fault:
        return cls(block_reason=reason)

    @classmethod
    def finish(cls, reason: str, after: int | None = None) -> Fault:
        return cls(finish_reason=reason, finish_after=after)

    @classmethod
    def slow(cls, first_chunk: float | None = None, between: float | None = None) -> Fault:
        return cls(first_chunk_delay=first_chunk, chunk_delay=between)

    def to_header(self) -> str:
        """This fault as the value of the ``x-offline-fault`` request header."""
        defaults = Fault()
        return json.dumps(
            {k: v for k, v in asdict(self).items() if v != getattr(defaults, k)},
            separators=(",", ":"),
        )

    @classmethod
    def from_header(cls, value: str) -> Fault:
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{FAULT_HEADER} is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{FAULT_HEADER} must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{FAULT_HEADER}: unknown field {unknown[0]!r}")
        return cls(**data)

    def merged(self, other: Fault | None) -> Fault:
        """This fault with the fields ``other`` sets laid over it."""
        if other is None:
            return self
        defaults = Fault()
        changes = {
            f.name: getattr(other, f.name)
            for f in fields(other)
            if getattr(other, f.name) != getattr(defaults, f.name)
        }
        return replace(self, **changes)


RequestMatcher = Callable[[str, str], bool]
"""``(model, prompt_text) -> bool``."""


@dataclass
class _Armed:
    fault: Fault
    times: int | None
    model: str | None
    match: RequestMatcher | None
    used: int = 0

    def applies(self, model: str, prompt: str) -> bool:
        if self.model is not None and self.model != model:
            return False
        return self.match is None or self.match(model, prompt)


@dataclass
class FaultQueue:
    """Faults armed from Python; the server takes one for each request it serves."""

    _armed: list[_Armed] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        fault: Fault,
        *,
        times: int | None = 1,
        model: str | None = None,
        match: RequestMatcher | str | None = None,
    ) -> None:
        """Arm ``fault`` for the next ``times`` matching requests (``None``: until cleared).

        ``match`` is a substring of the prompt, or a callable ``(model, prompt) -> bool``.
        """
        if isinstance(match, str):
            needle = match
            match = lambda _model, prompt: needle in prompt  # noqa: E731
        with self._lock:
            self._armed.append(_Armed(fault, times, model, match))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, model: str, prompt: str) -> Fault | None:
        with self._lock:
            for armed in self._armed:
                if armed.applies(model, prompt):
                    armed.used += 1
                    if armed.times is not None and armed.used >= armed.times:
                        self._armed.remove(armed)
                    return armed.fault
        return None

    def __len__(self) -> int:
        return len(self._armed)
