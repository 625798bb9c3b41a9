"""compare() in a real marimo notebook (``marimo edit``, and ``marimo run``), in Chromium:
the columns stream live side by side with the summary under them and another cell reads the
CompareResult; a dropped column ends in error while the others finish, and its Continue goes
on; one Stop stops a background compare; marimo's interrupt stops a blocking one, and marimo
shows the interruption in place of the cell's output (docs/frontends.md#marimo)."""

from __future__ import annotations

import re
import time

import pytest
from marimo_app import SHADOW_ALL_JS, MarimoPage
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

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
COLUMNS_JS = f"""() => ({SHADOW_ALL_JS})('.gw-stream').map((view) => [
    view.dataset.status, view.querySelector('.gw-body')?.textContent.length ?? 0,
])"""


# The box each column's answer scrolls in (the nearest element around the view's shadow
# host with a max-height), and the height of the answer in it.
SCROLLERS_JS = f"""() => ({SHADOW_ALL_JS})('.gw-stream').map((view) => {{
    let box = view.getRootNode().host;
    while (box && getComputedStyle(box).maxHeight === 'none') {{
        box = box.parentElement ?? box.getRootNode().host;
    }}
    const {{ x, y, width, height }} = box.getBoundingClientRect();
    return {{ x, y, width, height, content: view.getBoundingClientRect().height }};
}})"""


SUMMARY_LOOK_JS = """table => {
    const cell = getComputedStyle(table.querySelector('tbody td'));
    const best = getComputedStyle(table.querySelector('.gw-best'));
    return [cell.borderTopStyle, cell.borderTopWidth, best.backgroundColor];
}"""


def _columns(page: MarimoPage) -> list[list]:
    return page.page.evaluate(COLUMNS_JS)


def _wait_statuses(page: MarimoPage, statuses: list[str]) -> None:
    page.page.wait_for_function(
        f"statuses => JSON.stringify(({COLUMNS_JS})().map(([s]) => s))"
        " === JSON.stringify(statuses)",
        arg=statuses,
    )


def _wait_bodies(page: MarimoPage, condition: str, arg: object) -> None:
    """Wait until ``condition`` (a JS function of the columns' texts and ``arg``) holds."""
    page.page.wait_for_function(
        f"""arg => {{
            const texts = ({SHADOW_ALL_JS})('.gw-stream .gw-body').map((el) => el.textContent);
            return ({condition})(texts, arg);
        }}""",
        arg=arg,
    )


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
        boxes = page.page.evaluate(SCROLLERS_JS)
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
        assert all(box["height"] < box["content"] for box in boxes), boxes
        # Framed as in JupyterLab, with none of its variables (view_parts.css's :host).
        frame = page.page.locator(".gw-stream").first.evaluate(
            "el => [getComputedStyle(el).borderTopStyle, getComputedStyle(el).borderTopWidth]"
        )
        assert frame == ["solid", "1px"], frame
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
        # Ruled and the best marked in colour with no JupyterLab variables (their fallbacks).
        border, width, best = summary.evaluate(SUMMARY_LOOK_JS)
        assert border == "solid" and width != "0px", (border, width)
        assert best not in ("rgba(0, 0, 0, 0)", "transparent"), best
        summary.scroll_into_view_if_needed()  # marimo scrolls a tall output in its cell
        page.screenshot("compare-summary")

        # The cell's value is the CompareResult: a cell that reads it sees every answer,
        # whose last word each column shows at its end.
        result = _result_line(page)
        assert list(result) == MODELS
        assert all(value.startswith("STOP:") for value in result.values()), result
        _wait_bodies(
            page,
            "(texts, words) => texts.every((t, i) => "
            "(t.match(/[A-Za-z]+/g) ?? []).at(-1) === words[i])",
            [result[m].split(":")[1] for m in MODELS],
        )
        page.screenshot("compare-done")


def test_compare_a_dropped_column_ends_in_error_while_the_others_finish(marimo_page):
    dropped = "server.fail_next(Fault.drop(after=4), model='gemini-2.5-pro')\n" + COMPARE
    setup = COMPARE_SETUP.replace("Pacing(first_chunk=0.0)", "Pacing.instant()")
    with marimo_page((setup, dropped, RESULT_CELL), width="medium") as page:
        page.run_all()
        result = _result_line(page)
        # The page draws a status on its next frame, maybe after the next cell's output.
        _wait_statuses(page, ["done", "done", "error"])
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
        _wait_statuses(page, ["done"] * 3)
        # The page draws the text on its next frames, maybe after the status.
        _wait_bodies(page, "(texts, cut) => texts[2].length > cut", len(cut))
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
        _wait_statuses(page, ["stopped"] * 3)
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


# A few chunks, then one every 5 s: an answer takes minutes to end by itself, and the server
# sees a client that went away when it writes its next chunk.
CRAWLING = (
    "class CrawlAfterEight(Pacing):\n"
    "    def delay(self, sent, rng, pace=None):\n"
    "        return 0.05 if sent < 8 else 5.0\n"
    "server.state.pacing = CrawlAfterEight()\n" + COMPARE
)
# Waits until every request the server had has ended (the client went away).
ENDED_CELL = (
    "import time\n"
    "while not all(r.ended_at is not None for r in server.requests):\n"
    "    time.sleep(0.05)\n"
    "mo.plain_text(f'ENDED {len(server.requests)}')"
)


def test_compare_blocking_stops_at_marimos_interrupt_which_replaces_its_output(marimo_page):
    with marimo_page((COMPARE_SETUP, CRAWLING, ENDED_CELL), width="medium") as page:
        page.run_all()
        page.page.wait_for_function(
            f"() => ({COLUMNS_JS})().filter(([s, n]) => s === 'streaming' && n > 20).length === 3"
        )
        # A column's Stop cannot reach a running cell (marimo's kernel reads the page's
        # messages after it): it says to interrupt, and, since that replaces the output
        # here, how to stop and keep the answer (not that it is kept).
        views = page.page.locator(".gw-stream")
        views.nth(0).locator("button", has_text=re.compile("^Stop$")).click()
        hint = views.nth(0).get_by_text(re.compile("interrupt the cell to stop now"))
        expect(hint).to_be_visible()
        expect(hint).to_contain_text("run it with background=True")
        expect(hint).not_to_contain_text("is kept")
        page.screenshot("compare-stop-hint")
        page.page.locator("[data-testid=interrupt-button]").first.click()
        # marimo ends the cell as interrupted and shows that *instead of* its output (one
        # output per cell): the columns are gone from the page (docs/frontends.md#marimo).
        expect(page.page.get_by_text("This cell was interrupted").first).to_be_visible()
        expect(views).to_have_count(0)
        page.screenshot("compare-interrupted")
        # Every answer was stopped: the server saw each connection closed (by itself, none
        # would end for minutes).
        page.run_cell("while not all")
        line = page.page.locator("text=/^ENDED /").first
        line.wait_for()
        assert line.text_content() == "ENDED 3"


def test_marimo_run_shows_the_compare_side_by_side(marimo_page):
    with marimo_page((COMPARE_SETUP, COMPARE, RESULT_CELL), mode="run", width="medium") as page:
        # `marimo run` runs every cell when the page opens.
        result = _result_line(page)
        assert all(result[m].startswith("STOP:") for m in MODELS), result
        _wait_statuses(page, ["done"] * 3)
        boxes = page.page.evaluate(SCROLLERS_JS)
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        finish = page.page.locator(".gw-compare-summary tbody tr[data-key='finish'] td")
        expect(finish.nth(2)).to_have_text("STOP")
        page.screenshot("compare-run-mode")
