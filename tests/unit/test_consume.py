"""The sync and async loops over real SDK streams: text, deltas, errors, stop, timeouts."""

from __future__ import annotations

import asyncio
import threading

import pytest

from gemini_widgets.consume import StopSignal, aconsume, consume
from gemini_widgets.offline import Fault
from gemini_widgets.stream import Delta, StreamState

WORDS = [f"w{i} " for i in range(30)]


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
    server.script(*WORDS)
    server.fail_next(Fault.slow(between=0.05))
    stop = StopSignal()

    class StopAfterThree(Recorder):
        def on_delta(self, delta, state):
            super().on_delta(delta, state)
            if len(state.responses) >= 3:
                stop.set()

    sink = StopAfterThree()
    state = consume(stream(client, model), sink, stop=stop)
    assert state.stopped and not state.ok
    assert 3 <= len(state.responses) < 30
    assert state.text == sink.text == "".join(WORDS[: len(state.responses)])


def test_cancelling_the_async_task_stops_and_keeps_partial(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.slow(between=0.05))
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


def test_idle_timeout_ends_a_silent_stream(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault(first_chunk_delay=0, chunk_delay=5))
    state = consume(stream(client, model), idle_timeout=0.3)
    assert state.error.kind == "timeout"
    assert state.text == WORDS[0]
    assert "No chunk for 0.3 s" in state.error.message


def test_keyboard_interrupt_keeps_partial_and_propagates(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.slow(between=0.05))

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
