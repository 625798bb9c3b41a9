"""A long answer whose end is off screen, in real JupyterLab: while it streams, its view
renders at most every OFFSCREEN_RENDER_MS (view_parts.js), not on every delta; scrolled into
view it keeps up again, and it ends whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

VIEW_PARTS = Path(__file__).parents[2] / "js" / "src" / "view_parts.js"
OFFSCREEN_RENDER_S = (
    int(re.search(r"export const OFFSCREEN_RENDER_MS = (\d+);", VIEW_PARTS.read_text())[1]) / 1000
)
CHUNK_GAP = 0.05  # one delta a frame (the kernel's FRAME_INTERVAL): 20 a second
PARAGRAPH = "Paragraph {n}: " + "a streamed line of text " * 18 + "\n\n"  # ~450 characters

# 240 paragraphs (~110 KB, ~12 s): far past LONG_ANSWER_CHARS (16 KB), many screens tall,
# and still streaming when the test scrolls to its end.
SETUP = (
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Pacing\n"
    "server = offline_server()\n"
    f"server.state.pacing = Pacing(first_chunk=0.01, between=({CHUNK_GAP}, {CHUNK_GAP}))\n"
    f"_ = server.script(*[{PARAGRAPH!r}.format(n=n) for n in range(240)], prompt='long')"
)
STREAM = "from gemini_widgets import stream\nresult = stream('long')\nlen(result.text)"

# Each batch of changes to the first view's body is a render: count them, with their time.
RENDERS_JS = """() => {
    const body = document.querySelector('.gw-stream .gw-body');
    window.__gwRenders = [];
    new MutationObserver(() => window.__gwRenders.push(performance.now()))
        .observe(body, { childList: true, subtree: true, characterData: true });
}"""


def test_a_long_answer_off_screen_renders_less_and_catches_up_in_view(lab):
    lab.write(SETUP, STREAM).open()
    lab.run_all(wait=False)
    view = lab.wait_status("streaming")
    end = view.locator(".gw-end")
    # Past 16 KB, the view is many screens tall: its end is off screen (JupyterLab does not
    # scroll with an output).
    lab.wait_body_text(20_000)
    assert not end.evaluate(
        "node => { const r = node.getBoundingClientRect(); return r.top < 2 * innerHeight; }"
    )
    lab.page.evaluate(RENDERS_JS)
    began = lab.page.evaluate("() => performance.now()")
    lab.page.wait_for_timeout(2_000)
    renders, now = lab.page.evaluate("() => [window.__gwRenders.length, performance.now()]")
    window_s = (now - began) / 1000
    # On screen it would render each of the ~40 deltas; off screen, once per
    # OFFSCREEN_RENDER_S. A slow machine only widens the window, so the bound cannot fail for
    # being busy.
    assert renders <= window_s / OFFSCREEN_RENDER_S + 2, (renders, window_s)
    assert renders >= 1, "off screen, the answer still grows"
    lab.screenshot("end-off-screen")

    assert view.get_attribute("data-status") == "streaming"

    end.scroll_into_view_if_needed()
    shown = lab.page.evaluate("() => document.querySelector('.gw-stream .gw-body').textContent")
    last = int(shown.rsplit("Paragraph ", 1)[1].split(":")[0])
    lab.page.wait_for_function(
        """last => document.querySelector('.gw-stream .gw-body').textContent
            .includes(`Paragraph ${last + 1}:`)""",
        arg=last,
    )
    assert view.get_attribute("data-status") == "streaming"
    lab.screenshot("end-in-view")

    lab.wait_status("done")
    lab.wait_until_cells_ran()
    # The final display update makes a new view, which shows the rest of the answer on its
    # next frames (at most FRAME_CHARS a frame): wait for the last paragraph, then count.
    body = view.locator(".gw-body")
    expect(body).to_contain_text("Paragraph 239:")
    assert body.text_content().count("Paragraph ") == 240
