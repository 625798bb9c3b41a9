"""Two thin loops, sync and async, that drive ``StreamState`` and a ``Coalescer``.

Both loops: feed each chunk to the state, hand coalesced deltas to a sink, flush a held
delta when its frame comes even if no chunk does, stop on request, turn any exception into
``state.error`` (keeping the partial text), and always end with ``sink.on_end(state)``.

Stopping closes the HTTP connection the way the SDK allows it: a sync generator is closed;
an async one only closes when the task reading it is cancelled (``aclose()`` after ``break``
leaves it streaming), so the async loop reads through a task of its own and cancels that.
"""

from __future__ import annotations

import asyncio
import inspect
import queue
import threading
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Iterable
from typing import Any, Protocol

from google.genai import types

from .errors import StreamError, describe_error
from .stream import Coalescer, Delta, StreamState

__all__ = ["StopSignal", "StreamSink", "aconsume", "consume"]

FRAME_INTERVAL = 1 / 30
_POLL = 0.1  # how often a waiting loop looks at its StopSignal


class StreamSink(Protocol):
    """Where a stream's progress goes (a widget, a test recorder, nothing)."""

    def on_delta(self, delta: Delta, state: StreamState) -> None: ...

    def on_end(self, state: StreamState) -> None: ...


class StopSignal:
    """Asks a running loop to stop; safe to set from any thread (a Stop button's handler)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def clear(self) -> None:
        self._event.clear()


class _NullSink:
    def on_delta(self, delta: Delta, state: StreamState) -> None:
        pass

    def on_end(self, state: StreamState) -> None:
        pass


_CHUNK, _ERROR, _END = range(3)


def consume(
    responses: Iterable[types.GenerateContentResponse],
    sink: StreamSink | None = None,
    *,
    state: StreamState | None = None,
    stop: StopSignal | None = None,
    frame_interval: float = FRAME_INTERVAL,
    idle_timeout: float | None = None,
) -> StreamState:
    """Read a sync stream to its end (or error, stop, timeout) and return its state.

    The SDK iterator is read on a worker thread so this thread can flush held deltas on
    time and notice a stop while no chunk arrives. ``KeyboardInterrupt`` (Kernel ->
    Interrupt) ends the stream as stopped, keeps the partial text, then propagates.
    """
    state = state or StreamState()
    items: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    halt = threading.Event()

    def read() -> None:
        iterator = iter(responses)
        try:
            for response in iterator:
                items.put((_CHUNK, response))
                if halt.is_set():
                    break
        except BaseException as exc:  # handed to the consuming thread, which reports it
            items.put((_ERROR, exc))
        else:
            items.put((_END, None))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # closes the HTTP response when we stopped early

    threading.Thread(target=read, name="gemini-stream-reader", daemon=True).start()
    pump = _Pump(
        sink or _NullSink(), state, Coalescer(frame_interval, state.clock), stop, idle_timeout
    )
    try:
        while True:
            try:
                kind, item = items.get(timeout=pump.wait_budget())
            except queue.Empty:
                if pump.on_quiet():
                    break
                continue
            if pump.on_item(kind, item):
                break
    except KeyboardInterrupt:
        state.stop()
        raise
    finally:
        halt.set()
        pump.finish()
    return state


async def aconsume(
    responses: AsyncIterable[types.GenerateContentResponse]
    | Awaitable[AsyncIterable[types.GenerateContentResponse]],
    sink: StreamSink | None = None,
    *,
    state: StreamState | None = None,
    stop: StopSignal | None = None,
    frame_interval: float = FRAME_INTERVAL,
    idle_timeout: float | None = None,
) -> StreamState:
    """Read an async stream (or the awaitable ``client.aio`` returns) into its state.

    One reader task feeds a queue; this loop drains it without awaiting while chunks are
    waiting, so a burst costs no event-loop turn per chunk, and waits with a timeout only
    when the queue is empty. Cancelling the task running this stops the stream, closes its
    connection and keeps the partial text; the cancellation then propagates.
    """
    state = state or StreamState()
    items: deque[tuple[int, Any]] = deque()
    arrived = asyncio.Event()

    async def read() -> None:
        try:
            stream = await responses if inspect.isawaitable(responses) else responses
            async for response in stream:  # type: ignore[union-attr]
                items.append((_CHUNK, response))
                arrived.set()
        except Exception as exc:  # handed to the loop below, which reports it
            items.append((_ERROR, exc))
        else:
            items.append((_END, None))
        arrived.set()

    reader = asyncio.ensure_future(read())
    pump = _Pump(
        sink or _NullSink(), state, Coalescer(frame_interval, state.clock), stop, idle_timeout
    )
    try:
        while True:
            if not items:
                arrived.clear()
                try:
                    await asyncio.wait_for(arrived.wait(), pump.wait_budget())
                except asyncio.TimeoutError:  # the builtin TimeoutError only from 3.11
                    if pump.on_quiet():
                        break
                    continue
            if pump.on_item(*items.popleft()):
                break
    except asyncio.CancelledError:
        state.stop()
        raise
    finally:
        reader.cancel()  # the one way to close an async SDK stream's connection
        pump.finish()
    return state


class _Pump:
    """The part both loops share: what to do with a chunk, an error, the end, or a quiet
    spell; they differ only in how they wait (a thread's queue, an asyncio event)."""

    def __init__(
        self,
        sink: StreamSink,
        state: StreamState,
        coalescer: Coalescer,
        stop: StopSignal | None,
        idle_timeout: float | None,
    ) -> None:
        self.sink = sink
        self.state = state
        self.coalescer = coalescer
        self.stop = stop
        self.idle_timeout = idle_timeout
        self.last_chunk_at = state.clock()

    def wait_budget(self) -> float | None:
        """How long to wait for the next item before ``on_quiet`` (None: for ever)."""
        budgets = [self.coalescer.seconds_until_due()]
        if self.stop is not None:
            budgets.append(_POLL)
        if self.idle_timeout is not None:
            budgets.append(max(0.0, self.last_chunk_at + self.idle_timeout - self.state.clock()))
        present = [b for b in budgets if b is not None]
        return min(present) if present else None

    def on_quiet(self) -> bool:
        """Nothing came within the budget; True when the stream is over."""
        state = self.state
        if self.idle_timeout is not None and (
            state.clock() - self.last_chunk_at >= self.idle_timeout
        ):
            kept = "; the partial answer is kept" if state.responses else ""
            what = "chunk" if state.responses else "response"
            state.fail(
                StreamError(
                    "timeout",
                    f"No {what} for {self.idle_timeout:g} s, so the stream was ended{kept}.",
                )
            )
            return True
        if self.stop is not None and self.stop.is_set():
            state.stop()
            return True
        self._emit(self.coalescer.due())
        return False

    def on_item(self, kind: int, item: Any) -> bool:
        """A chunk, an error or the end arrived; True when the stream is over."""
        state = self.state
        if kind == _CHUNK:
            self.last_chunk_at = state.clock()
            self._emit(self.coalescer.add(state.feed(item)))
            if self.stop is not None and self.stop.is_set():
                state.stop()
                return True
            return False
        if kind == _ERROR:
            state.fail(describe_error(item, chunks_received=len(state.responses)))
        else:
            state.end()
        return True

    def finish(self) -> None:
        self._emit(self.coalescer.flush())
        self.state.end()
        self.sink.on_end(self.state)

    def _emit(self, delta: Delta | None) -> None:
        if delta:
            self.sink.on_delta(delta, self.state)
