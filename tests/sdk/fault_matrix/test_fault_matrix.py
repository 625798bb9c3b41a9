"""The fault x surface matrix (issue 7): every fault the offline server injects
(``fault_cases.CASES``), through every surface a user streams with
(``fault_surfaces.SURFACES``), over the real google-genai SDK and real HTTP.

Each cell checks the status word, the one-sentence message, the text kept, whether Continue is
offered, the retries shown, and whether a chat records the exchange; also that the text the
browser was sent (the view's delta messages) is exactly the text kept, and that a silent
server was given up on, not waited for. docs/reliability.md shows the same table.
Recovery (Continue, Retry, Regenerate) is in test_fault_recovery.py, the retry policy around
the matrix in test_fault_retry_policy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_cases import CASES, PARTIAL, PROMPT, STALL, TIMEOUT, Case
from fault_surfaces import (
    CHATS,
    STREAM_VIEWS,
    SURFACES,
    ChatRun,
    Context,
    arm_and_run,
    prompt_requests,
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_is_handled(ctx: Context, case: Case, surface: str) -> None:
    seen = arm_and_run(ctx, case, surface).seen()

    # the one-sentence message, the status word, the text kept
    assert (seen.status, seen.error, seen.notice) == (case.status, case.error, case.notice)
    assert seen.text == case.text
    assert seen.sent == case.text, "the browser was sent exactly the text kept"
    assert seen.can_continue is case.can_continue
    # retries: as many requests as attempts, each wait shown
    assert prompt_requests(ctx.server) == seen.attempts == case.requests
    assert seen.retries_shown == case.retries_shown
    if surface in STREAM_VIEWS:
        assert seen.statuses == [
            "waiting",
            *(["retrying"] if case.requests > 1 else []),
            *(["streaming"] if case.text else []),
            case.status,
        ]
    # a silent server is given up on after the timeout, not waited for (its silence lasts
    # STALL; a busy machine only makes the wait longer than TIMEOUT, never shorter)
    if case.timeout == TIMEOUT:
        assert TIMEOUT <= seen.elapsed < STALL
    # the history holds finished exchanges only
    if surface in CHATS:
        exchange = [("user", PROMPT), ("model", case.text)] if case.recorded else []
        assert seen.history == seen.history_before + exchange


DOC = Path(__file__).resolve().parents[3] / "docs" / "reliability.md"


def test_docs_reliability_shows_this_table() -> None:
    """Every fault of ``CASES`` is a row of the matrix in docs/reliability.md."""
    rows = {line.split("|")[1].strip() for line in DOC.read_text().splitlines() if line[:1] == "|"}
    assert [case.label for case in CASES if case.label not in rows] == []


@pytest.mark.timeout(120)
def test_a_saved_chat_shows_a_failed_reply_with_its_partial_text(ctx: Context) -> None:
    case = next(c for c in CASES if c.id == "dropped")
    ctx.server.fail_next(case.fault, match=PROMPT)
    run = ChatRun(ctx, case, asynchronous=False)
    assert run.seen().text == PARTIAL
    saved = run.chat.view.static_markdown()
    assert PROMPT in saved and PARTIAL.strip() in saved and case.error in saved
