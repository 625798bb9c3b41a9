"""The one runner: every way of running a request, stop, continue, and that no one else
reads an SDK stream."""

from __future__ import annotations

import ast
import asyncio
import threading
import time
from pathlib import Path

import pytest
from google.genai import types

import gemini_widgets
from gemini_widgets.offline import Fault
from gemini_widgets.request import StreamRequest
from gemini_widgets.runner import ContinueRefused, Runner, SinkGroup
from gemini_widgets.settings import NO_RETRY, StreamOptions
from gemini_widgets.stream import Delta, StreamState

PACKAGE = Path(gemini_widgets.__file__).parent
WORDS = [f"w{i} " for i in range(30)]
WHOLE = "".join(WORDS)


class Recorder:
    """A sink that keeps what it was told, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.text = ""
        self.first_delta = asyncio.Event()
        self.parsed_at_end: object = None

    def on_start(self, state: StreamState, *, background: bool) -> None:
        self.events.append(("start", background))

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.text += delta.text
        self.first_delta.set()

    def on_end(self, state: StreamState) -> None:
        self.events.append(("end", state.done))
        self.parsed_at_end = state.parsed


def request(client, model, prompt: str = "words", **config) -> StreamRequest:
    return StreamRequest(client, model, prompt, types.GenerateContentConfig(**config))


def test_only_the_runner_reads_sdk_streams():
    """``consume``/``aconsume`` are imported by the runner alone: a surface that ran its own
    loop would be a second copy of retry, timeout, stop and continue."""
    readers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = {a.name for a in node.names} if isinstance(node, ast.ImportFrom) else ()
            if {"consume", "aconsume"} & set(imported):
                readers.add(path.relative_to(PACKAGE).as_posix())
    assert readers == {"runner.py"}


def test_run_run_async_and_start_give_the_same_answer(client, server, model):
    server.script(*WORDS, prompt="words")
    blocking, awaited, started = Recorder(), Recorder(), Recorder()
    first = Runner(blocking).run(request(client, model))

    async def asynchronous() -> tuple[StreamState, StreamState]:
        awaited_state = await Runner(awaited).run_async(request(client, model))
        runner = Runner(started)
        task = runner.start(request(client, model))
        assert isinstance(task, asyncio.Task) and runner.state is not None  # readable at once
        return awaited_state, await task

    second, third = asyncio.run(asynchronous())
    assert first.text == second.text == third.text == WHOLE
    assert blocking.text == awaited.text == started.text == WHOLE
    assert blocking.events == awaited.events == [("start", False), ("end", True)]
    assert started.events == [("start", True), ("end", True)]


def test_stop_ends_a_background_answer_and_keeps_what_arrived(client, server, model):
    server.script(*WORDS, prompt="words")
    server.fail_next(Fault.slow(between=30))  # the answer cannot end before the stop, however slow
    sink = Recorder()
    runner = Runner(sink)

    async def go() -> StreamState:
        task = runner.start(request(client, model))
        await sink.first_delta.wait()
        assert runner.stoppable_now
        runner.stop()
        return await task

    state = asyncio.run(go())
    assert state.stopped and state.text == sink.text and WHOLE.startswith(state.text)
    assert state.text != WHOLE and not runner.busy and not runner.stoppable_now


def test_stop_from_another_thread_ends_a_blocking_answer(client, server, model):
    """``stop()`` is safe from any thread: code that runs beside a blocking read (a timer,
    a UI thread) stops it at the next check, and the text so far is kept."""
    server.script(*WORDS, prompt="words")
    server.fail_next(Fault.slow(between=30))
    runner = Runner(Recorder())
    stopped_while_reading = []

    def press_stop() -> None:
        while runner.state is None or not runner.state.text:
            time.sleep(0.01)
        stopped_while_reading.append(runner.stoppable_now)
        runner.stop()

    presser = threading.Thread(target=press_stop)
    presser.start()
    state = runner.run(request(client, model))
    presser.join()
    assert stopped_while_reading == [True]
    assert state.stopped and state.text and WHOLE.startswith(state.text) and state.text != WHOLE
    assert not runner.stoppable_now


def test_continue_goes_on_in_the_same_answer(client, server, model):
    whole = client.models.generate_content(model=model, contents="words", config={"seed": 3})
    server.fail_next(Fault.drop(after=3))
    sink = Recorder()
    runner = Runner(sink)
    cut = runner.run(request(client, model, seed=3))
    assert cut.cut_short and runner.why_not_continue() is None
    assert runner.continue_answer() is cut
    assert cut.ok and cut.text == sink.text == whole.text and cut.continuations == 1
    assert sink.events == [("start", False), ("end", True), ("start", False), ("end", True)]
    with pytest.raises(ContinueRefused, match="Nothing to continue"):
        runner.continue_answer()


def test_a_bare_stream_cannot_be_continued(client, server, model):
    server.fail_next(Fault.drop(after=2))
    runner = Runner(Recorder())
    state = runner.read(client.models.generate_content_stream(model=model, contents="words"))
    assert state.cut_short
    with pytest.raises(ContinueRefused, match="use stream"):
        runner.continue_answer()


def test_a_second_answer_waits_for_the_first(client, server, model):
    server.fail_next(Fault.slow(between=0.05))
    sink = Recorder()
    runner = Runner(sink)

    async def go() -> None:
        task = runner.start(request(client, model))
        with pytest.raises(RuntimeError, match="Already streaming"):
            runner.start(request(client, model))
        runner.stop()
        await task

    asyncio.run(go())
    assert sink.events == [("start", True), ("end", True)]


def test_a_json_answer_is_parsed_before_the_sink_hears_the_end(client, server, model):
    server.script('{"name": "Ada", ', '"year": 1815}', prompt="who")
    sink = Recorder()
    state = Runner(sink).run(request(client, model, "who", response_mime_type="application/json"))
    assert state.parsed == sink.parsed_at_end == {"name": "Ada", "year": 1815}
    server.script('{"name": ', prompt="broken")
    broken = Runner(Recorder()).run(
        request(client, model, "broken", response_mime_type="application/json")
    )
    assert broken.parsed is None and broken.parse_error.startswith("The answer is not valid JSON")


def test_retries_and_the_timeout_come_from_the_options(client, server, model):
    server.fail_next(Fault.http(503))
    options = StreamOptions(retry=None, timeout=None)
    failed = Runner(Recorder(), options=options).run(request(client, model))
    assert failed.error is not None and failed.error.code == 503
    from gemini_widgets.settings import stream_options

    server.fail_next(Fault.http(503))
    quick = stream_options({"attempts": 2, "initial_delay": 0.01, "jitter": 0}, None)
    retried = Runner(Recorder(), options=quick).run(request(client, model))
    assert retried.ok and retried.attempts == 2
    assert NO_RETRY.retry is None and NO_RETRY.timeout is None


def test_a_sink_group_tells_each_sink_what_it_listens_for():
    class EndsOnly:
        def __init__(self) -> None:
            self.ended = 0

        def on_end(self, state: StreamState) -> None:
            self.ended += 1

    everything, ends = Recorder(), EndsOnly()
    group = SinkGroup([everything, ends])
    state = StreamState()
    group.on_start(state, background=False)
    group.on_delta(Delta("hi"), state)
    state.end()
    group.on_end(state)
    assert everything.events == [("start", False), ("end", True)] and everything.text == "hi"
    assert ends.ended == 1
