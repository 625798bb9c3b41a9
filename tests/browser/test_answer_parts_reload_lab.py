"""A page reload while an answer with parts still streams: the new view asks the kernel for
the answer so far (a snapshot), shows the code run it already has, then follows the rest of
the stream (text, grounding) without showing any part twice.

The offline server replays recorded chunks with their recorded pauses (the replay file's
``x-chunk-delays``): the code and its output come at once, then the answer holds for a long
pause before its last chunk, so the reload lands mid-stream however slow the page is.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from replay_files import answer_chunk, stream_interaction

pytestmark = pytest.mark.browser

PROMPT = "parts-mid-stream"
HOLD = 25.0
"""Seconds before the last chunk: the window in which the page reloads."""
CODE = "total = sum(range(10))\nprint('total', total)\n"
SOURCE = {"web": {"uri": "https://reference.example/sums", "title": "reference.example"}}
BEFORE_HOLD = "Counting first.\n\n"
AFTER_CODE = "\n\nThe code printed the total. "
LAST = "It is forty-five.\n"


def replay_file() -> dict:
    text = BEFORE_HOLD + AFTER_CODE + LAST
    start = len((BEFORE_HOLD + AFTER_CODE).encode())  # UTF-8 bytes, as Gemini counts
    chunks = [
        answer_chunk({"text": BEFORE_HOLD}),
        answer_chunk({"executableCode": {"language": "PYTHON", "code": CODE}}),
        answer_chunk({"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "total 45\n"}}),
        answer_chunk({"text": AFTER_CODE}),
        answer_chunk(
            {"text": LAST},
            finishReason="STOP",
            groundingMetadata={
                "webSearchQueries": ["sum of the first ten numbers"],
                "groundingChunks": [SOURCE],
                "groundingSupports": [
                    {
                        "segment": {"startIndex": start, "endIndex": len(text.encode()) - 1},
                        "groundingChunkIndices": [0],
                    }
                ],
            },
        ),
    ]
    delays = [0.05, 0.05, 0.05, 0.05, HOLD]
    return {
        "replay_id": "parts-mid-stream",
        "interactions": [stream_interaction(PROMPT, chunks, delays)],
    }


# The view is mid-stream and already shows the code run with its outcome: both at once.
MID_STREAM_JS = """() => {
    const view = document.querySelector('.gw-stream');
    return view?.dataset.status === 'streaming'
        && view.querySelector('.gw-code-run .gw-outcome')?.dataset.outcome === 'ok'
        && view.querySelector('.gw-body').textContent.includes('The code printed');
}"""


def test_reload_mid_stream_shows_the_parts_so_far_then_the_rest(lab):
    replay = lab.server.root / "parts_mid_stream_replay.json"
    replay.write_text(json.dumps(replay_file()), encoding="utf-8")
    lab.write(
        "from gemini_widgets import stream\n"
        "from gemini_widgets.client import offline_server\n"
        f"offline_server().replay({str(replay)!r})\n"
        f"run = stream({PROMPT!r}, background=True)"
    ).open()
    lab.run_all()  # the cell returns at once: the stream runs as a task
    lab.page.wait_for_function(MID_STREAM_JS)
    lab.screenshot("before-reload", locator=lab.stream_view(0))
    lab.save()  # a reload shows the notebook as saved, with the view's output
    lab.page.reload()
    lab.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    lab.page.wait_for_function(MID_STREAM_JS)  # a new view, made mid-stream: a snapshot
    view = lab.stream_view(0)
    lab.screenshot("reloaded-mid-stream", locator=view)
    expect(view.locator(".gw-code-run")).to_have_count(1)
    expect(view.locator(".gw-cite")).to_have_count(0)
    # The status line's numbers come with the snapshot, not only with the next delta.
    expect(view.locator(".gw-stats")).to_contain_text("first token")

    lab.wait_status("done", timeout=(HOLD + 60) * 1000)
    body = view.locator(".gw-body")
    expect(body).to_contain_text("It is forty-five.")
    expect(view.locator(".gw-code-run")).to_have_count(1)  # not twice: snapshot + deltas
    expect(view.locator(".gw-code-run code")).to_have_text(CODE)
    expect(view.locator(".gw-segment")).to_have_count(2)
    order = view.evaluate(
        """view => [...view.querySelectorAll('.gw-segment, .gw-code-run')].map((node) => {
            if (node.classList.contains('gw-code-run')) return 'code';
            const copy = node.cloneNode(true);
            copy.querySelectorAll('.gw-cite').forEach((marker) => marker.replaceWith('^'));
            return copy.textContent.trim();
        })"""
    )
    assert order == ["Counting first.", "code", "The code printed the total. It is forty-five.^"]
    marker = view.locator(".gw-segment .gw-cite a")
    expect(marker).to_have_text("[1]")
    expect(marker).to_have_attribute("href", SOURCE["web"]["uri"])
    expect(view.locator(".gw-source-list li")).to_have_text(["reference.example"])
    kept = json.loads(lab.kernel_output("import json; print(json.dumps(run.result().text))"))
    assert kept == BEFORE_HOLD + AFTER_CODE + LAST
    lab.screenshot("reloaded-done", locator=view)
    assert not lab.console.widget_errors(), lab.console.widget_errors()
