"""compare() in real JupyterLab: three models stream at once into columns side by side (stacked
on a narrow page), the summary under them marks the best of each row, both read in the
light and the dark theme, the saved notebook has every answer under its label and the
summary as a table, one Stop stops every column, and a label is shown as text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MODELS = ["gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro"]
SETUP = (
    "from gemini_widgets import compare\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault, Pacing\n"
    # Gemini-like gaps, each model at its pace, but no wait for the first chunk: every
    # column is streaming before the quickest one can end.
    "offline_server().state.pacing = Pacing(first_chunk=0.0)"
)
COMPARE = f'result = compare("Explain how a lighthouse lens works.", models={MODELS!r}, seed=1)'

# Each view's status changes, in order, recorded as they happen (not polled).
STATUS_LOG_JS = """() => {
    window.__gwStatuses = [];
    const seen = new Map();
    const record = () => document.querySelectorAll('.gw-compare .gw-stream').forEach((view, i) => {
        const status = view.dataset.status;
        if (seen.get(i) !== status) {
            seen.set(i, status);
            window.__gwStatuses.push([i, status]);
        }
    });
    new MutationObserver(record).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
    });
    record();
}"""

COLOURS_JS = """compare => [
    getComputedStyle(compare.querySelector('.gw-compare-summary td')).color,
    getComputedStyle(compare.querySelector('.gw-compare-summary thead th')).backgroundColor,
    getComputedStyle(compare.querySelector('.gw-best')).color,
    getComputedStyle(compare.querySelector('.gw-compare-label')).color,
]"""


def _boxes(lab) -> list[dict[str, float]]:
    columns = lab.page.locator(".gw-compare-column")
    return [columns.nth(i).bounding_box() for i in range(columns.count())]


def _wait_all(lab, status: str) -> None:
    _wait_all_of(lab, len(MODELS), status)


def _wait_all_of(lab, count: int, status: str) -> None:
    for index in range(count):
        lab.wait_status(status, index=index)


def test_three_models_stream_side_by_side_with_a_summary_in_light_and_dark(lab):
    lab.write(SETUP, COMPARE).open()
    lab.page.evaluate(STATUS_LOG_JS)
    lab.run_all(wait=False)
    lab.wait_status("streaming", index=2)
    lab.wait_body_text(200, index=0)
    compare = lab.page.locator(".gw-compare")
    lab.screenshot("streaming", locator=compare)
    lab.wait_until_cells_ran()
    _wait_all(lab, "done")
    lab.wait_final_display()

    # All three streamed at once: each was streaming before any was done.
    statuses = lab.page.evaluate("() => window.__gwStatuses")
    first_done = next(n for n, (_, status) in enumerate(statuses) if status == "done")
    began = {i for i, status in statuses[:first_done] if status == "streaming"}
    assert began == {0, 1, 2}, statuses

    # Side by side: one row, left to right, each column with its label and its own answer.
    boxes = _boxes(lab)
    assert len(boxes) == 3
    assert len({round(box["y"]) for box in boxes}) == 1
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    labels = [lab.page.locator(".gw-compare-label").nth(i).text_content() for i in range(3)]
    assert labels == MODELS
    texts = [lab.stream_view(i).locator(".gw-body").text_content() for i in range(3)]
    assert len(set(texts)) == 3 and all(len(text) > 200 for text in texts)

    # The summary under the columns: a column per model, a row per measure, a best marked.
    summary = compare.locator(".gw-compare-summary table")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] > max(box["y"] + box["height"] for box in boxes) - 1
    heads = summary.locator("thead th")
    assert [heads.nth(i).text_content() for i in range(1, 4)] == MODELS
    rows = summary.locator("tbody th")
    titles = [rows.nth(i).text_content() for i in range(rows.count())]
    assert titles[:3] == ["first token", "total time", "tokens/s"]
    assert "estimated cost" in titles and "finish" in titles
    finish = summary.locator("tbody tr[data-key='finish'] td")
    assert [finish.nth(i).text_content() for i in range(3)] == ["STOP"] * 3
    assert summary.locator(".gw-best").count() >= 3
    expect(summary.locator("tr[data-key='tokens_per_second'] .gw-best")).to_contain_text("★")

    compare.scroll_into_view_if_needed()
    light = compare.evaluate(COLOURS_JS)
    lab.screenshot("light", locator=compare)
    with lab.dark_theme():
        lab.page.wait_for_function(
            "before => getComputedStyle(document.querySelector('.gw-compare-summary td'))"
            ".color !== before",
            arg=light[0],
        )
        dark = compare.evaluate(COLOURS_JS)
        lab.screenshot("dark", locator=compare)
    names = ("cell text", "header background", "best", "label")
    unchanged = [name for name, a, b in zip(names, light, dark, strict=True) if a == b]
    assert not unchanged, f"these keep their light-theme colour: {unchanged}"

    # A narrow page stacks the columns, one under the other.
    lab.page.set_viewport_size({"width": 560, "height": 1000})
    lab.page.wait_for_function(
        """() => {
            const x = [...document.querySelectorAll('.gw-compare-column')]
                .map((column) => column.getBoundingClientRect().x);
            return x.length === 3 && x[0] === x[1] && x[1] === x[2];
        }"""
    )
    boxes = _boxes(lab)
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    lab.screenshot("narrow", locator=lab.page.locator(".gw-compare-column").first)

    # The saved notebook: every answer under its label, then the summary as a table.
    lab.save()
    outputs = lab.read().cells[1].outputs
    saved = next(o for o in outputs if "text/markdown" in o.get("data", {}))["data"]
    markdown = saved["text/markdown"]
    for label, text in zip(MODELS, texts, strict=True):
        assert f"### {label}" in markdown
        assert text.split("\n")[0][:40] in markdown
    assert "| | gemini-2.5-flash-lite | gemini-2.5-flash | gemini-2.5-pro |" in markdown
    assert "| finish | STOP | STOP | STOP |" in markdown
    assert "application/vnd.jupyter.widget-view+json" in saved
    assert not lab.console.widget_errors(), lab.console.widget_errors()


def test_one_stop_button_stops_every_column(lab):
    background = (
        "server = offline_server()\n"
        "server.fail_next(Fault.slow(between=0.3), times=None)\n"
        + COMPARE.replace("seed=1)", "seed=1, background=True)")
    )
    lab.write(SETUP, background).open()
    lab.run_all()
    _wait_all(lab, "streaming")
    lab.wait_body_text(20, index=2)
    stop = lab.stream_view(2).locator("button", has_text=re.compile("^Stop$"))
    stop.click()
    _wait_all(lab, "stopped")
    lab.screenshot("stopped", locator=lab.page.locator(".gw-compare"))
    finish = lab.page.locator(".gw-compare-summary tbody tr[data-key='finish'] td")
    expect(finish.nth(0)).to_have_text("stopped")
    assert [finish.nth(i).text_content() for i in range(3)] == ["stopped"] * 3
    out = lab.kernel_output(
        "server.faults.clear()\n"
        "r = result.result()\n"
        "print(result.done(), [s.stopped for s in r.values()], all(s.text for s in r.values()))"
    )
    assert out.split() == ["True", "[True,", "True,", "True]", "True"]


def test_labels_are_shown_as_text(lab):
    labels = ['<img src=x onerror="window.__gwPwned = 1">', "<b>t=1</b> **bold**"]
    variants = {labels[0]: {"temperature": 0}, labels[1]: {"temperature": 1}}
    lab.write(
        SETUP.replace("Pacing(first_chunk=0.0)", "Pacing.instant()"),
        f'result = compare("Explain tides.", variants={variants!r})',
    ).open()
    lab.run_all()
    _wait_all_of(lab, 2, "done")
    compare = lab.page.locator(".gw-compare")
    shown = [compare.locator(".gw-compare-label").nth(i).text_content() for i in range(2)]
    heads = compare.locator(".gw-compare-summary thead th")
    assert shown == labels
    assert [heads.nth(i).text_content() for i in (1, 2)] == labels
    assert compare.locator(".gw-compare-label img, .gw-compare-label b, thead img").count() == 0
    assert lab.page.evaluate("() => window.__gwPwned") is None
    lab.screenshot("labels", locator=compare.locator(".gw-compare-summary"))
    lab.wait_final_display()
    lab.save()
    outputs = lab.read().cells[1].outputs
    saved = next(o for o in outputs if "text/markdown" in o.get("data", {}))["data"]
    # Raw HTML that could fetch is escaped in the saved Markdown (safe_markdown.py); a
    # <b> with no attribute, which cannot, is left.
    assert "<img" not in saved["text/markdown"] and "### &lt;img src=x" in saved["text/markdown"]


def test_a_dropped_column_continues_on_its_own_and_the_summary_follows(lab):
    dropped = "offline_server().fail_next(Fault.drop(after=4), model='gemini-2.5-pro')\n" + COMPARE
    lab.write(SETUP.replace("Pacing(first_chunk=0.0)", "Pacing.instant()"), dropped).open()
    lab.run_all()
    lab.wait_status("done", index=0)
    lab.wait_status("done", index=1)
    pro = lab.wait_status("error", index=2)
    finish = lab.page.locator(".gw-compare-summary tbody tr[data-key='finish'] td")
    expect(finish.nth(2)).to_have_text("error")
    others = [lab.stream_view(i).locator(".gw-body").text_content() for i in range(2)]
    cut = pro.locator(".gw-body").text_content()

    pro.locator("button", has_text=re.compile("^Continue$")).click()
    lab.wait_status("done", index=2)
    expect(finish.nth(2)).to_have_text("STOP")
    whole = pro.locator(".gw-body").text_content()
    assert whole.startswith(cut.rstrip()[:40]) and len(whole) > len(cut)
    assert [lab.stream_view(i).locator(".gw-body").text_content() for i in range(2)] == others
    lab.screenshot("continued", locator=lab.page.locator(".gw-compare"))
    out = lab.kernel_output(
        "print([s.ok for s in result.values()], result['gemini-2.5-pro'].continuations)"
    )
    assert out.split() == ["[True,", "True,", "True]", "1"]
