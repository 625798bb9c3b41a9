"""%%gemini in real JupyterLab: the cell's answer streams into a rendered view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_gemini_cell_magic_streams_into_a_rendered_view(lab):
    lab.write(
        "%load_ext gemini_widgets",
        "topic = 'binary search'",
        "%%gemini -t 0.2 --seed 4 -o answer\nExplain {topic} in 250 words, with code",
        "print(answer.finish_reason.value, len(answer.text) > 500, '{topic}' in answer.text)",
    ).open()
    lab.run_all(wait=False)
    view = lab.wait_status("streaming")
    lab.wait_body_text(100)
    lab.screenshot("streaming")
    lab.wait_status("done")
    lab.wait_until_cells_ran()
    view = lab.stream_view()
    assert view.locator(".gw-body h1, .gw-body h2").count() >= 1
    assert view.locator(".gw-body pre code .hljs-keyword").count() >= 1
    assert view.locator(".gw-body .katex").count() >= 1
    expect(view.locator(".gw-body")).to_contain_text("binary search")
    expect(view.locator(".gw-bar")).to_contain_text("gemini-2.5-flash")
    # The result is the cell's value (Out[n]) and stored by -o.
    expect(
        lab.page.locator(".jp-OutputArea-output").filter(has_text="STOP True False")
    ).to_be_visible()
    lab.screenshot("done")


def test_bad_option_prints_one_sentence_and_the_usage_line(lab):
    lab.write("%load_ext gemini_widgets", "%%gemini --temperature 7\nhello").open()
    lab.run_all()
    error = lab.page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )
    expect(error).to_contain_text("temperature must be between 0 and 2, got 7.0.")
    expect(error).to_contain_text("usage: %gemini [-m MODEL[,MODEL...]]")
    assert "Traceback" not in error.text_content()
    assert lab.page.locator(".gw-stream").count() == 0
    lab.screenshot("usage-error")
