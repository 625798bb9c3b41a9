"""What went wrong with a stream, in one sentence a user can act on.

The SDK raises ``APIError`` subclasses for HTTP errors and error events, but a connection
dropped mid-stream surfaces as the transport's own exception (httpx2's
``RemoteProtocolError``, or aiohttp's ``ClientPayloadError`` for the async client when
aiohttp is installed), and a malformed event as ``UnknownApiResponseError``. All of them
become a ``StreamError`` here, so no surface special-cases a transport.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from google.genai import errors as genai_errors

__all__ = ["StreamError", "describe_error"]


@dataclass(frozen=True)
class StreamError:
    """An error as shown beside the partial text. Never carries a key or a traceback."""

    kind: str
    """``http``, ``connection``, ``malformed``, ``timeout`` or ``internal``."""
    message: str
    code: int | None = None
    status: str | None = None
    retry_after: float | None = None
    exception: BaseException | None = None

    def __str__(self) -> str:
        return self.message


_ADVICE = {
    400: "the request was rejected; check the model name and settings",
    401: "the credentials were refused; check GEMINI_API_KEY",
    403: "the API key was refused or lacks permission; check GEMINI_API_KEY",
    404: "not found; `%gemini models` lists the models you can use",
    408: "the request timed out; try again",
    429: "rate limit or quota reached; wait and retry, or lower the request rate",
    500: "Gemini had an internal error; retry in a moment",
    503: "the model is overloaded; retry in a moment",
    504: "Gemini timed out; retry, or ask for a shorter answer",
}

# Transport exceptions by name, so neither httpx2 nor aiohttp must be importable here.
_CONNECTION_ERRORS = {
    "RemoteProtocolError",
    "ReadError",
    "ConnectError",
    "ProtocolError",
    "ClientPayloadError",
    "ServerDisconnectedError",
    "ClientConnectionError",
    "ClientOSError",
    "IncompleteRead",
    "ConnectionResetError",
    "ConnectionError",
}
_TIMEOUT_ERRORS = {"ReadTimeout", "TimeoutException", "TimeoutError", "ServerTimeoutError"}


def describe_error(exc: BaseException, *, chunks_received: int = 0) -> StreamError:
    """A ``StreamError`` for any exception a stream can raise."""
    kept = _kept(chunks_received)
    if isinstance(exc, genai_errors.APIError):
        code = exc.code
        status = exc.status
        detail = (exc.message or "").strip()
        advice = _ADVICE.get(code, "see the message from Gemini")
        retry_after = retry_delay_seconds(exc.details)
        if retry_after is not None and code in (429, 503):
            advice += f" (Gemini suggests {retry_after:g} s)"
        head = f"{code} {status}" if status else str(code)
        message = f"{head}: {advice}{kept}."
        if detail:
            message += f" Gemini said: {_first_sentence(detail)}"
        return StreamError("http", message, code, status, retry_after, exc)
    if isinstance(exc, genai_errors.UnknownApiResponseError):
        return StreamError(
            "malformed", f"Gemini sent a response that could not be read{kept}.", exception=exc
        )
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & _TIMEOUT_ERRORS:
        return StreamError("timeout", f"The stream timed out{kept}.", exception=exc)
    if names & _CONNECTION_ERRORS:
        return StreamError(
            "connection",
            f"The connection dropped after {chunks_received} chunks{kept}; "
            "run it again or continue from the partial answer.",
            exception=exc,
        )
    return StreamError(
        "internal", f"{type(exc).__name__}: {_first_sentence(str(exc))}{kept}", exception=exc
    )


def retry_delay_seconds(details: Any) -> float | None:
    """The ``RetryInfo.retryDelay`` Google puts in a 429/503 error body, in seconds."""
    error = details.get("error", details) if isinstance(details, dict) else None
    for item in (error or {}).get("details", []) if isinstance(error, dict) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            match = re.fullmatch(r"([\d.]+)s", str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _kept(chunks: int) -> str:
    return "; the partial answer is kept" if chunks else ""


def _first_sentence(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
