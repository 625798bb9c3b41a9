"""StreamView in real JupyterLab: what a user sees while an answer streams, stops, fails,
reloads, is saved, and under the dark theme."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PROMPT = "Explain binary search in 300 words"
STREAM_CELL = f'from gemini_widgets import stream\nresult = stream("{PROMPT}", seed=1)'
INSTANT = (
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Pacing\n"
    "offline_server().state.pacing = Pacing.instant()"
)
SLOW = (
    "from gemini_widgets import stream\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault\n"
    "offline_server().fail_next(Fault.slow(between=0.3))"
)
LONG_PROMPT = "Explain binary search trees, with examples, in 1500 words"

# Records, every 50 ms, the status, body length and status-bar text of the first StreamView:
# "appears in stages" is then a fact about the page, not about when Python happened to look.
SAMPLER_JS = """() => {
    window.__gwSamples = [];
    window.__gwSampler = setInterval(() => {
        const view = document.querySelector('.gw-stream');
        if (!view) return;
        const body = view.querySelector('.gw-body');
        window.__gwSamples.push({
            status: view.dataset.status,
            length: body ? body.textContent.length : 0,
            bar: view.querySelector('.gw-bar').textContent,
        });
    }, 50);
}"""
SAMPLES_JS = "() => { clearInterval(window.__gwSampler); return window.__gwSamples; }"


def body_length(view) -> int:
    return view.locator(".gw-body").evaluate("node => node.textContent.length")


def test_answer_appears_in_stages_and_ends_rendered(lab):
    lab.write(STREAM_CELL).open()
    lab.page.evaluate(SAMPLER_JS)
    lab.run_all(wait=False)
    view = lab.wait_status("streaming")
    lab.wait_body_text(200)
    lab.screenshot("streaming")
    lab.wait_status("done")
    lab.wait_until_cells_ran()
    samples = lab.page.evaluate(SAMPLES_JS)
    lab.screenshot("done")

    streaming = [s["length"] for s in samples if s["status"] == "streaming"]
    stages = sorted(set(streaming))
    assert len(stages) >= 4, f"the text did not grow in stages while streaming: {stages}"
    assert streaming == sorted(streaming), "the text shrank while streaming"
    final = body_length(view)
    assert final > max(streaming)

    body = view.locator(".gw-body")
    expect(body.locator("h1, h2").first).to_be_visible()
    expect(body.locator("table")).to_have_count(1)
    expect(body.locator("pre code").first).to_be_visible()
    assert body.locator("pre code [class^='hljs-']").count() > 3, "code is not highlighted"
    assert body.locator(".katex").count() >= 2, "the inline and display math are not KaTeX"
    bar = view.locator(".gw-bar")
    expect(bar).to_contain_text("gemini-2.5-flash")
    expect(bar).to_contain_text(re.compile(r"tokens \d+ in / \d+ out"))
    # The estimated cost follows the tokens: the kernel's result.cost, to two digits.
    shown = re.search(r"tokens [^·]+ · ≈ \$(0\.0*\d\d)\b", bar.text_content())
    assert shown, bar.text_content()
    usd = float(lab.kernel_output("print(repr(result.cost.usd))"))
    assert float(shown[1]) == pytest.approx(usd, rel=0.05), (shown[1], usd)
    expect(view.locator(".gw-backend.gw-offline")).to_be_visible()
    expect(view.locator(".gw-backend")).to_contain_text("offline")
    expect(view.locator(".gw-stop")).to_be_hidden()
    expect(view.locator(".gw-error")).to_be_hidden()
    assert not lab.console.widget_errors(), lab.console.widget_errors()


def test_offline_badge_names_the_running_server(lab):
    # The first stream of a kernel starts the offline server; its badge should say where
    # the server is, not that it is not started.
    lab.write(STREAM_CELL).open()
    lab.run_all()
    view = lab.wait_status("done")
    lab.screenshot("badge", locator=view.locator(".gw-bar"))
    expect(view.locator(".gw-backend")).to_have_text(
        re.compile(r"^offline server \(http://127\.0\.0\.1:\d+\)$")
    )


def test_tokens_per_second_stays_believable_while_streaming(lab):
    # The offline server paces like Gemini (a few hundred tokens/s); the live status bar
    # should never claim millions.
    lab.write(STREAM_CELL).open()
    lab.page.evaluate(SAMPLER_JS)
    lab.run_all()
    lab.wait_status("done")
    samples = lab.page.evaluate(SAMPLES_JS)
    rates = [
        int(match.group(1))
        for sample in samples
        if (match := re.search(r"(\d+) tok/s", sample["bar"]))
    ]
    assert rates, "no tokens/s was shown"
    assert max(rates) < 20_000, f"tokens/s shown while streaming: {sorted(set(rates))}"


def test_stop_keeps_the_partial_text_of_a_background_stream(lab):
    lab.write(SLOW + f'\nrun = stream("{LONG_PROMPT}", seed=2, background=True)').open()
    lab.run_all()  # the cell returns at once: the stream runs as a task
    # A task reads Stop's message: no kernel handle is needed (as in VS Code or Colab).
    lab.give_widgets_no_kernel_handle()
    view = lab.wait_status("streaming")
    lab.wait_body_text(100)
    lab.screenshot("before-stop")
    view.locator(".gw-stop").click()
    lab.wait_status("stopped")
    lab.wait_final_display()
    kept = lab.wait_body_text(1)
    expect(view.locator(".gw-notice")).to_contain_text("partial answer is kept")
    expect(view.locator(".gw-stop")).to_be_hidden()
    # Stopped means stopped: at 0.3 s a chunk, a running stream would grow within 1.5 s.
    lab.page.wait_for_timeout(1500)
    assert view.locator(".gw-body").text_content() == kept, "the text grew after Stop"
    lab.screenshot("stopped")
    state = json.loads(
        lab.kernel_output(
            "import json; s = run.result(); print(json.dumps([run.done(), s.stopped, s.text]))"
        )
    )
    assert state[:2] == [True, True]
    assert 0 < len(state[2]) < 3000


def test_stop_on_a_blocking_cell_interrupts_the_kernel_and_keeps_the_text(lab):
    lab.write(SLOW + f'\nresult = stream("{LONG_PROMPT}", seed=3)').open()
    lab.run_all(wait=False)
    view = lab.wait_status("streaming")
    lab.wait_body_text(100)
    expect(lab.page.locator(".jp-InputPrompt").first).to_contain_text("*")  # still running
    view.locator(".gw-stop").click()
    lab.wait_status("stopped")
    lab.wait_until_cells_ran()
    lab.wait_final_display()
    kept = lab.wait_body_text(1)
    expect(view.locator(".gw-hint")).to_be_hidden()
    stderr = lab.page.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
    expect(stderr).to_contain_text("KeyboardInterrupt")
    lab.page.wait_for_timeout(1000)
    assert view.locator(".gw-body").text_content() == kept, "the text grew after Stop"
    lab.screenshot("stopped")


def test_stop_on_a_blocking_cell_with_no_kernel_handle_says_how_then_interrupts(lab):
    lab.write(SLOW + f'\nresult = stream("{LONG_PROMPT}", seed=3)').open()
    lab.run_all(wait=False)
    view = lab.wait_status("streaming")
    lab.wait_body_text(100)
    lab.give_widgets_no_kernel_handle()
    view.locator(".gw-stop").click()
    hint = view.locator(".gw-hint")
    expect(hint).to_contain_text("Kernel → Interrupt")
    expect(view).to_have_attribute("data-status", "streaming")  # a widget alone cannot stop it
    lab.screenshot("hint", locator=view)
    lab.give_widgets_no_kernel_handle(False)
    view.locator(".gw-stop").click()
    lab.wait_status("stopped")
    lab.wait_until_cells_ran()
    assert lab.wait_body_text(1).strip()


def test_dropped_connection_shows_the_error_beside_the_partial_text(lab):
    lab.write(
        "from gemini_widgets.client import offline_server\n"
        "from gemini_widgets.offline import Fault\n"
        "offline_server().fail_next(Fault.drop(after=10))",
        STREAM_CELL,
    ).open()
    lab.run_all()
    view = lab.wait_status("error")
    error = view.locator(".gw-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("connection dropped", re.I))
    text = json.loads(lab.kernel_output("import json; print(json.dumps(result.text))"))
    assert text, "the kernel kept no partial text"
    lab.wait_final_display()
    lab.wait_body_text(1)
    first_line = text.strip().splitlines()[0].lstrip("# ")
    expect(view.locator(".gw-body")).to_contain_text(first_line)
    lab.screenshot("error", locator=view)


def test_reload_shows_the_full_text(lab):
    lab.write(INSTANT, STREAM_CELL).open()
    lab.run_all()
    view = lab.wait_status("done")
    lab.wait_final_display()
    lab.page.wait_for_function(
        "() => document.querySelector('.gw-stream .gw-body table')"
        " && document.querySelector('.gw-stream .gw-body .katex')"
    )
    before = view.locator(".gw-body").inner_html()
    before_text = view.locator(".gw-body").text_content()
    lab.screenshot("before-reload")

    lab.save()  # a reload shows the notebook as saved; the kernel keeps the widget's model
    lab.page.reload()
    lab.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    view = lab.wait_status("done")
    expect(view.locator(".gw-body")).to_have_text(before_text, timeout=30_000)
    lab.screenshot("after-reload")
    assert view.locator(".gw-body").inner_html() == before


def test_saved_notebook_carries_the_answer_as_markdown(lab):
    lab.write(INSTANT, STREAM_CELL).open()
    lab.run_all()
    lab.wait_status("done")
    answer = json.loads(lab.kernel_output("import json; print(json.dumps(result.text))"))
    lab.save()

    outputs = lab.read().cells[1].outputs
    bundles = [o for o in outputs if o.output_type in ("display_data", "execute_result")]
    assert len(bundles) == 1, outputs
    data = bundles[0].data
    assert data.get("text/markdown") == answer
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "model_id" in data["application/vnd.jupyter.widget-view+json"]


def test_code_block_is_set_apart_from_the_next_paragraph(lab):
    # JupyterLab's own Markdown puts ~1.5em under a code block; an answer's code should not
    # run straight into the paragraph after it.
    lab.write(INSTANT, STREAM_CELL).open()
    lab.run_all()
    view = lab.wait_status("done")
    lab.wait_final_display()
    lab.wait_body_text(1000)
    pre = view.locator(".gw-body pre").first
    lab.screenshot("code", locator=view.locator(".gw-body"))
    gap = pre.evaluate(
        """pre => {
            const block = pre.closest('.gw-code') || pre;
            const next = block.nextElementSibling;
            return next.getBoundingClientRect().top - pre.getBoundingClientRect().bottom;
        }"""
    )
    assert gap >= 6, f"the paragraph after the code block starts {gap:.1f}px below it"


def test_dark_theme_recolours_the_answer(lab):
    lab.write(INSTANT, STREAM_CELL).open()
    lab.run_all()
    view = lab.wait_status("done")
    lab.wait_final_display()
    lab.wait_body_text(1000)
    body = view.locator(".gw-body")
    colours = """node => [
        getComputedStyle(node).color,
        getComputedStyle(node.closest('.gw-stream')).backgroundColor,
    ]"""
    light = body.evaluate(colours)
    lab.screenshot("light")
    with lab.dark_theme():
        lab.page.wait_for_function(
            "before => getComputedStyle(document.querySelector('.gw-stream .gw-body')).color"
            " !== before",
            arg=light[0],
        )
        dark = body.evaluate(colours)
        lab.screenshot("dark")
    assert dark[0] != light[0], "the answer's text colour ignores the theme"
    assert dark[1] != light[1], "the widget's background ignores the theme"


def test_second_display_of_a_view_streams_too(lab):
    # Two displays of one StreamView during a blocking stream: both show the answer grow,
    # and both end with the whole text. (The browser keeps one text store per model.)
    lab.write(
        SLOW + "\nfrom gemini_widgets import StreamView\n"
        'view = StreamView(model="gemini-2.5-flash")\n'
        "display(view)\n"
        "display(view)\n"
        f'result = stream("{PROMPT}", seed=4, view=view)'
    ).open()
    lab.run_all(wait=False)
    lab.wait_status("streaming", index=1)
    lab.wait_body_text(50, index=0)
    lab.wait_body_text(50, index=1)
    lab.screenshot("both-streaming")
    lab.wait_until_cells_ran(timeout=120_000)
    lab.wait_final_display()
    answer = json.loads(lab.kernel_output("import json; print(json.dumps(result.text))"))
    last_line = answer.strip().splitlines()[-1].strip("_ ")
    for index in (0, 1):
        expect(lab.stream_view(index)).to_have_attribute("data-status", "done")
        expect(lab.stream_view(index).locator(".gw-body")).to_contain_text(last_line)


def test_output_view_opened_mid_stream_shows_the_answer(lab):
    # "Create New View for Cell Output" while a blocking cell streams: the new view should
    # show the text so far and follow the stream, as the cell's own view does.
    lab.write(SLOW + f'\nresult = stream("{PROMPT}", seed=5)').open()
    lab.run_all(wait=False)
    lab.wait_status("streaming")
    lab.wait_body_text(100)
    lab.page.locator(".jp-OutputArea-output").first.click(button="right")
    lab.page.locator(".lm-Menu-itemLabel", has_text="Create New View for Cell Output").click()
    linked = lab.page.locator(".jp-LinkedOutputView .gw-stream")
    expect(linked).to_have_attribute("data-status", "streaming")
    try:  # the text so far, while the answer still streams (not the final display update)
        lab.page.wait_for_function(
            """() => {
                const view = document.querySelector('.jp-LinkedOutputView .gw-stream');
                return view?.dataset.status === 'streaming'
                    && view.querySelector('.gw-body').textContent.length > 100;
            }"""
        )
    finally:
        lab.screenshot("output-view")
    lab.wait_until_cells_ran(timeout=120_000)
    expect(linked).to_have_attribute("data-status", "done")
    lab.wait_final_display()
    cell_text = lab.wait_body_text(1000)
    expect(linked.locator(".gw-body")).to_have_text(cell_text)
    assert not [e for e in lab.console.errors if "timed out" in e], lab.console.errors
