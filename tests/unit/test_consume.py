"""The sync and async loops over real SDK streams: text, deltas, errors, stop, timeouts.

No outcome here depends on how fast the machine is: a stop or a cancel comes long before the
stream could end by itself, a stalled server stays silent far longer than the timeout, and
where seconds must pass between chunks they pass on a fake clock the stream moves.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

import pytest

from gemini_widgets.consume import StopSignal, aconsume, consume
from gemini_widgets.offline import Fault
from gemini_widgets.stream import Delta, StreamState

WORDS = [f"w{i} " for i in range(30)]
LONG = [f"w{i} " for i in range(200)]
"""At ``Fault.slow(between=GAP)`` this answer takes 40 s: a stop after its first chunks comes
long before its end, however busy the machine."""
GAP = 0.2
STALL = 30.0
"""Seconds a stalled server stays silent: far longer than any timeout here."""
NEVER = 60.0
"""Seconds to wait for something that happens at once unless the code is broken."""


class Recorder:
    """A sink that keeps what a widget would be sent."""

    def __init__(self) -> None:
        self.deltas: list[Delta] = []
        self.ended: StreamState | None = None

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.deltas.append(delta)

    def on_end(self, state: StreamState) -> None:
        self.ended = state

    @property
    def text(self) -> str:
        return "".join(d.text for d in self.deltas)


def stream(client, model, prompt="x"):
    return client.models.generate_content_stream(model=model, contents=prompt)


def astream(client, model, prompt="x"):
    return client.aio.models.generate_content_stream(model=model, contents=prompt)


def test_sync_stream_delivers_each_character_once(client, server, model):
    server.script(*WORDS)
    sink = Recorder()
    state = consume(stream(client, model), sink)
    assert state.text == sink.text == "".join(WORDS)
    assert state.ok and state.finish_reason.value == "STOP"
    assert sink.ended is state
    assert state.usage.candidates_token_count == 30
    assert state.time_to_first_token is not None


def test_async_stream_delivers_each_character_once(client, server, model):
    server.script(*WORDS)
    sink = Recorder()
    state = asyncio.run(aconsume(astream(client, model), sink))
    assert state.text == sink.text == "".join(WORDS)
    assert state.ok


def test_thoughts_are_kept_apart_from_the_answer(client, server, model):
    from google.genai import types

    server.script("answer", thoughts=["pondering ", "more"])
    state = consume(
        client.models.generate_content_stream(
            model=model,
            contents="x",
            config=types.GenerateContentConfig(
                thinking_config=types.ThinkingConfig(include_thoughts=True)
            ),
        )
    )
    assert state.thoughts == "pondering more"
    assert state.text == "answer"


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.drop(after=5), "connection"),
        (Fault.malformed(after=5), "malformed"),
        (Fault.error_event(after=5), "http"),
    ],
)
def test_mid_stream_failure_keeps_partial_text(client, server, model, fault, kind, use_async):
    server.script(*WORDS)
    server.fail_next(fault)
    sink = Recorder()
    if use_async:
        state = asyncio.run(aconsume(astream(client, model), sink))
    else:
        state = consume(stream(client, model), sink)
    assert state.text == sink.text == "".join(WORDS[:5])
    assert state.error is not None and state.error.kind == kind
    assert "partial answer is kept" in state.error.message
    assert sink.ended is state


@pytest.mark.parametrize("use_async", [False, True])
def test_http_error_before_first_chunk_is_reported_not_raised(client, server, model, use_async):
    server.fail_next(Fault.http(429, retry_after=3))
    if use_async:
        state = asyncio.run(aconsume(astream(client, model)))
    else:
        state = consume(stream(client, model))
    assert state.text == ""
    assert state.error.code == 429
    assert state.error.retry_after == 3
    assert state.error.message.startswith("429 RESOURCE_EXHAUSTED: rate limit")


def test_stop_signal_ends_a_sync_stream_and_keeps_what_arrived(client, server, model):
    server.script(*LONG)
    server.fail_next(Fault.slow(between=GAP))
    stop = StopSignal()

    class StopAfterThree(Recorder):
        def on_delta(self, delta, state):
            super().on_delta(delta, state)
            if len(state.responses) >= 3:
                stop.set()

    sink = StopAfterThree()
    state = consume(stream(client, model), sink, stop=stop)
    assert state.stopped and not state.ok
    assert 3 <= len(state.responses) < len(LONG)
    assert state.text == sink.text == "".join(LONG[: len(state.responses)])


def test_cancelling_the_async_task_stops_and_keeps_partial(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.slow(between=STALL))  # the second chunk never comes in time
    sink = Recorder()

    async def main() -> None:
        task = asyncio.ensure_future(aconsume(astream(client, model), sink))
        while not sink.deltas:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    state = sink.ended
    assert state.stopped
    assert 0 < len(state.text) < len("".join(WORDS))
    assert state.text == sink.text


def test_idle_timeout_ends_a_stream_silent_from_the_start(client, server, model, wait_for_requests):
    server.script(*WORDS)
    server.fail_next(Fault.slow(first_chunk=STALL))
    started = time.monotonic()
    state = consume(stream(client, model), idle_timeout=0.3)
    assert state.error.kind == "timeout" and state.text == ""
    assert state.error.message.startswith("No response for 0.3 s")
    assert time.monotonic() - started < STALL  # given up on, not waited for
    wait_for_requests(server, 1)


class ClockFromFirstChunk:
    """Real seconds, counted from a state's first chunk: the wait for that chunk (long on a
    busy machine) is not silence, so it cannot use up a short timeout."""

    def __init__(self) -> None:
        self.state: StreamState | None = None
        self.zero: float | None = None

    def __call__(self) -> float:
        if self.state is None or not self.state.responses:
            return 0.0
        if self.zero is None:
            self.zero = time.monotonic()
        return time.monotonic() - self.zero


def test_idle_timeout_ends_a_stream_that_goes_silent(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault(first_chunk_delay=0, chunk_delay=STALL))
    clock = ClockFromFirstChunk()
    clock.state = state = StreamState(clock=clock)
    consume(stream(client, model), state=state, idle_timeout=0.3)
    assert state.error.kind == "timeout"
    assert state.text == WORDS[0]
    assert "No chunk for 0.3 s" in state.error.message


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + NEVER
    while not condition():
        assert time.monotonic() < deadline, f"not after {NEVER:g} s"
        time.sleep(0.001)


def _fed(state: StreamState, count: int) -> Callable[[], bool]:
    return lambda: len(state.responses) >= count


def paced(responses: Iterable, state: StreamState, clock, gap: float) -> Iterator:
    """``responses``, each chunk after ``gap`` seconds of ``clock`` (the fake clock the loop
    reads); a chunk comes only once the loop has fed the one before to ``state``, so the loop
    never sees two gaps at once, however the threads are scheduled."""
    for i, response in enumerate(responses):
        if i:
            _wait_until(_fed(state, i))
            clock.now += gap
        yield response


async def apaced(opened, state: StreamState, clock, gap: float) -> AsyncIterator:
    deadline = time.monotonic() + NEVER
    i = 0
    async for response in await opened:
        if i:
            while len(state.responses) < i:
                assert time.monotonic() < deadline, f"not after {NEVER:g} s"
                await asyncio.sleep(0.001)
            clock.now += gap
        yield response
        i += 1


@pytest.mark.parametrize("use_async", [False, True])
def test_idle_timeout_is_per_gap_not_for_the_whole_answer(client, server, model, clock, use_async):
    """Ten chunks 0.4 s apart take 3.6 s in all, past a 0.5 s timeout, and the stream ends
    whole: the timeout is a silence, not a budget. The seconds are a fake clock's, moved
    between chunks by the stream itself, so a busy machine cannot stretch a gap."""
    server.script(*WORDS[:10])
    state = StreamState(clock=clock)
    if use_async:
        responses = apaced(astream(client, model), state, clock, 0.4)
        asyncio.run(aconsume(responses, state=state, idle_timeout=0.5))
    else:
        responses = paced(stream(client, model), state, clock, 0.4)
        consume(responses, state=state, idle_timeout=0.5)
    assert state.ok and state.error is None
    assert state.text == "".join(WORDS[:10])
    assert clock.now == pytest.approx(3.6)


def test_keyboard_interrupt_keeps_partial_and_propagates(client, server, model):
    server.script(*LONG)
    server.fail_next(Fault.slow(between=GAP))

    class InterruptAfterTwo(Recorder):
        def on_delta(self, delta, state):
            super().on_delta(delta, state)
            if len(state.responses) >= 2 and threading.current_thread() is threading.main_thread():
                raise KeyboardInterrupt

    sink = InterruptAfterTwo()
    with pytest.raises(KeyboardInterrupt):
        consume(stream(client, model), sink)
    assert sink.ended.stopped
    assert sink.ended.text.startswith("w0 w1 ")


def test_blocked_prompt_is_reported_on_the_state(client, server, model):
    server.fail_next(Fault.blocked("PROHIBITED_CONTENT"))
    state = consume(stream(client, model))
    assert state.block_reason.value == "PROHIBITED_CONTENT"
    assert not state.ok and state.error is None
