"""StreamView and Chat in a real marimo notebook (``marimo edit`` and ``marimo run``), in
Chromium: the answer grows while its cell runs, a chat takes two messages typed in the page,
and re-running another cell, or the chat's own, keeps the conversation. compare():
test_marimo_compare.py. The page (``marimo_page``) is conftest.py's."""

from __future__ import annotations

import re
import time

import pytest
from marimo_app import MarimoPage

pytestmark = pytest.mark.browser

STREAM_CELLS = (
    "import marimo as mo\nfrom gemini_widgets import stream",
    'result = stream("Explain binary search with a table and a code example",'
    ' model="gemini-2.5-pro")',
    # The last line of the answer, as plain words, to find at the end of the rendered body.
    "import re\n"
    'last_words = " ".join(re.findall(r"[A-Za-z]+", result.text.strip().splitlines()[-1]))\n'
    'mo.plain_text(f"LAST: {last_words} | {result.finish_reason}")',
)

CHAT_CELLS = (
    "from gemini_widgets import Chat",
    "chat = Chat()\nchat",
    "import time\nran_at = time.monotonic_ns()\nmo_ran = f'RAN {ran_at}'\nmo_ran",
)


def body_length(page: MarimoPage) -> int:
    return page.find(".gw-stream .gw-body", "el.textContent.length") or 0


def test_a_streamed_answer_grows_while_its_cell_runs_and_ends_complete(marimo_page):
    with marimo_page(STREAM_CELLS) as page:
        page.run_all()
        page.wait_for(".gw-stream", "el.dataset.status === 'streaming'")
        samples = []
        while page.find(".gw-stream", "el.dataset.status") in ("waiting", "streaming"):
            samples.append(body_length(page))
            time.sleep(0.1)
        page.screenshot("streamed")
        page.wait_for(".gw-stream", "el.dataset.status === 'done'")
        final = body_length(page)

        growing = [n for n in samples if 0 < n < final]
        # Seen in stages while the cell ran, each larger than the one before.
        assert len(set(growing)) >= 3, samples
        assert growing == sorted(growing), samples
        # Complete: the answer's last words are at the end of what is shown.
        summary = page.page.locator("text=/^LAST: /").first
        summary.wait_for()
        last_words, finish = re.match(r"LAST: (.*) \| (\S+)", summary.text_content()).groups()
        assert finish == "FinishReason.STOP"
        shown = " ".join(re.findall(r"[A-Za-z]+", page.find(".gw-body", "el.textContent")))
        assert shown.endswith(last_words), (shown[-200:], last_words)
        assert page.find(".gw-stream", "el.querySelector('h1, h2, h3') !== null")


def _send(page: MarimoPage, message: str, replies: int) -> None:
    box = page.page.locator(".gw-chat .gw-input")
    box.fill(message)
    box.press("Enter")
    page.wait_for(
        ".gw-chat",
        f"el.dataset.busy === 'false' && el.querySelectorAll('.gw-model .gw-body').length"
        f" === {replies} && el.querySelectorAll('.gw-model .gw-body')[{replies - 1}]"
        ".textContent.length > 50",
    )


def _chat_texts(page: MarimoPage) -> list[str]:
    return page.find(
        ".gw-chat",
        "[...el.querySelectorAll('.gw-user-text, .gw-model .gw-body')].map(n => n.textContent)",
    )


def test_a_chat_takes_two_messages_typed_in_the_page_and_keeps_them_when_cells_rerun(
    marimo_page,
):
    with marimo_page(CHAT_CELLS) as page:
        page.run_all()
        page.page.locator(".gw-chat .gw-input").wait_for()
        _send(page, "What is a heap?", 1)
        _send(page, "And how does it differ from a stack?", 2)
        texts = _chat_texts(page)
        assert texts[0] == "What is a heap?"
        assert texts[2] == "And how does it differ from a stack?"
        assert "heap" in texts[1].lower() and "stack" in texts[3].lower()
        page.screenshot("two-turns")

        # An unrelated cell runs again: the chat's cell does not, and nothing is lost.
        before = page.page.locator("text=/RAN \\d+/").first.text_content()
        page.run_cell("ran_at = time.monotonic_ns()")
        page.page.wait_for_function(
            "before => [...document.querySelectorAll('*')].some(e => e.childElementCount === 0"
            " && /RAN \\d+/.test(e.textContent) && e.textContent !== before)",
            arg=before,
        )
        assert _chat_texts(page) == texts

        # The chat's own cell runs again: a new view, the same conversation (kept under the
        # cell's id), which goes on.
        shown = "el.getRootNode().host.getAttribute('data-model-id')"
        before = page.find(".gw-chat", shown)
        page.run_cell("chat = Chat()")
        page.wait_for(".gw-chat", f"{shown} !== {before!r}")
        page.wait_for(".gw-chat", "el.querySelectorAll('.gw-model .gw-body').length === 2")
        page.wait_for(".gw-chat .gw-model .gw-body", "el.textContent.length > 50")
        assert _chat_texts(page) == texts
        _send(page, "Thanks, and a queue?", 3)
        assert "queue" in _chat_texts(page)[5].lower()
        page.screenshot("after-rerun")


def test_marimo_run_streams_the_answer_and_chats(marimo_page):
    cells = (*STREAM_CELLS, "from gemini_widgets import Chat\nchat = Chat()\nchat")
    with marimo_page(cells, mode="run") as page:
        # `marimo run` runs every cell when the page opens.
        page.wait_for(".gw-stream", "el.dataset.status === 'done'")
        assert body_length(page) > 500
        page.page.locator(".gw-chat .gw-input").wait_for()
        _send(page, "What is a trie?", 1)
        assert "trie" in _chat_texts(page)[1].lower()
        page.screenshot("run-mode")
