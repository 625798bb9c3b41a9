"""The fault x surface matrix (issue 7): every fault the offline server injects, through
every surface a user streams with, over the real google-genai SDK and real HTTP.

One table of faults (``CASES``) says what the user must see for each: the status word, the
one-sentence message (the view's ``error`` or ``notice``), the text kept (exactly what the
server sent before the fault), whether Continue is offered, the retries shown, and whether a
chat records the exchange. Each case runs through each surface (``SURFACES``):

* ``stream``      ``gemini_widgets.stream()``: a StreamView, read in the cell;
* ``stream_bg``   ``stream(background=True)``: the same view, read as a task (async SDK);
* ``magic``       ``%%gemini`` in an IPython shell: the StreamView it displayed;
* ``magic_chat``  ``%%gemini --chat NAME``: the same, plus the named chat's history;
* ``chat``        ``Chat.send()``: the last exchange of ``chat.view.turns``, and ``chat.history``;
* ``chat_async``  ``await Chat.send_async()``: the path a message typed in the chat takes.

Each cell also checks the text the browser was sent (the view's delta messages) is exactly
the text kept, and that a silent server was given up on, not waited for. Recovery is tested
as the view offers it: Continue until the answer is whole (a chat then records it once), and
a chat's Retry after an error. docs/reliability.md shows the same table; the wrong behaviours
found are pinned at the end by strict xfails.

No outcome depends on how fast this machine is: a stream is ended by the fault under test,
never by a clock racing a busy machine (see ``TIMEOUT`` and ``STALL``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from google import genai
from google.genai import types

from gemini_widgets import Chat, retry, stream, widgets
from gemini_widgets import client as factory
from gemini_widgets.conversation import conversations
from gemini_widgets.offline import Fault, OfflineGemini
from gemini_widgets.request import CONTINUE_PROMPT
from gemini_widgets.settings import DEFAULT_TIMEOUT
from gemini_widgets.text_views import DISPLAY_ENV
from gemini_widgets.widgets import StreamView

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


# ---- what a surface showed ------------------------------------------------------------------


@dataclass
class Seen:
    status: str
    error: str
    notice: str
    text: str
    """The answer's text as the surface holds it (``state.text``, the turn's ``text``)."""
    sent: str
    """The text the browser was sent, joined from the view's delta messages."""
    can_continue: bool
    attempts: int
    retries_shown: list[str]
    """What the view said while it waited to retry (StreamView's notice; Chat's message)."""
    statuses: list[str] | None = None
    """A StreamView's status changes, in order."""
    history_before: list[tuple[str, str]] | None = None
    history: list[tuple[str, str]] | None = None
    elapsed: float = 0.0


class Recorder:
    """Wraps a view: records its status changes, its retry notices, and the delta text it
    sends the browser (checking each piece lands right after the one before)."""

    def __init__(self, view: Any) -> None:
        self.view = view
        self.statuses: list[str] = []
        self.retries: list[str] = []
        self.deltas: list[str] = []
        send = view.send

        def recording_send(message: dict[str, Any], buffers: Any = None) -> None:
            if message.get("type") == "delta" and "text" in message:
                assert message["at"] == len(self.sent), "a gap or an overlap"
                self.deltas.append(message["text"])
            if message.get("type") == "retry":  # ChatView's retry message
                self.retries.append(
                    f"{message['cause']}: retrying in {message['delay']:.0f} s "
                    f"(attempt {message['attempt']} of {message['attempts']})."
                )
            send(message, buffers)

        view.send = recording_send
        if isinstance(view, StreamView):
            view.observe(lambda change: self.statuses.append(change["new"]), "status")
            view.observe(self._on_notice, "notice")

    def _on_notice(self, change: dict[str, Any]) -> None:
        if self.view.retry and change["new"]:  # on_retry sets ``retry`` before the notice
            self.retries.append(change["new"])

    @property
    def sent(self) -> str:
        return "".join(self.deltas)


def _turns(history: list[types.Content]) -> list[tuple[str, str]]:
    """(role, text) per turn, a model turn's chunks joined (the SDK keeps one per chunk)."""
    turns: list[tuple[str, str]] = []
    for content in history:
        text = "".join(p.text or "" for p in content.parts or [])
        if turns and turns[-1][0] == content.role:
            turns[-1] = (content.role, turns[-1][1] + text)
        else:
            turns.append((content.role or "", text))
    return turns


