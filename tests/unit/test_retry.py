"""Retries before the first token: the policy, and both loops retrying real SDK requests."""

from __future__ import annotations

import asyncio
import time

import pytest
from google.genai import types

from gemini_widgets.consume import StopSignal, aconsume, consume
from gemini_widgets.errors import StreamError
from gemini_widgets.offline import Fault
from gemini_widgets.retry import DEFAULT_RETRY, RetryNotice, retry_policy
from gemini_widgets.stream import StreamState
from gemini_widgets.widgets import StreamView

WORDS = [f"w{i} " for i in range(10)]
FAST = {"initial_delay": 0.01, "jitter": 0.0, "max_delay": 5.0}
SLOW = {"initial_delay": 60.0, "jitter": 0.0, "max_delay": 60.0}
"""A wait no test sits out: ended early, it is over long before its 60 s."""
NEVER = 60.0
"""Seconds to wait for something that happens at once unless the code is broken."""


def http_error(code: int, retry_after: float | None = None) -> StreamError:
    return StreamError("http", f"{code} STATUS: advice.", code, "STATUS", retry_after)


class RetryRecorder:
    def __init__(self) -> None:
        self.notices: list[RetryNotice] = []
        self.text = ""

    def on_delta(self, delta, state) -> None:
        self.text += delta.text

    def on_retry(self, notice: RetryNotice, state) -> None:
        self.notices.append(notice)

    def on_end(self, state) -> None:
        pass


def opener(client, model):
    return lambda: client.models.generate_content_stream(model=model, contents="x")


def aopener(client, model):
    return lambda: client.aio.models.generate_content_stream(model=model, contents="x")


# ---- the policy ----------------------------------------------------------------------------


def test_default_retries_429_and_503_only():
    policy = retry_policy(None)
    assert policy is not None and policy.attempts == DEFAULT_RETRY.attempts == 4
    assert policy.next_retry(1, http_error(429), chunks_received=0) is not None
    assert policy.next_retry(1, http_error(503), chunks_received=0) is not None
    for code in (400, 403, 404, 500):
        assert policy.next_retry(1, http_error(code), chunks_received=0) is None


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    policy = retry_policy({"initial_delay": 1.0, "exp_base": 2.0, "jitter": 1.0, "max_delay": 5})
    delays = [policy.next_retry(n, http_error(503), chunks_received=0).delay for n in (1, 2, 3)]
    assert 1.0 <= delays[0] <= 2.0 and 2.0 <= delays[1] <= 3.0 and 4.0 <= delays[2] <= 5.0
    jittered = {policy.next_retry(1, http_error(503), chunks_received=0).delay for _ in range(20)}
    assert len(jittered) > 1  # jitter spreads clients that failed together


def test_gemini_retry_delay_is_a_floor_and_too_long_a_delay_gives_up():
    policy = retry_policy(FAST)
    assert policy.next_retry(1, http_error(429, retry_after=3.0), chunks_received=0).delay == 3.0
    assert policy.next_retry(1, http_error(429, retry_after=600.0), chunks_received=0) is None


def test_never_retries_after_a_chunk_or_past_the_last_attempt():
    policy = retry_policy(3)
    assert policy.next_retry(1, http_error(503), chunks_received=1) is None
    assert policy.next_retry(3, http_error(503), chunks_received=0) is None
    assert policy.next_retry(2, http_error(503), chunks_received=0).attempt == 3


def test_settings_that_turn_retries_off_or_tune_them():
    assert retry_policy(False) is None and retry_policy(0) is None and retry_policy(1) is None
    tuned = retry_policy(types.HttpRetryOptions(http_status_codes=[500]))
    assert tuned.codes == {500} and tuned.attempts == DEFAULT_RETRY.attempts
    with pytest.raises(ValueError, match="attempts"):
        retry_policy(-1)


def test_notice_says_why_how_long_and_which_attempt():
    notice = RetryNotice(2, 4, 1.6, http_error(429))
    assert notice.message == "429 STATUS: retrying in 2 s (attempt 2 of 4)."


# ---- the loops -----------------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("status", [429, 503])
def test_a_failing_request_is_retried_then_streams(client, server, model, status, use_async):
    server.script(*WORDS)
    server.fail_next(Fault.http(status, retry_after=0), times=2)
    sink = RetryRecorder()
    policy = retry_policy(FAST)
    if use_async:
        state = asyncio.run(aconsume(aopener(client, model), sink, retry=policy))
    else:
        state = consume(opener(client, model), sink, retry=policy)
    assert state.ok and state.text == sink.text == "".join(WORDS)
    assert [n.attempt for n in sink.notices] == [2, 3] and state.attempts == 3
    assert len(server.requests) == 3


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_gives_up_after_the_last_attempt_with_the_error(client, server, model, use_async):
    server.fail_next(Fault.http(503, retry_after=0), times=None)
    policy = retry_policy({**FAST, "attempts": 3})
    sink = RetryRecorder()
    if use_async:
        state = asyncio.run(aconsume(aopener(client, model), sink, retry=policy))
    else:
        state = consume(opener(client, model), sink, retry=policy)
    assert state.error.code == 503 and len(sink.notices) == 2
    assert len(server.requests) == 3


