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
from typing import Any, Protocol

import anywidget
import traitlets
from anywidget.experimental import command

from ..answer_markdown import answer_markdown, json_answer_markdown
from ..answer_wire import answer_json
from ..consume import AsyncStream, SyncStream
from ..json_rows import JSON_MIME
from ..outcome import final_status, notice_for
from ..retry import RetryNotice
from ..runner import ContinueRefused, Runner
from ..stream import Delta, StreamState
from .assets import RendersMarkdown
from .deltas import DeltaSender
from .fallback import StaticFallback

__all__ = ["StreamActions", "StreamView"]

STATIC = Path(__file__).resolve().parent.parent / "static"


class StreamActions(Protocol):
    """What the view asks of whoever runs its answer: a ``Runner``, or a conversation for
    a ``%%gemini --chat`` reply."""

    @property
    def stoppable_now(self) -> bool: ...
    def stop(self) -> None: ...
    def why_not_continue(self) -> str | None: ...
    def continue_answer(self) -> StreamState: ...
    def start_continuation(self) -> asyncio.Task[StreamState]: ...


class StreamView(StaticFallback, RendersMarkdown, anywidget.AnyWidget):
    """A live, rendered view of one streamed Gemini answer.

    It shows what its ``actions`` (a ``Runner``) stream into it, and passes the browser's
    Stop and Continue to them. ``consume``/``aconsume`` are shortcuts for a stream you
    opened yourself:

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
    answer_format = traitlets.Unicode("markdown").tag(sync=True)
    """``json`` for an ``application/json`` answer: shown as a table, rows as they finish."""
    background = traitlets.Bool(False).tag(sync=True)
    """True while a stream runs as a task: the Stop button then acts at once."""
    interrupt_keeps_view = traitlets.Bool(True).tag(sync=True)
    """False where interrupting the running cell replaces its output (marimo): Stop's hint
    then says how to stop and keep the answer instead of saying it is kept."""
    _key = traitlets.Unicode().tag(sync=True)
    """A stable id for the browser's per-widget text store (anywidget's model proxies are
    new objects for every view, so they cannot be the key)."""

    @traitlets.default("_key")
    def _new_key(self) -> str:
        return uuid.uuid4().hex

    def __init__(
        self,
        *,
        model: str = "",
        backend: str = "",
        actions: StreamActions | None = None,
        catch_up: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(model_name=model, backend=backend, **kwargs)
        self.catch_up = catch_up
        """Also send the answer whole, each time it has doubled: for a front end that may
        make the browser's store after the first deltas and cannot ask for a snapshot while
        the cell runs (marimo runs a widget's ``initialize`` at its first render and drops
        the custom messages before it; its kernel reads no message while a cell runs). At
        most twice the answer's bytes again."""
        self._catch_up_at = 1
        self.actions: StreamActions = actions or Runner(self, model=model or None)
        """Runs the answer shown here (Stop and Continue go to it)."""
        self.state: StreamState | None = None
        """The answer shown; ``.text`` grows while it streams."""
        self._deltas = DeltaSender(self)

    # ---- shortcuts for the user --------------------------------------------------------

    def consume(self, responses: SyncStream | Callable[[], SyncStream]) -> StreamState:
        """Stream an SDK iterator you opened into this view; return the answer at its end.

        Kernel -> Interrupt stops it (the partial answer stays). The Stop button acts on
        background streams only: ipykernel reads no comm message while a cell runs.
        """
        return self._own_runner().read(responses)

    async def aconsume(self, responses: AsyncStream) -> StreamState:
        """Stream an async iterator (or what ``client.aio`` returns) into this view."""
        return await self._own_runner().read_async(responses)

    def continue_answer(self) -> StreamState:
        """Ask the model to go on from where the answer was cut short and append its text;
        block until it ends and return the whole answer (``start_continuation`` streams it
        as a task, as the Continue button does)."""
        return self.actions.continue_answer()

    def start_continuation(self) -> asyncio.Task[StreamState]:
        return self.actions.start_continuation()

    def stop(self) -> None:
        """Stop the stream; what arrived is kept."""
        self.actions.stop()

    # ---- StreamSink --------------------------------------------------------------------

    def on_start(self, state: StreamState, *, background: bool) -> None:
        if self.state is not None and self.state is not state and not self.state.done:
            raise RuntimeError("This StreamView is already streaming; use a new StreamView.")
        resumed = state is self.state
        self.state = state
        json_answer = state.mime_type == JSON_MIME
        # A new answer starts at 0; a continued one after its text.
        self._deltas.resume(state, rows=json_answer)
        with self.hold_sync():
            self.answer_format = "json" if json_answer else "markdown"
            self.error = self.notice = ""
            if not resumed:
                self.stats = {}
            self.retry = {}
            self.can_continue = False
            self.background = background
            self.status = "waiting"
        self._catch_up_at = 1
        if not resumed:
            self.send({"type": "reset"})

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        if self.status != "streaming":
            with self.hold_sync():
                if self.retry:
                    self.retry, self.notice = {}, ""
                self.status = "streaming"
        self._deltas.send(delta, state)
        size = len(state.text) + len(state.thoughts)
        if self.catch_up and size >= self._catch_up_at:
            self.send({"type": "snapshot", **self._snapshot_json()})
            self._catch_up_at = 2 * size

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
            self.can_continue = state.cut_short and self.actions.why_not_continue() is None
            self.background = False
        self.show_static()

    # ---- the browser's requests --------------------------------------------------------

    @command
    def _snapshot(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        return self._snapshot_json(), []

    @command
    def _continue_command(
        self, msg: Any, buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        try:
            self.start_continuation()
        except ContinueRefused as refused:
            return {"refused": str(refused)}, []
        return {"refused": None}, []

    @command
    def _stop_command(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        acted = self.actions.stoppable_now
        self.stop()
        return {"stopped": acted}, []

    def static_markdown(self) -> str | None:
        state = self.state
        if state is None or not state.done:
            return None
        if state.mime_type == JSON_MIME and not state.parts:
            return json_answer_markdown(state.text)
        return answer_markdown(answer_json(state))

    def __repr__(self) -> str:
        state = self.state
        chars = len(state.text) if state else 0
        model = f" {self.model_name}" if self.model_name else ""
        return f"<StreamView{model} {self.status}, {chars} chars>"

    # ---- internals --------------------------------------------------------------------

    def _snapshot_json(self) -> dict[str, Any]:
        """The answer so far, whole: ``_snapshot``'s reply and a catch-up message."""
        state = self.state
        stats = state.stats() if state is not None else {}
        return {**answer_json(state), "stats": stats}

    def _own_runner(self) -> Runner:
        """The runner for a stream fed in by hand (a view shown by ``%%gemini --chat`` has
        its conversation as ``actions``, which runs only the chat's requests)."""
        if not isinstance(self.actions, Runner):
            self.actions = Runner(self, model=self.model_name or None)
        return self.actions