@dataclass
class Context:
    server: OfflineGemini
    client: genai.Client
    monkeypatch: pytest.MonkeyPatch
    ip: Any
    loop: asyncio.AbstractEventLoop
    views: list[Recorder] = field(default_factory=list)

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """The module's one event loop: the SDK's async client stays on the loop it began on."""
        return self.loop.run_until_complete(coroutine)

    def start_over(self) -> None:
        """As the fixture left it: no requests, faults or views; the answers scripted."""
        self.server.reset()
        _script(self.server)
        self.views.clear()

    def recording_views(self) -> None:
        """Make ``stream()`` and the magic build their StreamViews recorded (each makes its
        own in ``generate.shown_view``), as in a notebook: there is no kernel here, so the
        widget front end is asked for."""

        def make(**kwargs: Any) -> StreamView:
            view = StreamView(**kwargs)
            self.views.append(Recorder(view))
            return view

        self.monkeypatch.setenv(DISPLAY_ENV, "widget")
        self.monkeypatch.setattr(widgets, "StreamView", make)


class Run:
    """One surface's run of one case: what it showed, and its recovery actions."""

    state: Any
    """The StreamState of the answer (of its last continuation or retry, once recovered)."""

    def seen(self) -> Seen:
        raise NotImplementedError

    def continue_answer(self) -> None:
        raise NotImplementedError

    def retry_turn(self) -> None:
        raise NotImplementedError


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


class StreamRun(Run):
    def __init__(self, ctx: Context, case: Case, *, background: bool) -> None:
        ctx.recording_views()
        self.ctx, self.background = ctx, background
        options = {
            "model": case.model,
            "client": ctx.client,
            "retry": FAST_RETRY,
            "timeout": case.timeout,
            **case.settings,
        }
        if background:

            async def read() -> Any:
                return await stream(PROMPT, background=True, **options)

            self.state, self.elapsed = _timed(lambda: ctx.run(read()))
        else:
            self.state, self.elapsed = _timed(lambda: stream(PROMPT, **options))
        (self.recorder,) = ctx.views

    def seen(self) -> Seen:
        recorder, view = self.recorder, self.recorder.view
        assert view.state is self.state
        return Seen(
            status=view.status,
            error=view.error,
            notice=view.notice,
            text=self.state.text,
            sent=recorder.sent,
            can_continue=view.can_continue,
            attempts=self.state.attempts,
            retries_shown=list(recorder.retries),
            statuses=list(recorder.statuses),
            elapsed=self.elapsed,
        )

    def continue_answer(self) -> None:
        view = self.recorder.view
        if self.background:

            async def go() -> Any:
                return await view.start_continuation()

            assert self.ctx.run(go()) is self.state
        else:
            assert view.continue_answer() is self.state


class MagicRun(StreamRun):
    CHAT = "fault-matrix"

    def __init__(self, ctx: Context, case: Case, *, chat: bool) -> None:
        ctx.recording_views()  # the magic shows its answer with generate.shown_view
        # --retries sets the attempts only; the waits are DEFAULT_RETRY's ~1, 2, 4 s.
        quick = retry.DEFAULT_RETRY.model_copy(update=FAST_RETRY)
        ctx.monkeypatch.setattr(retry, "DEFAULT_RETRY", quick)
        self.ctx, self.chat = ctx, chat
        self.gemini = ctx.ip.magics_manager.registry["GeminiMagics"]
        options = f"--timeout {case.timeout} -m {case.model}"
        for name, value in case.settings.items():
            options += f" --{name.replace('_', '-')} {value}"
        self.before: list[tuple[str, str]] | None = None
        if chat:
            options += f" --chat {self.CHAT}"
            conversations.pop(self.CHAT, None)
            if case.model == MODEL:
                _run_cell(ctx.ip, f"%%gemini --chat {self.CHAT}\n{GREETING}")
            self.before = self.history() or []
            ctx.views.clear()
        self.state, self.elapsed = _timed(
            lambda: _run_cell(ctx.ip, f"%%gemini {options}\n{PROMPT}")
        )
        (self.recorder,) = ctx.views
        assert self.gemini.last_view is self.recorder.view

    def history(self) -> list[tuple[str, str]] | None:
        conversation = conversations.get(self.CHAT)
        return _turns(conversation.history) if conversation is not None else None

    def seen(self) -> Seen:
        seen = super().seen()
        if self.chat:
            seen.history_before, seen.history = self.before, self.history()
        return seen

    def continue_answer(self) -> None:
        assert _run_cell(self.ctx.ip, "%gemini continue") is self.state