def test_an_error_after_the_first_chunk_is_not_retried(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.error_event(after=3, status=503))
    state = consume(opener(client, model), retry=retry_policy(FAST))
    assert state.error is not None and state.text == "".join(WORDS[:3])
    assert len(server.requests) == 1


def test_a_stop_during_the_wait_ends_at_once(client, server, model):
    server.fail_next(Fault.http(429, retry_after=0))
    stop = StopSignal()

    class StopWhenWaiting(RetryRecorder):
        def on_retry(self, notice, state) -> None:
            super().on_retry(notice, state)
            stop.set()  # the Stop button, pressed while the view counts down

    sink = StopWhenWaiting()
    started = time.monotonic()
    state = consume(opener(client, model), sink, stop=stop, retry=retry_policy(SLOW))
    assert state.stopped and len(sink.notices) == 1
    assert time.monotonic() - started < sink.notices[0].delay  # the 60 s were not sat out
    assert len(server.requests) == 1


def test_cancelling_an_async_stream_during_the_wait_ends_at_once(client, server, model):
    server.fail_next(Fault.http(429, retry_after=0))

    async def run() -> list[RetryNotice]:
        waiting = asyncio.Event()

        class Waiting(RetryRecorder):
            def on_retry(self, notice, state) -> None:
                super().on_retry(notice, state)
                waiting.set()

        sink = Waiting()
        task = asyncio.ensure_future(
            aconsume(aopener(client, model), sink, retry=retry_policy(SLOW))
        )
        await asyncio.wait_for(waiting.wait(), NEVER)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return sink.notices

    started = time.monotonic()
    notices = asyncio.run(run())
    assert len(notices) == 1 and time.monotonic() - started < notices[0].delay
    assert len(server.requests) == 1


class WatchedClock:
    """A fake clock (``now``) that counts how often the loop reads it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def _wait_until(condition) -> None:
    deadline = time.monotonic() + NEVER
    while not condition():
        assert time.monotonic() < deadline, f"not after {NEVER:g} s"
        time.sleep(0.001)


def test_idle_timeout_counts_from_the_retry_not_the_first_attempt(client, server, model):
    """The first attempt is refused at once; the retry waits 0.05 s; the second attempt is
    sent at 0.5 s: a 0.5 s timeout counted from the start would be up, counted from the
    retry it is not. The seconds are a fake clock's, moved by the test once the loop has
    taken the retry, so a busy machine moves nothing."""
    server.script(*WORDS)
    server.fail_next(Fault.http(503, retry_after=0))
    clock = WatchedClock()
    state = StreamState(clock=clock)
    opened: list[int] = []

    def open_stream():
        opened.append(1)
        if len(opened) == 2:
            _wait_until(lambda: state.retry is not None)  # the loop has taken the retry
            clock.now = 0.5
            reads = clock.reads
            # the loop looks at the clock (a loop counting from the start would end here)
            _wait_until(lambda: clock.reads >= reads + 2 or state.done)
        return client.models.generate_content_stream(model=model, contents="x")

    consume(
        open_stream,
        state=state,
        retry=retry_policy({"initial_delay": 0.05, "jitter": 0}),
        idle_timeout=0.5,
    )
    assert state.ok and state.text == "".join(WORDS) and len(opened) == 2


def test_retry_needs_an_opener(client, model):
    stream = client.models.generate_content_stream(model=model, contents="x")
    with pytest.raises(TypeError, match="opens the stream"):
        consume(stream, retry=retry_policy(None))


# ---- the surfaces ---------------------------------------------------------------------------


def test_stream_view_shows_the_retry_then_streams(client, server, model):
    from gemini_widgets import stream

    server.script(*WORDS)
    server.fail_next(Fault.http(503, retry_after=0))
    view = StreamView(model=model)
    seen: list[tuple[str, dict, str]] = []
    view.observe(lambda change: seen.append((view.status, dict(view.retry), view.notice)), "status")
    state = stream("x", client=client, view=view, retry=FAST)
    retrying = [s for s in seen if s[0] == "retrying"]
    assert retrying and retrying[0][1]["attempt"] == 2 and retrying[0][1]["attempts"] == 4
    assert retrying[0][2] == "503 UNAVAILABLE: retrying in 0 s (attempt 2 of 4)."
    assert state.ok and view.status == "done" and view.retry == {} and view.notice == ""


def test_chat_tells_its_view_about_the_retry(client, server, model):
    from gemini_widgets.chat import Chat

    server.script(*WORDS)
    server.fail_next(Fault.http(429, retry_after=0))
    chat = Chat(model, client=client, key=None, retry=FAST)
    sent: list[dict] = []
    chat.view.send = lambda message, buffers=None: sent.append(message)
    reply = chat.send("hi")
    retries = [m for m in sent if m["type"] == "retry"]
    assert [m["attempt"] for m in retries] == [2]
    assert retries[0]["cause"] == "429 RESOURCE_EXHAUSTED"
    assert reply.ok and reply.text == "".join(WORDS) and len(chat.history) >= 2
