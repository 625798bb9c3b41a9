"""StreamView: one streamed answer, rendered progressively as Markdown in the browser.

The kernel sends each piece of text once, as a ``delta`` message with its offset; the
browser appends and re-renders only the trailing open block. A view that starts late (a
page reload, a second display, a display update) asks for the text so far with the
``_snapshot`` command. When the stream ends, every display of the view is updated with the
final answer as ``text/markdown`` beside the widget, so a saved notebook shows it without
widget state.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets
from anywidget.experimental import command

from ..consume import AsyncStream, StopSignal, SyncStream, aconsume, consume
from ..request import StreamRequest
from ..retry import RetryNotice, RetryPolicy
from ..settings import StreamOptions
from ..stream import Delta, StreamState
from .assets import RendererAssets, shared_assets
from .deltas import DeltaSender
from .fallback import StaticFallback
from .outcome import final_status, notice_for

__all__ = ["StreamView"]

STATIC = Path(__file__).resolve().parent.parent / "static"
NO_RETRY = StreamOptions(retry=None, timeout=None)
"""What a view reads with unless told: a bare stream, no retries, no timeout."""


class StreamView(StaticFallback, anywidget.AnyWidget):
    """A live, rendered view of one streamed Gemini answer.

    >>> view = StreamView()
    >>> display(view)
    >>> result = view.consume(client.models.generate_content_stream(...))
    """

    _esm = STATIC / "stream_view.js"
    _css = STATIC / "stream_view.css"

    model_name = traitlets.Unicode("").tag(sync=True)
    backend = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("idle").tag(sync=True)
    """idle, waiting, retrying, streaming, done, stopped, error or blocked."""
    retry = traitlets.Dict().tag(sync=True)
    """While waiting to retry: {cause, delay, attempt, attempts} (the browser counts down)."""
    can_continue = traitlets.Bool(False).tag(sync=True)
    """The answer was cut short and its request is kept: the Continue button shows."""
    stats = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    background = traitlets.Bool(False).tag(sync=True)
    """True while a stream runs as a task: the Stop button then acts at once."""
    _key = traitlets.Unicode().tag(sync=True)
    """A stable id for the browser's per-widget text store (anywidget's model proxies are
    new objects for every view, so they cannot be the key)."""
    _renderer = traitlets.Instance(RendererAssets).tag(sync=True, **ipywidgets.widget_serialization)

    @traitlets.default("_key")
    def _new_key(self) -> str:
        return uuid.uuid4().hex

    def __init__(self, *, model: str = "", backend: str = "", **kwargs: Any) -> None:
        super().__init__(model_name=model, backend=backend, _renderer=shared_assets(), **kwargs)
        self.state: StreamState | None = None
        self.request: StreamRequest | None = None
        """What was asked (set by ``run``): needed to continue a cut-short answer."""
        self._options = NO_RETRY
        self._on_complete: Callable[[StreamState], None] | None = None
        self._stop = StopSignal()
        self._task: asyncio.Task[StreamState] | None = None
        self._deltas = DeltaSender(self)

    # ---- feeding it --------------------------------------------------------------------

    def run(
        self,
        request: StreamRequest,
        *,
        background: bool = False,
        options: StreamOptions = NO_RETRY,
        on_complete: Callable[[StreamState], None] | None = None,
    ) -> StreamState | asyncio.Task[StreamState]:
        """Stream ``request`` here, with ``options``' retries and timeout.

        The request is kept, so a cut-short answer can be continued (``continue_answer``,
        or the Continue button). ``on_complete`` is called with the state when the answer
        ends whole after a continuation (a chat records the turn then).
        """
        self.request, self._options, self._on_complete = request, options, on_complete
        reading = {"retry": options.retry, "idle_timeout": options.timeout}
        if background:
            return self.consume_in_background(request.async_opener(), **reading)
        return self.consume(request.opener(), **reading)

    def continue_answer(
        self, *, background: bool = False
    ) -> StreamState | asyncio.Task[StreamState]:
        """Ask the model to go on from where the answer was cut short (a dropped
        connection, a timeout, an error, a stop, ``max_output_tokens``) and append its text.

        Blocks until the continuation ends and returns the whole answer; with
        ``background=True`` it streams as a task (as the Continue button does).
        """
        refused = self._why_not_continue()
        if refused:
            raise RuntimeError(refused)
        state = self.state
        assert state is not None and self.request is not None
        request = self.request.continued(state.text)
        state.resume()
        self._deltas.resume(state)
        self._stop.clear()
        with self.hold_sync():
            self.error = self.notice = ""
            self.can_continue = False
            self.status = "waiting"
        reading = {"retry": self._options.retry, "idle_timeout": self._options.timeout}
        if background:
            task = self.consume_in_background(request.async_opener(), state=state, **reading)
            task.add_done_callback(lambda done: self._completed(state))
            return task
        try:
            return self.consume(request.opener(), state=state, **reading)
        finally:
            self._completed(state)

    def consume(
        self,
        responses: SyncStream | Callable[[], SyncStream],
        *,
        retry: RetryPolicy | None = None,
        idle_timeout: float | None = None,
        state: StreamState | None = None,
    ) -> StreamState:
        """Stream a sync iterator (or a function that opens one, for ``retry``) into this
        view; return the result when it ends.

        Kernel -> Interrupt stops it (the partial answer stays). The Stop button acts on
        background streams only: ipykernel reads no comm message while a cell runs.
        """
        state = state or self._begin()
        return consume(
            responses, self, state=state, stop=self._stop, retry=retry, idle_timeout=idle_timeout
        )

    async def aconsume(
        self,
        responses: AsyncStream | Callable[[], AsyncStream],
        *,
        retry: RetryPolicy | None = None,
        idle_timeout: float | None = None,
    ) -> StreamState:
        """Stream an async iterator (or what ``client.aio`` returns) into this view."""
        return await aconsume(
            responses,
            self,
            state=self._begin(),
            stop=self._stop,
            retry=retry,
            idle_timeout=idle_timeout,
        )

    def consume_in_background(
        self,
        responses: AsyncStream | Callable[[], AsyncStream],
        *,
        retry: RetryPolicy | None = None,
        idle_timeout: float | None = None,
        state: StreamState | None = None,
    ) -> asyncio.Task[StreamState]:
        """Stream as a task on the running loop (the kernel's): the cell returns at once
        and the Stop button works, since the kernel is free to read its click."""
        state = state or self._begin()  # now, so the result is readable before the task runs
        self.background = True
        self._task = asyncio.ensure_future(
            aconsume(
                responses,
                self,
                state=state,
                stop=self._stop,
                retry=retry,
                idle_timeout=idle_timeout,
            )
        )
        return self._task

    def stop(self) -> None:
        """Stop the stream; what arrived is kept.

        The loop sees the signal within 0.1 s and cancels its own read, which closes the
        connection; the task then ends normally with a stopped result (no CancelledError
        for whoever awaits it).
        """
        self._stop.set()

    # ---- StreamSink --------------------------------------------------------------------

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        if self.status != "streaming":
            with self.hold_sync():
                if self.retry:
                    self.retry, self.notice = {}, ""
                self.status = "streaming"
        self._deltas.send(delta, state)

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        with self.hold_sync():
            self.retry = notice.to_json()
            self.notice = notice.message
            self.status = "retrying"

    def on_end(self, state: StreamState) -> None:
        with self.hold_sync():
            self.stats = state.stats()
            self.model_name = self.model_name or state.model or ""
            self.error = state.error.message if state.error else ""
            self.notice = notice_for(state)
            self.retry = {}
            self.status = final_status(state)
            self.can_continue = self.request is not None and state.cut_short
            self.background = False
        self._task = None
        self.show_static()

    # ---- the browser's requests --------------------------------------------------------

    @command
    def _snapshot(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        state = self.state
        return (
            {
                "text": state.text if state else "",
                "thoughts": state.thoughts if state else "",
            },
            [],
        )

    @command
    def _continue_command(
        self, msg: Any, buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        refused = self._why_not_continue()
        if not refused:
            self.continue_answer(background=True)
        return {"refused": refused}, []

    @command
    def _stop_command(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        acted = self._task is not None and not self._task.done()
        self.stop()
        return {"stopped": acted}, []

    def static_markdown(self) -> str | None:
        state = self.state
        return state.text if state is not None and state.done else None

    def __repr__(self) -> str:
        state = self.state
        chars = len(state.text) if state else 0
        model = f" {self.model_name}" if self.model_name else ""
        return f"<StreamView{model} {self.status}, {chars} chars>"

    # ---- internals --------------------------------------------------------------------

    def _why_not_continue(self) -> str | None:
        state = self.state
        if state is None or not state.done:
            return "The answer is still streaming; stop it first, or wait for it."
        if self.request is None:
            return (
                "This view was fed a stream, so it cannot ask again: use stream() or "
                "%%gemini, which keep the request."
            )
        if not state.cut_short:
            return "Nothing to continue: the answer is complete, or has no text yet."
        return None

    def _completed(self, state: StreamState) -> None:
        if self._on_complete is not None and state.ok:
            self._on_complete(state)

    def _begin(self) -> StreamState:
        if self.state is not None and not self.state.done:
            raise RuntimeError("This StreamView is already streaming; use a new StreamView.")
        self._stop.clear()
        self._deltas.reset()
        self.state = StreamState(model=self.model_name or None)
        with self.hold_sync():
            self.error = self.notice = ""
            self.stats = {}
            self.retry = {}
            self.can_continue = False
            self.status = "waiting"
        self.send({"type": "reset"})
        return self.state
