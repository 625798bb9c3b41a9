"""Two thin loops, sync and async, that drive ``StreamState`` and a ``Coalescer``.

Both loops: feed each chunk to the state, hand coalesced deltas to a sink, flush a held
delta when its frame comes even if no chunk does, stop on request, turn any exception into
``state.error`` (keeping the partial text), and always end with ``sink.on_end(state)``.

Stopping closes the HTTP connection the way the SDK allows it: a sync generator is closed;
an async one only closes when the task reading it is cancelled (``aclose()`` after ``break``
leaves it streaming), so the async loop reads through a task of its own and cancels that.

Given an *opener* (a function that starts the request) instead of a stream, the loops also
retry a request that fails before its first chunk, as ``retry.py`` decides, and tell the
sink (``on_retry``) so the user sees the wait.
"""

from __future__ import annotations

import asyncio
import inspect
import queue
import threading
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import replace
from typing import Any, Protocol, TypeAlias, TypedDict, Unpack

from google.genai import types

from .coalesce import FRAME_INTERVAL, Coalescer
from .errors import StreamError, describe_error
from .retry import RetryNotice, RetryPolicy
from .stream import Delta, StreamState

__all__ = ["FRAME_INTERVAL", "ReadOptions", "StopSignal", "StreamSink", "aconsume", "consume"]

_POLL = 0.1  # how often a waiting loop looks at its StopSignal


SyncStream: TypeAlias = Iterable[types.GenerateContentResponse]
AsyncStream: TypeAlias = (
    AsyncIterable[types.GenerateContentResponse]
    | Awaitable[AsyncIterable[types.GenerateContentResponse]]
)


class StreamSink(Protocol):
    """Where a stream's progress goes (a widget, a test recorder, nothing).

    A sink may also have ``on_retry(notice: RetryNotice, state)``, called before each wait
    for a retry; it is optional, so a sink that shows no retries need not define it.
    """

    def on_delta(self, delta: Delta, state: StreamState) -> None: ...

    def on_end(self, state: StreamState) -> None: ...


class ReadOptions(TypedDict, total=False):
    """The keywords both loops take (declared once, so the two cannot drift)."""

    state: StreamState | None
    """The state to feed (a continued answer's); a new one by default."""
    stop: StopSignal | None
    frame_interval: float
    """Seconds between deltas handed to the sink at most (``FRAME_INTERVAL``)."""
    idle_timeout: float | None
    """End the stream with a message after this long without a chunk."""
    retry: RetryPolicy | None
    """Retry a request that fails before its first chunk (needs an opener)."""


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


_CHUNK, _ERROR, _END, _RETRY = range(4)


