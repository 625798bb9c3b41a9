"""Recovery from a fault, as the views offer it: Continue until the answer is whole (a chat
then records it once), a chat's Retry after an error, and Regenerate after a turn the
history did not record."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fault_cases import ANSWER, CASES, GREETING, GREETING_REPLY, PROMPT, WHOLE, Case
from fault_surfaces import (
    BUSY_RERUNS,
    CHATS,
    SURFACES,
    ChatRun,
    Context,
    arm_and_run,
    timed_out_early,
    turns_of,
)

from gemini_widgets.request import CONTINUE_PROMPT

CONTINUABLE = [
    pytest.param(case, surface, id=f"{case.id}-{surface}")
    for case in CASES
    if case.can_continue
    for surface in SURFACES
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("case", "surface"), CONTINUABLE)
def test_continue_completes_the_answer(ctx: Context, case: Case, surface: str) -> None:
    """Continue (as often as it is offered) ends with the whole answer, each character sent
    to the browser once; a chat then records the exchange once, never the request to
    continue."""
    run = arm_and_run(ctx, case, surface)
    assert run.seen().can_continue
    for _ in range(len(ANSWER)):
        run.continue_answer()
        after = run.seen()
        if not after.can_continue:
            break
    assert after.text == after.sent == WHOLE, "nothing lost, nothing sent twice"
    assert (after.status, after.error, after.notice) == ("done", "", "")
    if surface in CHATS:
        assert after.history == [*after.history_before, ("user", PROMPT), ("model", WHOLE)]
        assert CONTINUE_PROMPT not in str(after.history)


RETRYABLE = [
    pytest.param(case, surface, id=f"{case.id}-{surface}")
    for case in CASES
    if case.status == "error" and case.retry_cures
    for surface in ("chat", "chat_async")
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("case", "surface"), RETRYABLE)
def test_chat_retry_after_an_error_brings_the_answer(
    ctx: Context, case: Case, surface: str
) -> None:
    """A chat's failed turn has a Retry button; once the fault has passed it brings the
    whole answer, and the history gains the exchange once."""
    run = arm_and_run(ctx, case, surface)
    assert run.seen().status == "error"
    ctx.server.faults.clear()
    run.retry_turn()
    for _ in range(BUSY_RERUNS):  # a timeout case's Retry has only TIMEOUT for its answer too
        if not timed_out_early(run.state, replace(case, text=WHOLE)):
            break
        run.retry_turn()
    after = run.seen()
    assert (after.status, after.error, after.text, after.sent) == ("done", "", WHOLE, WHOLE)
    assert after.history == [*after.history_before, ("user", PROMPT), ("model", WHOLE)]


UNRECORDED = [
    c for c in CASES if c.id in ("http-500", "dropped", "blocked-prompt", "finish-safety")
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", UNRECORDED, ids=[c.id for c in UNRECORDED])
def test_chat_regenerate_after_an_unrecorded_turn_asks_the_last_message_again(
    ctx: Context, case: Case
) -> None:
    ctx.server.fail_next(case.fault, match=PROMPT)
    run = ChatRun(ctx, case, asynchronous=False)
    assert run.seen().history == run.before  # the turn is shown but not recorded

    async def regenerate() -> None:
        run.recorder.deltas.clear()  # a new reply: offsets from 0
        assert run.chat.regenerate() is None
        await run.chat.task

    ctx.run(regenerate())
    asked = [t["message"] for t in run.chat.view.turns]
    assert asked == [GREETING, PROMPT]
    assert turns_of(run.chat.history) == [
        ("user", GREETING),
        ("model", GREETING_REPLY),
        ("user", PROMPT),
        ("model", WHOLE),
    ]
