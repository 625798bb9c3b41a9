"""The one place a request is run: retried, timed out, continued and stopped, for any sink.

``stream()``, ``StreamView``, ``Chat`` and ``%%gemini`` all run their requests through a
``Runner``; none of them calls the loops in ``consume.py`` itself. A runner holds one answer
at a time (its ``state``) and the request that asked for it, so a cut-short answer can be
continued, and tells its sink when an answer starts, grows and ends.

Each way of running has its own method, rather than one method whose return type depends
on a flag: ``run`` blocks (a cell), ``run_async`` is awaited (async code), ``start`` returns
a task on the running loop (background: the kernel is free, so a Stop button acts at once).
No IPython here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Protocol

from .consume import AsyncStream, StopSignal, StreamSink, SyncStream, aconsume, consume
from .parsing import attach_parsed
from .request import StreamRequest
from .retry import RetryNotice
from .settings import NO_RETRY, StreamOptions
from .stream import Delta, StreamState

__all__ = ["ContinueRefused", "RunSink", "Runner", "SinkGroup"]

StateTask = asyncio.Task[StreamState]
NOTHING_TO_CONTINUE = "Nothing to continue: the answer is complete, or has no text yet."


class ContinueRefused(RuntimeError):
    """The answer cannot be continued; the message says why, in one sentence."""


class RunSink(StreamSink, Protocol):
    """A ``StreamSink`` that also hears when an answer starts (or resumes).

    ``on_start`` comes before the request is sent; a resumed state (a continuation) already
    holds the text so far. ``on_retry(notice, state)`` is optional, as for ``StreamSink``.
    """

    def on_start(self, state: StreamState, *, background: bool) -> None: ...


class Runner:
    """Runs one answer at a time into ``sink``, with ``options``' retries and timeout."""

    def __init__(
        self, sink: RunSink, *, options: StreamOptions = NO_RETRY, model: str | None = None
    ) -> None:
        self.sink = sink
        self.options = options
        self.model = model
        self.state: StreamState | None = None
        """The current (or last) answer; ``.text`` grows while it streams."""
        self.request: StreamRequest | None = None
        """What was asked (None for a bare stream): kept to continue a cut-short answer."""
        self._stop = StopSignal()
        self._task: StateTask | None = None

    @property
    def busy(self) -> bool:
        return self.state is not None and not self.state.done

    # ---- a request ---------------------------------------------------------------------

    def run(self, request: StreamRequest) -> StreamState:
        """Stream ``request`` and return its answer when it ends. Kernel -> Interrupt stops
        it (the partial answer is kept) and then propagates."""
        state = self._begin(request, background=False)
        return self._read(request.opener(), state, retrying=True)

    def run_async(self, request: StreamRequest) -> Coroutine[Any, Any, StreamState]:
        """``run`` for async code. The answer begins now (``state`` is readable at once);
        the returned coroutine streams it when awaited."""
        state = self._begin(request, background=False)
        return self._aread(request.async_opener(), state, retrying=True)

    def start(self, request: StreamRequest) -> StateTask:
        """Stream ``request`` as a task on the running loop and return the task."""
        _running_loop()
        state = self._begin(request, background=True)
        return self._spawn(self._aread(request.async_opener(), state, retrying=True))

    # ---- a stream someone else opened --------------------------------------------------

    def read(self, responses: SyncStream | Callable[[], SyncStream]) -> StreamState:
        """Stream an SDK iterator (not retried, not continuable: no request is kept)."""
        return self._read(responses, self._begin(None, background=False), retrying=False)

    async def read_async(self, responses: AsyncStream) -> StreamState:
        """``read`` for an async iterator, or the awaitable ``client.aio`` returns."""
        state = self._begin(None, background=False)
        return await self._aread(responses, state, retrying=False)

    # ---- a cut-short answer ------------------------------------------------------------

    def why_not_continue(self) -> str | None:
        """Why the answer cannot be continued now, or None when it can."""
        state = self.state
        if state is None:
            return NOTHING_TO_CONTINUE
        if not state.done:
            return "The answer is still streaming; stop it first, or wait for it."
        if self.request is None:
            return (
                "This view was fed a stream, so it cannot ask again: use stream() or "
                "%%gemini, which keep the request."
            )
        if not state.cut_short:
            return NOTHING_TO_CONTINUE
        return None

    def continue_answer(self) -> StreamState:
        """Ask the model to go on from where the answer was cut short (a dropped connection,
        a timeout, an error, a stop, ``max_output_tokens``); block until the rest is in and
        return the whole answer. Raises ``ContinueRefused`` when there is nothing to go on
        from."""
        continuation = self._resume(background=False)
        assert self.state is not None
        return self._read(continuation.opener(), self.state, retrying=True)

    def continue_async(self) -> Coroutine[Any, Any, StreamState]:
        """``continue_answer`` for async code (the answer resumes now)."""
        continuation = self._resume(background=False)
        assert self.state is not None
        return self._aread(continuation.async_opener(), self.state, retrying=True)

    def start_continuation(self) -> StateTask:
        """``continue_answer`` as a task on the running loop (the Continue button)."""
        _running_loop()
        continuation = self._resume(background=True)
        assert self.state is not None
        return self._spawn(self._aread(continuation.async_opener(), self.state, retrying=True))

    def stop(self) -> None:
        """Stop the answer; what arrived is kept. A task sees it within 0.1 s and closes its
        connection, then ends normally with a stopped answer (no CancelledError)."""
        self._stop.set()

    @property
    def stoppable_now(self) -> bool:
        """An answer is being read, so a stop acts at its next check: a task's, or a blocking
        read's when the stop comes from another thread (the kernel reads no widget message
        while a cell blocks: there the Stop button interrupts the kernel)."""
        return self.busy

    # ---- StreamSink: what the loops report, passed on -----------------------------------

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.sink.on_delta(delta, state)

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        on_retry = getattr(self.sink, "on_retry", None)
        if on_retry is not None:
            on_retry(notice, state)

    def on_end(self, state: StreamState) -> None:
        if self.request is not None:
            late = state.add_call_results(self.request.recorded_call_results())
            if late:
                self.sink.on_delta(late, state)
            if self.request.config is not None:
                state.parse_error = attach_parsed(state, self.request.config)
        self.sink.on_end(state)

    # ---- internals ---------------------------------------------------------------------

    def _begin(self, request: StreamRequest | None, *, background: bool) -> StreamState:
        if self.busy:
            raise RuntimeError("Already streaming an answer: stop it or wait for it first.")
        self._stop.clear()
        self.request = request
        config = request.config if request else None
        self.state = StreamState(
            model=self.model or (request.model if request else None),
            mime_type=config.response_mime_type if config else None,
        )
        self.sink.on_start(self.state, background=background)
        return self.state

    def _resume(self, *, background: bool) -> StreamRequest:
        refused = self.why_not_continue()
        if refused:
            raise ContinueRefused(refused)
        state, request = self.state, self.request
        assert state is not None and request is not None
        continuation = request.continued(state.text)
        state.resume()
        self._stop.clear()
        self.sink.on_start(state, background=background)
        return continuation

    def _read(self, responses: Any, state: StreamState, *, retrying: bool) -> StreamState:
        return consume(responses, self, state=state, stop=self._stop, **self._reading(retrying))

    async def _aread(self, responses: Any, state: StreamState, *, retrying: bool) -> StreamState:
        return await aconsume(
            responses, self, state=state, stop=self._stop, **self._reading(retrying)
        )

    def _reading(self, retrying: bool) -> dict[str, Any]:
        return {
            "retry": self.options.retry if retrying else None,
            "idle_timeout": self.options.timeout,
        }

    def _spawn(self, reading: Coroutine[Any, Any, StreamState]) -> StateTask:
        self._task = asyncio.ensure_future(reading)
        return self._task


def _running_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "A background stream needs a running event loop (a notebook kernel has one); "
            "outside one, stream in this thread with run()."
        ) from None


class SinkGroup:
    """One sink that tells several (a chat's views, and the cell showing this reply)."""

    def __init__(self, sinks: Iterable[Any] = ()) -> None:
        self.sinks: list[Any] = list(sinks)

    def on_start(self, state: StreamState, *, background: bool) -> None:
        self._tell("on_start", state, background=background)

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self._tell("on_delta", delta, state)

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        self._tell("on_retry", notice, state)

    def on_end(self, state: StreamState) -> None:
        self._tell("on_end", state)

    def _tell(self, event: str, *args: Any, **kwargs: Any) -> None:
        for sink in list(self.sinks):
            method = getattr(sink, event, None)
            if method is not None:
                method(*args, **kwargs)
