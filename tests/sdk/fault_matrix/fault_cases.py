"""The faults of the fault x surface matrix (issue 7), and what the user must see for each.

One table of faults (``CASES``) says what the user must see for each: the status word, the
one-sentence message (the view's ``error`` or ``notice``), the text kept (exactly what the
server sent before the fault), whether Continue is offered, the retries shown, and whether a
chat records the exchange. docs/reliability.md shows the same table.

No outcome depends on how fast this machine is: a stream is ended by the fault under test,
never by a clock racing a busy machine (see ``TIMEOUT`` and ``STALL``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gemini_widgets import retry
from gemini_widgets.offline import Fault, OfflineGemini
from gemini_widgets.settings import DEFAULT_TIMEOUT

MODEL = "gemini-2.5-flash"
PROMPT = "Explain tides"
ANSWER = (
    "Tides ",
    "rise ",
    "and ",
    "fall ",
    "twice ",
    "a ",
    "day, ",
    "pulled ",
    "by ",
    "the Moon.",
)
WHOLE = "".join(ANSWER)
CUT = 3
"""Chunks the server sends before a mid-stream fault."""
PARTIAL = "".join(ANSWER[:CUT])
GREETING, GREETING_REPLY = "Hello", "Hi there."
UNKNOWN_MODEL = "gemini-0-imaginary"
TIMEOUT = 0.5
"""Seconds without a chunk before a stream ends, in the cases about that timeout only: short,
so they end quickly. Every other case runs with the default (``DEFAULT_TIMEOUT``, 120 s),
which no pause of a busy machine comes near: only the fault under test ends those streams."""
STALL = 30.0
"""How long the server stays silent in the timeout cases: so far past ``TIMEOUT`` that the
timeout ends the stream however busy the machine is; the chunk never comes in time."""
FAST_RETRY = {"initial_delay": 0.01, "jitter": 0.0, "max_delay": 1.0}
"""The default policy (429/503, 4 attempts) with 10 ms waits instead of ~1, 2, 4 s."""
ATTEMPTS = retry.DEFAULT_RETRY.attempts
NEVER = 60.0
"""Seconds to wait for something that happens at once unless the code is broken (the server
receiving a request the client gave up on): only a hung test waits this long."""


# ---- what each fault must look like --------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    label: str
    """How docs/reliability.md names the fault."""
    fault: Fault | None
    status: str
    """The status word the view ends with (a chat turn's ``status``)."""
    error: str = ""
    notice: str = ""
    text: str = ""
    """The text kept, exactly as the server sent it."""
    can_continue: bool = False
    times: int | None = 1
    """Requests the fault is armed for (None: every one)."""
    model: str = MODEL
    settings: dict[str, Any] = field(default_factory=dict)
    requests: int = 1
    """Requests the server receives for the answer (1 + retries)."""
    retry_cause: str = ""
    """The cause the view names while it waits to retry."""
    recorded: bool = False
    """A chat's history gains the exchange (with ``text`` as the reply)."""
    retry_cures: bool = True
    """A chat's Retry (the fault gone) brings the whole answer."""
    timeout: float = DEFAULT_TIMEOUT
    """The surface's no-chunk timeout (``TIMEOUT`` in the cases about it)."""

    @property
    def retries_shown(self) -> list[str]:
        return [
            f"{self.retry_cause}: retrying in 0 s (attempt {n} of {ATTEMPTS})."
            for n in range(2, self.requests + 1)
        ]


def _http(code: int, status: str, advice: str, said: str, *, kept: bool = False) -> str:
    return f"{code} {status}: {advice}{'; the partial answer is kept' if kept else ''}. " + (
        f"Gemini said: {said}"
    )


SAID_500 = (
    "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting"
)
ADVICE_500 = "Gemini had an internal error; retry in a moment"

CASES = [
    Case(
        "http-400",
        "HTTP 400 (bad request)",
        Fault.http(400),
        "error",
        error=_http(
            400,
            "INVALID_ARGUMENT",
            "the request was rejected; check the model name and settings",
            "Request contains an invalid argument.",
        ),
        retry_cures=False,
    ),
    Case(
        "http-403",
        "HTTP 403 (bad key)",
        Fault.http(403),
        "error",
        error=_http(
            403,
            "PERMISSION_DENIED",
            "the API key was refused or lacks permission; check GEMINI_API_KEY",
            "The caller does not have permission.",
        ),
        retry_cures=False,
    ),
    Case(
        "http-404-unknown-model",
        "HTTP 404 (unknown model)",
        None,
        "error",
        error=_http(
            404,
            "NOT_FOUND",
            "not found; `%gemini models` lists the models you can use",
            f"models/{UNKNOWN_MODEL} is not found for API version v1 or is not supported "
            "for streamGenerateContent. Call ListModels to see the list of available models "
            "and their supported methods.",
        ),
        model=UNKNOWN_MODEL,
        retry_cures=False,
    ),
    Case(
        "http-429-transient",
        "HTTP 429 once",
        Fault.http(429, retry_after=0),
        "done",
        text=WHOLE,
        requests=2,
        retry_cause="429 RESOURCE_EXHAUSTED",
        recorded=True,
    ),
    Case(
        "http-429-persistent",
        "HTTP 429 every time",
        Fault.http(429, retry_after=0),
        "error",
        error=_http(
            429,
            "RESOURCE_EXHAUSTED",
            "rate limit or quota reached; wait and retry, or lower the request rate "
            "(Gemini suggests 0 s)",
            "Resource has been exhausted (e.g. check quota).",
        )
        + f" Gave up after {ATTEMPTS} attempts.",
        times=None,
        requests=ATTEMPTS,
        retry_cause="429 RESOURCE_EXHAUSTED",
    ),
    Case(
        "http-500",
        "HTTP 500",
        Fault.http(500),
        "error",
        error=_http(500, "INTERNAL", ADVICE_500, SAID_500),
    ),
    Case(
        "http-503-transient",
        "HTTP 503 once",
        Fault.http(503),
        "done",
        text=WHOLE,
        requests=2,
        retry_cause="503 UNAVAILABLE",
        recorded=True,
    ),
    Case(
        "http-503-persistent",
        "HTTP 503 every time",
        Fault.http(503),
        "error",
        error=_http(
            503,
            "UNAVAILABLE",
            "the model is overloaded; retry in a moment",
            "The model is overloaded. Please try again later.",
        )
        + f" Gave up after {ATTEMPTS} attempts.",
        times=None,
        requests=ATTEMPTS,
        retry_cause="503 UNAVAILABLE",
    ),
    Case(
        "first-chunk-delay",
        "No first chunk within the timeout",
        Fault.slow(first_chunk=STALL),
        "error",
        error=f"No response for {TIMEOUT:g} s, so the stream was ended; "
        "a longer timeout lets a slow model finish.",
        timeout=TIMEOUT,
    ),
    Case(
        "stalled-mid-stream",
        "Chunks stop coming mid-answer",
        Fault(chunk_delay=STALL),
        "error",
        error=f"No chunk for {TIMEOUT:g} s, so the stream was ended; the partial answer is "
        "kept; a longer timeout lets a slow model finish.",
        text=ANSWER[0],
        can_continue=True,
        timeout=TIMEOUT,
    ),
    Case(
        "slow-chunks",
        "Slow chunks, each within the timeout",
        Fault.slow(between=0.05),
        "done",
        text=WHOLE,
        recorded=True,
    ),
    Case(
        "dropped-before-first-chunk",
        "Connection dropped before the first chunk, once",
        Fault.drop(after=0),
        "done",
        text=WHOLE,
        requests=2,
        retry_cause="The connection failed",
        recorded=True,
    ),
    Case(
        "dropped",
        f"Connection dropped after {CUT} chunks",
        Fault.drop(after=CUT),
        "error",
        error=f"The connection dropped after {CUT} chunks; the partial answer is kept; "
        "run it again or continue from the partial answer.",
        text=PARTIAL,
        can_continue=True,
    ),
    Case(
        "malformed-event",
        "Malformed event mid-stream",
        Fault.malformed(after=CUT),
        "error",
        error="Gemini sent a response that could not be read; the partial answer is kept.",
        text=PARTIAL,
        can_continue=True,
    ),
    Case(
        "error-event",
        "Error event mid-stream (500)",
        Fault.error_event(after=CUT),
        "error",
        error=_http(500, "INTERNAL", ADVICE_500, SAID_500, kept=True),
        text=PARTIAL,
        can_continue=True,
    ),
    Case(
        "blocked-prompt",
        "Prompt blocked (promptFeedback SAFETY)",
        Fault.blocked("SAFETY"),
        "blocked",
        notice="The prompt was blocked (SAFETY).",
    ),
    Case(
        "finish-safety",
        "finishReason SAFETY",
        Fault.finish("SAFETY", after=CUT),
        "done",
        notice="Gemini stopped the answer for safety reasons.",
        text=PARTIAL,
    ),
    Case(
        "finish-max-tokens",
        "finishReason MAX_TOKENS, last chunk without text",
        Fault.finish("MAX_TOKENS", after=CUT),
        "done",
        notice="The answer reached max_output_tokens and was cut off.",
        text=PARTIAL,
        can_continue=True,
    ),
    Case(
        "max-output-tokens",
        "max_output_tokens reached, last chunk with text",
        None,
        "done",
        notice="The answer reached max_output_tokens and was cut off.",
        text=PARTIAL,
        can_continue=True,
        settings={"max_output_tokens": 4},
        recorded=True,
    ),
    Case(
        "finish-recitation",
        "finishReason RECITATION",
        Fault.finish("RECITATION", after=CUT),
        "done",
        notice="Gemini stopped the answer because it resembled existing content too closely.",
        text=PARTIAL,
    ),
]


PLAIN = Case("plain", "No fault", None, "done", text=WHOLE, recorded=True)


def script_answers(server: OfflineGemini) -> None:
    server.script(*ANSWER, prompt=PROMPT)
    server.script(GREETING_REPLY, prompt=GREETING)
