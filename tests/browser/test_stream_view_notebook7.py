"""StreamView in Notebook 7 (``jupyter notebook``): the same widget, another front end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STREAM_CELL = (
    "from gemini_widgets import stream\n"
    'result = stream("Explain binary search in 300 words", seed=1)'
)


def test_answer_renders_in_notebook_7(notebook7):
    notebook7.write(STREAM_CELL).open()
    notebook7.run_all()
    view = notebook7.wait_status("done")
    notebook7.wait_final_display()
    notebook7.wait_body_text(1000)
    body = view.locator(".gw-body")
    expect(body.locator("h1, h2").first).to_be_visible()
    expect(body.locator("table")).to_have_count(1)
    expect(body.locator("pre code").first).to_be_visible()
    assert body.locator("pre code [class^='hljs-']").count() > 3, "code is not highlighted"
    assert body.locator(".katex").count() >= 2
    expect(view.locator(".gw-bar")).to_contain_text(re.compile(r"gemini-2\.5-flash.*tokens"))
    expect(view.locator(".gw-backend.gw-offline")).to_be_visible()
    notebook7.screenshot("done")
    assert not notebook7.console.widget_errors(), notebook7.console.widget_errors()


def test_stop_on_a_blocking_cell_interrupts_the_kernel_in_notebook_7(notebook7):
    notebook7.write(
        "from gemini_widgets import stream\n"
        "from gemini_widgets.client import offline_server\n"
        "from gemini_widgets.offline import Fault\n"
        "offline_server().fail_next(Fault.slow(between=0.3))\n"
        'result = stream("Explain binary search trees in 1500 words", seed=3)'
    ).open()
    notebook7.run_all(wait=False)
    view = notebook7.wait_status("streaming")
    notebook7.wait_body_text(100)
    view.locator(".gw-stop").click()
    notebook7.wait_status("stopped")
    notebook7.wait_until_cells_ran()
    notebook7.wait_final_display()
    assert notebook7.wait_body_text(1).strip()
    stderr = notebook7.page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )
    expect(stderr).to_contain_text("KeyboardInterrupt")
    notebook7.screenshot("stopped")