def _run_cell(ip: Any, code: str) -> Any:
    result = ip.run_cell(code)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result


class ChatRun(Run):
    def __init__(self, ctx: Context, case: Case, *, asynchronous: bool) -> None:
        self.ctx = ctx
        chat = self.chat = Chat(
            case.model,
            client=ctx.client,
            key=None,
            retry=FAST_RETRY,
            timeout=case.timeout,
            **case.settings,
        )
        if case.model == MODEL:
            chat.send(GREETING)
        self.before = _turns(chat.history)
        self.recorder = Recorder(chat.view)
        if asynchronous:
            self.state, self.elapsed = _timed(lambda: ctx.run(chat.send_async(PROMPT)))
        else:
            self.state, self.elapsed = _timed(lambda: chat.send(PROMPT))

    def seen(self) -> Seen:
        chat = self.chat
        turn = chat.view.turns[-1]
        assert turn == chat.turns[-1].to_json()
        assert (turn["message"], turn["attachments"]) == (PROMPT, [])
        assert not chat.view.busy
        assert turn["reply"] == self.state.text
        return Seen(
            status=turn["status"],
            error=turn["error"],
            notice=turn["notice"],
            text=turn["reply"],
            sent=self.recorder.sent,
            can_continue=turn["can_continue"],
            attempts=self.state.attempts,
            retries_shown=list(self.recorder.retries),
            history_before=self.before,
            history=_turns(chat.history),
            elapsed=self.elapsed,
        )

    def _in_background(self, start: Callable[[], str | None]) -> None:
        async def go() -> None:
            refused = start()
            assert refused is None, refused
            self.state = await self.chat.task

        self.ctx.run(go())

    def continue_answer(self) -> None:
        self._in_background(self.chat.continue_reply)

    def retry_turn(self) -> None:
        self.recorder.deltas.clear()  # a retried reply is a new bubble: offsets from 0
        self._in_background(self.chat.retry)


SURFACES: dict[str, Callable[[Context, Case], Run]] = {
    "stream": lambda ctx, case: StreamRun(ctx, case, background=False),
    "stream_bg": lambda ctx, case: StreamRun(ctx, case, background=True),
    "magic": lambda ctx, case: MagicRun(ctx, case, chat=False),
    "magic_chat": lambda ctx, case: MagicRun(ctx, case, chat=True),
    "chat": lambda ctx, case: ChatRun(ctx, case, asynchronous=False),
    "chat_async": lambda ctx, case: ChatRun(ctx, case, asynchronous=True),
}
STREAM_VIEWS = {"stream", "stream_bg", "magic", "magic_chat"}
CHATS = {"magic_chat", "chat", "chat_async"}


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ip(ipython: Any) -> Any:
    return ipython


