"""Around the fault matrix: the retry policy's waits (Gemini's RetryInfo as a floor, and as
a reason to stop), a 500 retried when asked, and the defaults docs/reliability.md states."""

from __future__ import annotations

import pytest
from fault_cases import ATTEMPTS, FAST_RETRY, PLAIN, PROMPT, WHOLE
from fault_surfaces import Context, StreamRun, prompt_requests

from gemini_widgets import retry, stream
from gemini_widgets.offline import Fault
from gemini_widgets.settings import DEFAULT_TIMEOUT


@pytest.mark.timeout(120)
def test_gemini_retry_info_is_a_floor_for_the_wait(ctx: Context) -> None:
    """A 429's RetryInfo (1 s here) outlasts the policy's 10 ms backoff."""
    ctx.server.fail_next(Fault.http(429), match=PROMPT)
    run = StreamRun(ctx, PLAIN, background=False)
    seen = run.seen()
    assert seen.retries_shown == [
        f"429 RESOURCE_EXHAUSTED: retrying in 1 s (attempt 2 of {ATTEMPTS})."
    ]
    assert (seen.status, seen.text) == ("done", WHOLE)
    assert seen.elapsed >= 1.0  # the wait was made (a busy machine only lengthens it)


@pytest.mark.timeout(120)
def test_a_retry_info_longer_than_max_delay_ends_at_once(ctx: Context) -> None:
    ctx.server.fail_next(Fault.http(429, retry_after=60), match=PROMPT, times=None)
    run = StreamRun(ctx, PLAIN, background=False)
    seen = run.seen()
    assert seen.status == "error" and seen.retries_shown == []
    assert "(Gemini suggests 60 s)" in seen.error
    assert prompt_requests(ctx.server) == 1 and seen.elapsed < 60  # not waited for


@pytest.mark.timeout(120)
def test_500_is_retried_when_asked(ctx: Context) -> None:
    ctx.server.fail_next(Fault.http(500), match=PROMPT)
    state = stream(
        PROMPT,
        client=ctx.client,
        retry={**FAST_RETRY, "http_status_codes": [429, 500, 503]},
    )
    assert state.ok and state.text == WHOLE and state.attempts == 2


def test_the_defaults_docs_reliability_states() -> None:
    policy = retry.DEFAULT_RETRY
    assert (policy.attempts, policy.http_status_codes) == (4, [429, 503])
    assert (policy.initial_delay, policy.exp_base, policy.max_delay, policy.jitter) == (
        1.0,
        2.0,
        30.0,
        1.0,
    )
    assert DEFAULT_TIMEOUT == 120.0
