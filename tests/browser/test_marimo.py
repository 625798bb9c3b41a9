"""StreamView and Chat in a real marimo notebook (``marimo edit`` and ``marimo run``), in
Chromium: the answer grows while its cell runs, a chat takes two messages typed in the page,
and re-running another cell, or the chat's own, keeps the conversation."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from marimo_app import MarimoPage, marimo_notebook, marimo_server
from playwright.sync_api import Browser, expect

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


@pytest.fixture
def marimo_page(browser: Browser, tmp_path, request: pytest.FixtureRequest) -> Iterator:
    """Open a page on a marimo server started for ``cells`` (``mode``: edit or run; ``width``:
    the notebook's)."""
    name = re.sub(r"[^\w-]+", "_", request.node.name)
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    pages: list[MarimoPage] = []

    @contextmanager
    def open_notebook(cells: tuple[str, ...], mode: str = "edit", width: str = "compact"):
        path = tmp_path / f"{name}.py"
        path.write_text(marimo_notebook(*cells, width=width), encoding="utf-8")
        with marimo_server(mode, path, tmp_path) as server:
            page = MarimoPage(context.new_page(), server, name)
            pages.append(page)
            yield page.open()

    try:
        yield open_notebook
    finally:
        report = getattr(request.node, "report_call", None)
        if (report is None or report.failed) and pages:
            try:
                pages[-1].screenshot("failure")
            except Exception as exc:
                print(f"(no failure screenshot: {exc})")
        context.close()


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


# ---- compare(): columns side by side, live, and the summary under them ---------------------

MODELS = ["gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro"]
COMPARE_SETUP = (
    "import marimo as mo\n"
    "from gemini_widgets import compare\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault, Pacing\n"
    "server = offline_server()\n"
    # Gemini-like gaps, each model at its pace, but no wait for the first chunk: every
    # column is streaming before the quickest one can end.
    "server.state.pacing = Pacing(first_chunk=0.0)"
)
COMPARE = f'result = compare("Explain how a lighthouse lens works.", models={MODELS!r}, seed=1)'
# What the cell that reads the result shows: each label, how its answer ended, and the
# answer's last word.
RESULT_CELL = (
    "import re\n"
    "mo.plain_text('RESULT: ' + ' '.join(\n"
    '    f\'{label}={"error" if s.error else "stopped" if s.stopped else s.finish_reason.name}:\'\n'
    "    f'{([None] + re.findall(r\"[A-Za-z]+\", s.text))[-1]}' for label, s in result.items()))"
)

# Each column's status and body length, in order (the views are in marimo's shadow roots).
COLUMNS_JS = """() => {
    const views = [];
    const walk = (root) => root.querySelectorAll('*').forEach((el) => {
        if (el.matches('.gw-stream')) views.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
    });
    walk(document);
    return views.map((view) => [
        view.dataset.status, view.querySelector('.gw-body')?.textContent.length ?? 0,
    ]);
}"""


# The box each column's answer scrolls in (the nearest element around the view's shadow
# host with a max-height), and the height of the answer in it.
SCROLLERS_JS = """() => {
    const views = [];
    const walk = (root) => root.querySelectorAll('*').forEach((el) => {
        if (el.matches('.gw-stream')) views.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
    });
    walk(document);
    return views.map((view) => {
        let box = view.getRootNode().host;
        while (box && getComputedStyle(box).maxHeight === 'none') {
            box = box.parentElement ?? box.getRootNode().host;
        }
        const { x, y, width, height } = box.getBoundingClientRect();
        return { x, y, width, height, content: view.getBoundingClientRect().height };
    });
}"""


def _columns(page: MarimoPage) -> list[list]:
    return page.page.evaluate(COLUMNS_JS)


def _result_line(page: MarimoPage) -> dict[str, str]:
    line = page.page.locator("text=/^RESULT: /").first
    line.wait_for()
    return dict(item.split("=", 1) for item in line.text_content().split()[1:])


def test_compare_streams_its_columns_side_by_side_with_the_summary_under_them(marimo_page):
    # A medium-wide notebook has room for three columns of COLUMN_MIN (a compact one, the
    # default, stacks the third under the first two).
    with marimo_page((COMPARE_SETUP, COMPARE, RESULT_CELL), width="medium") as page:
        page.run_all()
        page.wait_for(".gw-stream", "el.dataset.status === 'streaming'")
        samples = []
        while True:
            columns = _columns(page)
            samples.append(columns)
            if len(columns) == 3 and all(s not in ("waiting", "streaming") for s, _ in columns):
                break
            if len(columns) == 3 and all(s == "streaming" and n > 200 for s, n in columns):
                page.screenshot("compare-streaming")
            time.sleep(0.1)
        # Live: all three were streaming at once, each seen growing while the cell ran.
        together = [c for c in samples if len(c) == 3 and all(s == "streaming" for s, _ in c)]
        assert together, samples
        for index in range(3):
            seen = [c[index][1] for c in samples if len(c) == 3 and c[index][0] == "streaming"]
            assert len(set(seen)) >= 3 and seen == sorted(seen), (index, seen)
        assert [s for s, _ in samples[-1]] == ["done"] * 3

        # Side by side: one row, left to right, each under its label; a long answer scrolls
        # in its column.
        views = page.page.locator(".gw-stream")
        boxes = page.page.evaluate(SCROLLERS_JS)
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
        assert all(box["height"] < box["content"] for box in boxes), boxes
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        for label, box in zip(MODELS, boxes, strict=True):
            title = page.page.get_by_text(label, exact=True).first.bounding_box()
            assert title["y"] < box["y"] and abs(title["x"] - box["x"]) < 2, (title, box)

        # The summary under the columns: a column per model, each answer's finish.
        summary = page.page.locator(".gw-compare-summary table")
        summary.wait_for()
        assert summary.bounding_box()["y"] > max(box["y"] + box["height"] for box in boxes)
        heads = summary.locator("thead th")
        assert [heads.nth(i).text_content() for i in range(1, 4)] == MODELS
        finish = summary.locator("tbody tr[data-key='finish'] td")
        expect(finish.nth(2)).to_have_text("STOP")
        assert [finish.nth(i).text_content() for i in range(3)] == ["STOP"] * 3
        assert summary.locator(".gw-best").count() >= 3
        summary.scroll_into_view_if_needed()  # marimo scrolls a tall output in its cell
        page.screenshot("compare-summary")

        # The cell's value is the CompareResult: a cell that reads it sees every answer.
        shown = [views.nth(i).locator(".gw-body").text_content() for i in range(3)]
        result = _result_line(page)
        assert list(result) == MODELS
        assert all(value.startswith("STOP:") for value in result.values()), result
        for model, text in zip(MODELS, shown, strict=True):
            assert re.findall(r"[A-Za-z]+", text)[-1] == result[model].split(":")[1]
        page.screenshot("compare-done")


def test_compare_a_dropped_column_ends_in_error_while_the_others_finish(marimo_page):
    dropped = "server.fail_next(Fault.drop(after=4), model='gemini-2.5-pro')\n" + COMPARE
    setup = COMPARE_SETUP.replace("Pacing(first_chunk=0.0)", "Pacing.instant()")
    with marimo_page((setup, dropped, RESULT_CELL), width="medium") as page:
        page.run_all()
        result = _result_line(page)
        assert [s for s, _ in _columns(page)] == ["done", "done", "error"]
        assert result["gemini-2.5-pro"].startswith("error:")
        assert all(result[m].startswith("STOP:") for m in MODELS[:2]), result
        finish = page.page.locator(".gw-compare-summary tbody tr[data-key='finish'] td")
        expect(finish.nth(2)).to_have_text("error")
        assert [finish.nth(i).text_content() for i in range(2)] == ["STOP", "STOP"]
        views = page.page.locator(".gw-stream")
        others = [views.nth(i).locator(".gw-body").text_content() for i in range(2)]
        cut = views.nth(2).locator(".gw-body").text_content()
        page.screenshot("compare-dropped")

        # Its Continue (a message from the page, read once the cell has ended) goes on with
        # that answer alone, as a task on marimo's loop; the summary follows.
        views.nth(2).locator("button", has_text=re.compile("^Continue$")).click()
        page.wait_for(
            ".gw-compare-summary tbody tr[data-key='finish'] td:last-child",
            "el.textContent === 'STOP'",
        )
        assert [s for s, _ in _columns(page)] == ["done"] * 3
        whole = views.nth(2).locator(".gw-body").text_content()
        assert whole.startswith(cut.rstrip()[:40]) and len(whole) > len(cut)
        assert [views.nth(i).locator(".gw-body").text_content() for i in range(2)] == others
        page.screenshot("compare-continued")


BACKGROUND = "server.fail_next(Fault.slow(between=0.3), times=None)\n" + COMPARE.replace(
    "seed=1)", "seed=1, background=True)"
)
BACKGROUND_REPORT = (
    "states = result.result().values()\n"
    "mo.plain_text(f'BG done={result.done()} "
    'stopped={[getattr(s, "stopped", None) for s in states]} '
    'texts={[len(getattr(s, "text", "")) > 0 for s in states]}\')'
)


def test_compare_in_the_background_stops_every_column_from_one_stop(marimo_page):
    with marimo_page((COMPARE_SETUP, BACKGROUND, BACKGROUND_REPORT), width="medium") as page:
        page.run_all()
        # The cell returned at once: the compare streams as tasks on marimo's loop.
        page.page.locator("text=/^BG done=False/").first.wait_for()
        page.wait_for(".gw-stream", "el.dataset.status === 'streaming'")
        page.page.wait_for_function(
            f"() => ({COLUMNS_JS})().filter(([s, n]) => s === 'streaming' && n > 20).length === 3"
        )
        views = page.page.locator(".gw-stream")
        views.nth(2).locator("button", has_text=re.compile("^Stop$")).click()
        page.page.wait_for_function(f"() => ({COLUMNS_JS})().every(([s]) => s === 'stopped')")
        finish = page.page.locator(".gw-compare-summary tbody tr[data-key='finish'] td")
        expect(finish.nth(0)).to_have_text("stopped")
        assert [finish.nth(i).text_content() for i in range(3)] == ["stopped"] * 3
        page.screenshot("compare-stopped")

        page.run_cell("states = result.result().values()")
        line = page.page.locator("text=/^BG done=True/").first
        line.wait_for()
        assert line.text_content() == (
            "BG done=True stopped=[True, True, True] texts=[True, True, True]"
        )
