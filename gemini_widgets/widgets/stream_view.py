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
from collections.abc import AsyncIterable, Awaitable, Iterable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets
from anywidget.experimental import command
from google.genai import types

from ..consume import StopSignal, aconsume, consume
from ..stream import Delta, StreamState
from .assets import RendererAssets, shared_assets
from .deltas import DeltaSender
from .fallback import StaticFallback
from .outcome import final_status, notice_for

__all__ = ["StreamView"]

STATIC = Path(__file__).resolve().parent.parent / "static"


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
    """idle, waiting, streaming, done, stopped, error or blocked."""
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
        self._stop = StopSignal()
        self._task: asyncio.Task[StreamState] | None = None
        self._deltas = DeltaSender(self)

    # ---- feeding it --------------------------------------------------------------------

    def consume(self, responses: Iterable[types.GenerateContentResponse]) -> StreamState:
        """Stream a sync iterator into this view; return the result when it ends.

        Kernel -> Interrupt stops it (the partial answer stays). The Stop button acts on
        background streams only: ipykernel reads no comm message while a cell runs.
        """
        state = self._begin()
        return consume(responses, self, state=state, stop=self._stop)

    async def aconsume(
        self,
        responses: AsyncIterable[types.GenerateContentResponse]
        | Awaitable[AsyncIterable[types.GenerateContentResponse]],
    ) -> StreamState:
        """Stream an async iterator (or what ``client.aio`` returns) into this view."""
        return await aconsume(responses, self, state=self._begin(), stop=self._stop)

    def consume_in_background(
        self,
        responses: AsyncIterable[types.GenerateContentResponse]
        | Awaitable[AsyncIterable[types.GenerateContentResponse]],
    ) -> asyncio.Task[StreamState]:
        """Stream as a task on the running loop (the kernel's): the cell returns at once
        and the Stop button works, since the kernel is free to read its click."""
        state = self._begin()  # now, so the result is readable before the task first runs
        self.background = True
        self._task = asyncio.ensure_future(aconsume(responses, self, state=state, stop=self._stop))
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
            self.status = "streaming"
        self._deltas.send(delta, state)

    def on_end(self, state: StreamState) -> None:
        with self.hold_sync():
            self.stats = state.stats()
            self.model_name = self.model_name or state.model or ""
            self.error = state.error.message if state.error else ""
            self.notice = notice_for(state)
            self.status = final_status(state)
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

    def _begin(self) -> StreamState:
        if self.state is not None and not self.state.done:
            raise RuntimeError("This StreamView is already streaming; use a new StreamView.")
        self._stop.clear()
        self._deltas.reset()
        self.state = StreamState(model=self.model_name or None)
        with self.hold_sync():
            self.error = self.notice = ""
            self.stats = {}
            self.status = "waiting"
        self.send({"type": "reset"})
        return self.state
