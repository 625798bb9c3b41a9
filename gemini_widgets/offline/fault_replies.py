"""What a fault turns a request's answer into: Google's error bodies, a blocked prompt, an
answer cut short with SAFETY, MAX_TOKENS or RECITATION, as Gemini sends each."""

from __future__ import annotations

import copy
from typing import Any

from .faults import Fault
from .responders import Reply
from .wire import ApiError

__all__ = ["blocked_chunk", "fault_error", "finish_early", "status_message"]


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


_SAFETY_CATEGORIES = (
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
)


def _safety_ratings(blocked_category: str | None) -> list[dict[str, Any]]:
    ratings = []
    for category in _SAFETY_CATEGORIES:
        rating: dict[str, Any] = {"category": category, "probability": "NEGLIGIBLE"}
        if category == blocked_category:
            rating.update(probability="HIGH", blocked=True)
        ratings.append(rating)
    return ratings


def blocked_chunk(chunks: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    usage = chunks[0].get("usageMetadata", {}) if chunks else {}
    prompt_tokens = usage.get("promptTokenCount", 0)
    return {
        "promptFeedback": {
            "blockReason": reason,
            "safetyRatings": _safety_ratings("HARM_CATEGORY_DANGEROUS_CONTENT"),
        },
        "usageMetadata": {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens},
        "modelVersion": chunks[0].get("modelVersion") if chunks else None,
    }


def finish_early(reply: Reply, reason: str, after: int | None) -> Reply:
    """Keep ``after`` chunks, then end as Gemini ends a SAFETY/RECITATION/... answer."""
    chunks = [copy.deepcopy(c) for c in reply.chunks]
    keep = len(chunks) // 2 if after is None else min(after, len(chunks))
    kept = chunks[:keep]
    last_usage = dict((kept[-1] if kept else chunks[-1]).get("usageMetadata", {}))
    prompt_tokens = last_usage.get("promptTokenCount", 0)
    thoughts = chunks[-1].get("usageMetadata", {}).get("thoughtsTokenCount", 0)
    last_usage["candidatesTokenCount"] = max(
        0, last_usage.get("totalTokenCount", 0) - prompt_tokens - thoughts
    )
    candidate: dict[str, Any] = {"finishReason": reason, "index": 0}
    if reason == "SAFETY":
        candidate["safetyRatings"] = _safety_ratings("HARM_CATEGORY_DANGEROUS_CONTENT")
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
