"""Faults the offline server injects on demand, so every failure a user can meet is testable.

A fault is attached to requests in one of two ways:

* from Python: ``server.fail_next(Fault.drop(after=3))`` (the next matching request gets it);
* from any client, per request: the header ``x-offline-fault`` holding the fault as JSON
  (``types.HttpOptions(headers={"x-offline-fault": Fault.http(429).to_header()})``), which is
  how a notebook talks to a server in another process.

What a fault turns the answer into (Google's error bodies, a blocked prompt, an answer cut
short with SAFETY, MAX_TOKENS or RECITATION) is written here too, as Gemini sends each.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .responders import Reply
from .wire import ApiError

__all__ = ["Fault", "FaultQueue", "apply_fault", "fault_error", "status_message"]

FINISH_REASONS = ("STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "LANGUAGE", "OTHER")
BLOCK_REASONS = ("SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT")
FAULT_HEADER = "x-offline-fault"


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request. Unset fields leave that aspect normal."""

    status: int | None = None  # an HTTP error, with Google's body, instead of an answer
    message: str | None = None
    retry_after: float | None = None  # seconds, sent as RetryInfo
    first_chunk_delay: float | None = None
    chunk_delay: float | None = None
    drop_after: int | None = None  # chunks sent before the connection is closed abruptly
    malformed_after: int | None = None  # ... before an event that is not JSON
    error_after: int | None = None  # ... before an {"error": ...} event ends the stream
    error_status: int = 500
    block_reason: str | None = None  # one chunk with promptFeedback.blockReason
    finish_reason: str | None = None  # the answer ends early with it (SAFETY, ...)
    finish_after: int | None = None  # chunks sent before finish_reason (default: half)

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP error code (400-599), got {self.status}")
        for name, allowed in (("finish_reason", FINISH_REASONS), ("block_reason", BLOCK_REASONS)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        for name in ("drop_after", "malformed_after", "error_after", "finish_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")

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

    def _set(self) -> dict[str, Any]:
        """The fields that differ from the defaults."""
        return {k: v for k, v in asdict(self).items() if v != getattr(Fault, k)}

    def to_header(self) -> str:
        """This fault as the value of the ``x-offline-fault`` request header."""
        return json.dumps(self._set(), separators=(",", ":"))

    @classmethod
    def from_header(cls, value: str) -> Fault:
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{FAULT_HEADER} is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{FAULT_HEADER} must be a JSON object")
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"{FAULT_HEADER}: unknown field {unknown[0]!r}")
        return cls(**data)

    def merged(self, other: Fault) -> Fault:
        """This fault with the fields ``other`` sets laid over it."""
        return replace(self, **other._set())


RequestMatcher = Callable[[str, str], bool]  # (model, prompt_text) -> bool


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


def status_message(fault: Fault) -> str:
    return fault.message or {
        400: "Request contains an invalid argument.",
        403: "The caller does not have permission.",
        404: "Requested entity was not found.",
        429: "Resource has been exhausted (e.g. check quota).",
        500: "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
        503: "The model is overloaded. Please try again later.",
    }.get(fault.status or fault.error_status, "The offline server injected this error.")


def fault_error(fault: Fault) -> ApiError:
    status = fault.status or 500
    details: list[dict[str, Any]] = []
    if status == 429:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/"
                        "generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    }
                ],
            }
        )
    if fault.retry_after is not None or status == 429:
        seconds = fault.retry_after if fault.retry_after is not None else 1.0
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{seconds:g}s"}
        )
    return ApiError(status, status_message(fault), details=details)


def _safety_ratings() -> list[dict[str, Any]]:
    """How Gemini rates a blocked prompt or a SAFETY finish: one category blocked."""
    names = ("HATE_SPEECH", "DANGEROUS_CONTENT", "HARASSMENT", "SEXUALLY_EXPLICIT")
    ratings = [{"category": f"HARM_CATEGORY_{n}", "probability": "NEGLIGIBLE"} for n in names]
    ratings[1].update(probability="HIGH", blocked=True)
    return ratings


def apply_fault(reply: Reply, fault: Fault) -> Reply:
    """The answer as a blocking or finishing fault leaves it."""
    if fault.block_reason is not None:
        return Reply([_blocked_chunk(reply.chunks, fault.block_reason)])
    if fault.finish_reason is not None:
        return _finish_early(reply, fault.finish_reason, fault.finish_after)
    return reply


def _blocked_chunk(chunks: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    usage = chunks[0].get("usageMetadata", {}) if chunks else {}
    prompt_tokens = usage.get("promptTokenCount", 0)
    return {
        "promptFeedback": {
            "blockReason": reason,
            "safetyRatings": _safety_ratings(),
        },
        "usageMetadata": {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens},
        "modelVersion": chunks[0].get("modelVersion") if chunks else None,
    }


def _finish_early(reply: Reply, reason: str, after: int | None) -> Reply:
    """Keep ``after`` chunks, then end as Gemini ends a SAFETY/RECITATION/... answer."""
    chunks = [copy.deepcopy(c) for c in reply.chunks]
    keep = len(chunks) // 2 if after is None else min(after, len(chunks))
    kept = chunks[:keep]
    last_usage = dict((kept[-1] if kept else chunks[-1]).get("usageMetadata", {}))
    prompt_tokens = last_usage.get("promptTokenCount", 0)
    thoughts = chunks[-1].get("usageMetadata", {}).get("thoughtsTokenCount", 0)
    if thoughts:  # on the last chunk only, so not in the one kept before the cut
        last_usage["thoughtsTokenCount"] = thoughts
    prompt_tokens += last_usage.get("toolUsePromptTokenCount", 0)
    last_usage["candidatesTokenCount"] = max(
        0, last_usage.get("totalTokenCount", 0) - prompt_tokens - thoughts
    )
    candidate: dict[str, Any] = {"finishReason": reason, "index": 0}
    if reason == "SAFETY":
        candidate["safetyRatings"] = _safety_ratings()
    if reason == "RECITATION":
        candidate["citationMetadata"] = {
            "citationSources": [{"startIndex": 0, "endIndex": 120, "uri": "https://example.com"}]
        }
    final = {
        "candidates": [candidate],
        "usageMetadata": last_usage,
        "modelVersion": chunks[-1].get("modelVersion"),
        "responseId": chunks[-1].get("responseId"),
    }
    for chunk in kept:  # a chunk cut from the middle must not already say STOP
        for c in chunk.get("candidates", []):
            c.pop("finishReason", None)
    delays = reply.delays[: keep + 1] if reply.delays else None
    return Reply([*kept, final], delays)
