"""The surfaces of the fault x surface matrix: each way a user streams, run over the real
google-genai SDK and real HTTP, and read back as what the user was shown (``Seen``).

* ``stream``      ``gemini_widgets.stream()``: a StreamView, read in the cell;
* ``stream_bg``   ``stream(background=True)``: the same view, read as a task (async SDK);
* ``magic``       ``%%gemini`` in an IPython shell: the StreamView it displayed;
* ``magic_chat``  ``%%gemini --chat NAME``: the same, plus the named chat's history;
* ``chat``        ``Chat.send()``: the last exchange of ``chat.view.turns``, and ``chat.history``;
* ``chat_async``  ``await Chat.send_async()``: the path a message typed in the chat takes.

Each run also records the text the browser was sent (the view's delta messages), and offers
the recovery the view offers: Continue, and a chat's Retry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest
from fault_cases import (
    FAST_RETRY,
    GREETING,
    MODEL,
    NEVER,
    PROMPT,
    TIMEOUT,
    Case,
    script_answers,
)
from google import genai
from google.genai import types

from gemini_widgets import Chat, retry, stream, widgets
from gemini_widgets.conversation import conversations
from gemini_widgets.offline import OfflineGemini
from gemini_widgets.text_views import DISPLAY_ENV
from gemini_widgets.widgets import StreamView

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


def turns_of(history: list[types.Content]) -> list[tuple[str, str]]:
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
        script_answers(self.server)
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


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
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

            self.state, self.elapsed = timed(lambda: ctx.run(read()))
        else:
            self.state, self.elapsed = timed(lambda: stream(PROMPT, **options))
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
                run_cell(ctx.ip, f"%%gemini --chat {self.CHAT}\n{GREETING}")
            self.before = self.history() or []
            ctx.views.clear()
        self.state, self.elapsed = timed(lambda: run_cell(ctx.ip, f"%%gemini {options}\n{PROMPT}"))
        (self.recorder,) = ctx.views
        assert self.gemini.last_view is self.recorder.view

    def history(self) -> list[tuple[str, str]] | None:
        conversation = conversations.get(self.CHAT)
        return turns_of(conversation.history) if conversation is not None else None

    def seen(self) -> Seen:
        seen = super().seen()
        if self.chat:
            seen.history_before, seen.history = self.before, self.history()
        return seen

    def continue_answer(self) -> None:
        assert run_cell(self.ctx.ip, "%gemini continue") is self.state


def run_cell(ip: Any, code: str) -> Any:
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
        self.before = turns_of(chat.history)
        self.recorder = Recorder(chat.view)
        if asynchronous:
            self.state, self.elapsed = timed(lambda: ctx.run(chat.send_async(PROMPT)))
        else:
            self.state, self.elapsed = timed(lambda: chat.send(PROMPT))

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
            history=turns_of(chat.history),
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


def prompt_requests(server: OfflineGemini) -> int:
    return sum(1 for r in server.requests if r.prompt_text == PROMPT)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + NEVER
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {NEVER:g} s"
        time.sleep(0.01)


def wait_for_prompt_requests(server: OfflineGemini, count: int) -> None:
    wait_until(lambda: prompt_requests(server) >= count, f"the server received {count}")


def timed_out_early(state: Any, case: Case) -> bool:
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
"""Runs a timeout case gets when a busy machine ends it before its fault (``timed_out_early``);
a surface that always ends it early still fails."""


def arm_and_run(ctx: Context, case: Case, surface: str) -> Run:
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
        wait_for_prompt_requests(ctx.server, run.state.attempts)
        if not timed_out_early(run.state, case):
            break
        ctx.start_over()
    return run
