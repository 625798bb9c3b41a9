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
    sink = sink or _NullSink()
    state = state or StreamState()
    coalescer = Coalescer(frame_interval, state.clock)
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
    last_chunk_at = state.clock()
    try:
        while True:
            timeout = _wait_budget(coalescer, stop, idle_timeout, last_chunk_at, state)
            try:
                kind, item = items.get(timeout=timeout)
            except queue.Empty:
                if _idle_expired(idle_timeout, last_chunk_at, state):
                    state.fail(_idle_error(idle_timeout, state))
                    break
                if stop is not None and stop.is_set():
                    state.stop()
                    break
                _emit(sink, coalescer.due(), state)
                continue
            if kind == _CHUNK:
                last_chunk_at = state.clock()
                _emit(sink, coalescer.add(state.feed(item)), state)
                if stop is not None and stop.is_set():
                    state.stop()
                    break
            elif kind == _ERROR:
                state.fail(describe_error(item, chunks_received=len(state.responses)))
                break
            else:
                state.end()
                break
    except KeyboardInterrupt:
        state.stop()
        raise
    finally:
        halt.set()
        _emit(sink, coalescer.flush(), state)
        state.end()
        sink.on_end(state)
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
    sink = sink or _NullSink()
    state = state or StreamState()
    coalescer = Coalescer(frame_interval, state.clock)
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
    last_chunk_at = state.clock()
    try:
        while True:
            if not items:
                arrived.clear()
                timeout = _wait_budget(coalescer, stop, idle_timeout, last_chunk_at, state)
                try:
                    await asyncio.wait_for(arrived.wait(), timeout)
                except asyncio.TimeoutError:  # the builtin TimeoutError only from 3.11
                    if _idle_expired(idle_timeout, last_chunk_at, state):
                        state.fail(_idle_error(idle_timeout, state))
                        break
                    if stop is not None and stop.is_set():
                        state.stop()
                        break
                    _emit(sink, coalescer.due(), state)
                    continue
            kind, item = items.popleft()
            if kind == _CHUNK:
                last_chunk_at = state.clock()
                _emit(sink, coalescer.add(state.feed(item)), state)
                if stop is not None and stop.is_set():
                    state.stop()
                    break
            elif kind == _ERROR:
                state.fail(describe_error(item, chunks_received=len(state.responses)))
                break
            else:
                state.end()
                break
    except asyncio.CancelledError:
        state.stop()
        raise
    finally:
        reader.cancel()  # the one way to close an async SDK stream's connection
        _emit(sink, coalescer.flush(), state)
        state.end()
        sink.on_end(state)
    return state


def _emit(sink: StreamSink, delta: Delta | None, state: StreamState) -> None:
    if delta:
        sink.on_delta(delta, state)


def _wait_budget(
    coalescer: Coalescer,
    stop: StopSignal | None,
    idle_timeout: float | None,
    last_chunk_at: float,
    state: StreamState,
) -> float | None:
    budgets = [coalescer.seconds_until_due()]
    if stop is not None:
        budgets.append(_POLL)
    if idle_timeout is not None:
        budgets.append(max(0.0, last_chunk_at + idle_timeout - state.clock()))
    present = [b for b in budgets if b is not None]
    return min(present) if present else None


def _idle_expired(idle_timeout: float | None, last_chunk_at: float, state: StreamState) -> bool:
    return idle_timeout is not None and state.clock() - last_chunk_at >= idle_timeout


def _idle_error(idle_timeout: float | None, state: StreamState) -> StreamError:
    kept = "; the partial answer is kept" if state.responses else ""
    what = "chunk" if state.responses else "response"
    return StreamError(
        "timeout", f"No {what} for {idle_timeout:g} s, so the stream was ended{kept}."
    )