@pytest.fixture(scope="module")
def offline(
    offline_session: OfflineGemini,
) -> Iterator[tuple[genai.Client, asyncio.AbstractEventLoop]]:
    """The session's offline server (pacing 0) for every surface: ``stream()`` and ``Chat``
    get a client on it, the magic finds it as the process's offline server. One client and
    one event loop for the module (a client costs ~50 ms; its async half stays on the loop
    it began on)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_WIDGETS_BACKEND"):
            patch.delenv(name, raising=False)
        factory._reset_for_tests()
        patch.setattr(factory, "_server", offline_session)
        client = genai.Client(
            api_key="test-key", http_options=types.HttpOptions(base_url=offline_session.base_url)
        )
        loop = asyncio.new_event_loop()
        yield client, loop
        loop.close()
        factory._reset_for_tests()


@pytest.fixture
def ctx(server, offline, monkeypatch, ip) -> Context:
    _script(server)
    client, loop = offline
    return Context(server, client, monkeypatch, ip, loop)


def _script(server: OfflineGemini) -> None:
    server.script(*ANSWER, prompt=PROMPT)
    server.script(GREETING_REPLY, prompt=GREETING)


def _prompt_requests(server: OfflineGemini) -> int:
    return sum(1 for r in server.requests if r.prompt_text == PROMPT)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + NEVER
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {NEVER:g} s"
        time.sleep(0.01)


def _wait_for_requests(server: OfflineGemini, count: int) -> None:
    _wait_until(lambda: _prompt_requests(server) >= count, f"the server received {count}")


def _timed_out_early(state: Any, case: Case) -> bool:
    """A timeout case's stream ended by its short timeout before the point where the server
    falls silent: the server had sent its chunk, a busy machine had not read it yet."""
    return (
        case.timeout == TIMEOUT
        and state.error is not None
        and state.error.kind == "timeout"
        and state.text != case.text
    )


# ---- the matrix ----------------------------------------------------------------------------


BUSY_RERUNS = 5
"""Runs a timeout case gets when a busy machine ends it before its fault (``_timed_out_early``);
a surface that always ends it early still fails."""


def _arm_and_run(ctx: Context, case: Case, surface: str) -> Run:
    """Arm the case's fault and run it through the surface.

    The cases about the timeout give the surface only ``TIMEOUT`` to read what the server
    sends before it falls silent; on a busy machine that can take longer, and the stream
    ends before the fault, which says nothing about the surface: that run is run again.
    """
    for _ in range(BUSY_RERUNS):
        if case.fault is not None:
            ctx.server.fail_next(case.fault, times=case.times, match=PROMPT)
        run = SURFACES[surface](ctx, case)
        # A request the client gave up on may still be on its way to the server: counted
        # below, and it would take the fault armed for the next run.
        _wait_for_requests(ctx.server, run.state.attempts)
        if not _timed_out_early(run.state, case):
            break
        ctx.start_over()
    return run


@pytest.mark.timeout(120)
@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_is_handled(ctx: Context, case: Case, surface: str) -> None:
    seen = _arm_and_run(ctx, case, surface).seen()

    # the one-sentence message, the status word, the text kept
    assert (seen.status, seen.error, seen.notice) == (case.status, case.error, case.notice)
    assert seen.text == case.text
    assert seen.sent == case.text, "the browser was sent exactly the text kept"
    assert seen.can_continue is case.can_continue
    # retries: as many requests as attempts, each wait shown
    assert _prompt_requests(ctx.server) == seen.attempts == case.requests
    assert seen.retries_shown == case.retries_shown
    if surface in STREAM_VIEWS:
        assert seen.statuses == [
            "waiting",
            *(["retrying"] if case.requests > 1 else []),
            *(["streaming"] if case.text else []),
            case.status,
        ]
    # a silent server is given up on after the timeout, not waited for (its silence lasts
    # STALL; a busy machine only makes the wait longer than TIMEOUT, never shorter)
    if case.timeout == TIMEOUT:
        assert TIMEOUT <= seen.elapsed < STALL
    # the history holds finished exchanges only
    if surface in CHATS:
        exchange = [("user", PROMPT), ("model", case.text)] if case.recorded else []
        assert seen.history == seen.history_before + exchange


CONTINUABLE = [
    pytest.param(case, surface, id=f"{case.id}-{surface}")
    for case in CASES
    if case.can_continue
    for surface in SURFACES
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("case", "surface"), CONTINUABLE)
def test_continue_completes_the_answer(ctx: Context, case: Case, surface: str) -> None:
    """Continue (as often as it is offered) ends with the whole answer, each character sent
    to the browser once; a chat then records the exchange once, never the request to
    continue."""
    run = _arm_and_run(ctx, case, surface)
    assert run.seen().can_continue
    for _ in range(len(ANSWER)):
        run.continue_answer()
        after = run.seen()
        if not after.can_continue:
            break
    assert after.text == after.sent == WHOLE, "nothing lost, nothing sent twice"
    assert (after.status, after.error, after.notice) == ("done", "", "")
    if surface in CHATS:
        assert after.history == [*after.history_before, ("user", PROMPT), ("model", WHOLE)]
        assert CONTINUE_PROMPT not in str(after.history)


RETRYABLE = [
    pytest.param(case, surface, id=f"{case.id}-{surface}")
    for case in CASES
    if case.status == "error" and case.retry_cures
    for surface in ("chat", "chat_async")
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("case", "surface"), RETRYABLE)
def test_chat_retry_after_an_error_brings_the_answer(
    ctx: Context, case: Case, surface: str
) -> None:
    """A chat's failed turn has a Retry button; once the fault has passed it brings the
    whole answer, and the history gains the exchange once."""
    run = _arm_and_run(ctx, case, surface)
    assert run.seen().status == "error"
    ctx.server.faults.clear()
    run.retry_turn()
    for _ in range(BUSY_RERUNS):  # a timeout case's Retry has only TIMEOUT for its answer too
        if not _timed_out_early(run.state, replace(case, text=WHOLE)):
            break
        run.retry_turn()
    after = run.seen()
    assert (after.status, after.error, after.text, after.sent) == ("done", "", WHOLE, WHOLE)
    assert after.history == [*after.history_before, ("user", PROMPT), ("model", WHOLE)]


# ---- around the matrix ------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_gemini_retry_info_is_a_floor_for_the_wait(ctx: Context) -> None:
    """A 429's RetryInfo (1 s here) outlasts the policy's 10 ms backoff."""
    ctx.server.fail_next(Fault.http(429), match=PROMPT)
    run = StreamRun(ctx, PLAIN, background=False)
    seen = run.seen()
    assert seen.retries_shown == [
        f"429 RESOURCE_EXHAUSTED: retrying in 1 s (attempt 2 of {ATTEMPTS})."
    ]
    assert (seen.status, seen.text) == ("done", WHOLE)
    assert seen.elapsed >= 1.0  # the wait was made (a busy machine only lengthens it)


@pytest.mark.timeout(120)
def test_a_retry_info_longer_than_max_delay_ends_at_once(ctx: Context) -> None:
    ctx.server.fail_next(Fault.http(429, retry_after=60), match=PROMPT, times=None)
    run = StreamRun(ctx, PLAIN, background=False)
    seen = run.seen()
    assert seen.status == "error" and seen.retries_shown == []
    assert "(Gemini suggests 60 s)" in seen.error
    assert _prompt_requests(ctx.server) == 1 and seen.elapsed < 60  # not waited for


@pytest.mark.timeout(120)
def test_500_is_retried_when_asked(ctx: Context) -> None:
    ctx.server.fail_next(Fault.http(500), match=PROMPT)
    state = stream(
        PROMPT,
        client=ctx.client,
        retry={**FAST_RETRY, "http_status_codes": [429, 500, 503]},
    )
    assert state.ok and state.text == WHOLE and state.attempts == 2


DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


def test_docs_reliability_shows_this_table() -> None:
    """Every fault of ``CASES`` is a row of the matrix in docs/reliability.md."""
    rows = {line.split("|")[1].strip() for line in DOC.read_text().splitlines() if line[:1] == "|"}
    assert [case.label for case in CASES if case.label not in rows] == []


def test_the_defaults_docs_reliability_states() -> None:
    policy = retry.DEFAULT_RETRY
    assert (policy.attempts, policy.http_status_codes) == (4, [429, 503])
    assert (policy.initial_delay, policy.exp_base, policy.max_delay, policy.jitter) == (
        1.0,
        2.0,
        30.0,
        1.0,
    )
    assert DEFAULT_TIMEOUT == 120.0


UNRECORDED = [
    c for c in CASES if c.id in ("http-500", "dropped", "blocked-prompt", "finish-safety")
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", UNRECORDED, ids=[c.id for c in UNRECORDED])
def test_chat_regenerate_after_an_unrecorded_turn_asks_the_last_message_again(
    ctx: Context, case: Case
) -> None:
    ctx.server.fail_next(case.fault, match=PROMPT)
    run = ChatRun(ctx, case, asynchronous=False)
    assert run.seen().history == run.before  # the turn is shown but not recorded

    async def regenerate() -> None:
        run.recorder.deltas.clear()  # a new reply: offsets from 0
        assert run.chat.regenerate() is None
        await run.chat.task

    ctx.run(regenerate())
    asked = [t["message"] for t in run.chat.view.turns]
    assert asked == [GREETING, PROMPT]
    assert _turns(run.chat.history) == [
        ("user", GREETING),
        ("model", GREETING_REPLY),
        ("user", PROMPT),
        ("model", WHOLE),
    ]


@pytest.mark.timeout(120)
def test_a_saved_chat_shows_a_failed_reply_with_its_partial_text(ctx: Context) -> None:
    case = next(c for c in CASES if c.id == "dropped")
    ctx.server.fail_next(case.fault, match=PROMPT)
    run = ChatRun(ctx, case, asynchronous=False)
    assert run.seen().text == PARTIAL
    saved = run.chat.view.static_markdown()
    assert PROMPT in saved and PARTIAL.strip() in saved and case.error in saved