def consume(
    responses: SyncStream | Callable[[], SyncStream],
    sink: StreamSink | None = None,
    **options: Unpack[ReadOptions],
) -> StreamState:
    """Read a sync stream to its end (or error, stop, timeout) and return its state.

    ``responses`` is a stream, or a function that opens one (needed for ``retry``). The SDK
    iterator is read on a worker thread so this thread can flush held deltas on time and
    notice a stop while no chunk arrives. ``KeyboardInterrupt`` (Kernel -> Interrupt) ends
    the stream as stopped, keeps the partial text, then propagates.
    """
    state, open_stream, retry, pump = _begin(responses, sink, options)
    items: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    halt = threading.Event()

    def read() -> None:
        attempt = 1
        while not halt.is_set():
            iterator = None
            received = 0
            try:
                iterator = iter(open_stream())
                for response in iterator:
                    received += 1
                    items.put((_CHUNK, response))
                    if halt.is_set():
                        break
            except BaseException as exc:  # handed to the consuming thread, which reports it
                notice = _hand_over_failure(items.put, retry, attempt, exc, received)
                if notice is None:
                    return
                attempt += 1
                halt.wait(notice.delay)  # a stop sets ``halt`` and ends the wait
            else:
                items.put((_END, None))
                return
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()  # closes the HTTP response when we stopped early

    threading.Thread(target=read, name="gemini-stream-reader", daemon=True).start()
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
    responses: AsyncStream | Callable[[], AsyncStream],
    sink: StreamSink | None = None,
    **options: Unpack[ReadOptions],
) -> StreamState:
    """Read an async stream (or the awaitable ``client.aio`` returns, or a function that
    opens one: needed for ``retry``) into its state.

    One reader task feeds a queue; this loop drains it without awaiting while chunks are
    waiting, so a burst costs no event-loop turn per chunk, and waits with a timeout only
    when the queue is empty. Cancelling the task running this stops the stream, closes its
    connection and keeps the partial text; the cancellation then propagates.
    """
    state, open_stream, retry, pump = _begin(responses, sink, options)
    items: deque[tuple[int, Any]] = deque()
    arrived = asyncio.Event()

    async def read() -> None:
        attempt = 1
        while True:
            received = 0
            try:
                stream = open_stream()
                stream = await stream if inspect.isawaitable(stream) else stream
                async for response in stream:  # type: ignore[union-attr]
                    received += 1
                    items.append((_CHUNK, response))
                    arrived.set()
            except Exception as exc:  # handed to the loop below, which reports it
                notice = _hand_over_failure(items.append, retry, attempt, exc, received)
                arrived.set()
                if notice is None:
                    break
                attempt += 1
                await asyncio.sleep(notice.delay)  # a stop cancels this task
            else:
                items.append((_END, None))
                break
        arrived.set()

    reader = asyncio.ensure_future(read())
    try:
        while True:
            if not items:
                arrived.clear()
                try:
                    await asyncio.wait_for(arrived.wait(), pump.wait_budget())
                except TimeoutError:
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


def _begin(
    responses: Any, sink: StreamSink | None, options: ReadOptions
) -> tuple[StreamState, Callable[[], Any], RetryPolicy | None, _Pump]:
    """What both loops start from: the state, the opener, the retry policy and the pump."""
    unknown = set(options) - set(ReadOptions.__annotations__)
    if unknown:
        raise TypeError(f"unexpected keyword argument {sorted(unknown)[0]!r}")
    state = options.get("state") or StreamState()
    retry = options.get("retry")
    coalescer = Coalescer(options.get("frame_interval", FRAME_INTERVAL), state.clock)
    pump = _Pump(
        sink or _NullSink(), state, coalescer, options.get("stop"), options.get("idle_timeout")
    )
    return state, _opener(responses, retry), retry, pump


def _opener(responses: Any, retry: RetryPolicy | None) -> Callable[[], Any]:
    if callable(responses):
        return responses
    if retry is not None:
        raise TypeError("retry needs a function that opens the stream, not an open stream")
    return lambda: responses


def _hand_over_failure(
    put: Callable[[tuple[int, Any]], None],
    retry: RetryPolicy | None,
    attempt: int,
    exc: BaseException,
    received: int,
) -> RetryNotice | None:
    """Queue the error, or the retry about to be waited for; return that retry (None: the
    reader is done)."""
    notice = _next_retry(retry, attempt, exc, received)
    put((_ERROR, exc) if notice is None else (_RETRY, notice))
    return notice


def _next_retry(
    retry: RetryPolicy | None, attempt: int, exc: BaseException, received: int
) -> RetryNotice | None:
    if retry is None or not isinstance(exc, Exception):
        return None
    error = describe_error(exc, chunks_received=received)
    return retry.next_retry(attempt, error, chunks_received=received)


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
                    f"No {what} for {self.idle_timeout:g} s, so the stream was ended{kept}; "
                    "a longer timeout lets a slow model finish.",
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
        if kind == _RETRY:
            # the idle clock starts again when the next attempt does
            self.last_chunk_at = state.clock() + item.delay
            state.retry = item
            on_retry = getattr(self.sink, "on_retry", None)
            if on_retry is not None:
                on_retry(item, state)
            return False
        if kind == _ERROR:
            error = describe_error(item, chunks_received=len(state.responses))
            if state.retry is not None and not state.responses:
                error = replace(
                    error, message=f"{error.message} Gave up after {state.retry.attempt} attempts."
                )
            state.fail(error)
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
