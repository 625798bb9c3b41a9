"""Recovery as a user sees it in JupyterLab: "retrying in N s (attempt k of n)" while a
refused request waits, and the Continue button completing a dropped answer (StreamView and
Chat) to exactly what an unbroken stream shows."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PROMPT = "Explain binary search trees, with examples, in 800 words"
SETUP = (
    "import json\n"
    "from gemini_widgets import Chat, stream\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault, Pacing\n"
    "server = offline_server()\n"
    "server.state.pacing = Pacing.instant()"
)
DROPPED = (
    f'whole = stream("{PROMPT}", seed=5)\n'
    "server.fail_next(Fault.drop(after=8))\n"
    f'cut = stream("{PROMPT}", seed=5)'
)
RETRIED = (
    # a 10 s wait: long enough that a busy page shows it, however late it renders
    "server.fail_next(Fault.http(503, retry_after=10))\n"
    'retried = stream("Say hello", background=True, seed=1)'
)
CHAT = (
    "from IPython.display import display\n"
    'chat = Chat(seed=2, key="recovery")\n'
    "display(chat)\n"
    'chat.send("Explain hash tables in 400 words")\n'
    "server.fail_next(Fault.drop(after=6))\n"
    'failed = chat.send("Now explain tries in 600 words")'
)


def test_continue_completes_a_dropped_answer(lab):
    lab.write(SETUP, DROPPED).open()
    lab.run_all()
    unbroken, cut = lab.stream_view(0), lab.stream_view(1)
    lab.wait_status("done", 0)
    lab.wait_status("error", 1)
    expect(cut.locator(".gw-error")).to_contain_text("The connection dropped after")
    proceed = cut.locator(".gw-continue")
    expect(proceed).to_be_visible()
    expect(unbroken.locator(".gw-continue")).to_be_hidden()
    kept = cut.locator(".gw-body").text_content()
    assert kept and len(kept) < len(unbroken.locator(".gw-body").text_content())
    lab.screenshot("dropped", locator=cut)

    proceed.click()
    lab.wait_status("done", 1)
    expect(proceed).to_be_hidden()
    expect(cut.locator(".gw-error")).to_be_hidden()
    lab.screenshot("continued", locator=cut)
    assert cut.locator(".gw-body").text_content() == unbroken.locator(".gw-body").text_content()
    same = lab.kernel_output("print(json.dumps([cut.text == whole.text, cut.continuations]))")
    assert json.loads(same.strip().splitlines()[-1]) == [True, 1]


def test_a_refused_request_shows_the_retry_countdown_then_streams(lab):
    lab.write(SETUP, RETRIED).open()
    lab.run_all(wait=False)
    view = lab.wait_status("retrying")
    notice = view.locator(".gw-notice")
    expect(notice).to_have_text(
        re.compile(r"^503 UNAVAILABLE: retrying in ([1-9]|10) s \(attempt 2 of 4\)\.$")
    )
    expect(view.locator(".gw-status")).to_have_text("retrying…")
    lab.screenshot("retrying", locator=view)
    lab.wait_status("done")
    expect(notice).to_be_hidden()
    expect(view.locator(".gw-body")).not_to_be_empty()


def test_chat_continue_finishes_the_reply_and_the_history(lab):
    lab.write(SETUP, CHAT).open()
    lab.run_all()
    chat = lab.page.locator(".gw-chat")
    last = chat.locator(".gw-message.gw-model").last
    expect(last).to_have_attribute("data-status", "error")
    expect(last.locator(".gw-retry")).to_be_visible()
    proceed = last.locator(".gw-continue")
    expect(proceed).to_be_visible()
    kept = len(last.locator(".gw-body").text_content())
    proceed.click()
    expect(chat).to_have_attribute("data-busy", "false")
    last = chat.locator(".gw-message.gw-model").last
    expect(last).to_have_attribute("data-status", "done")
    expect(last.locator(".gw-continue")).to_have_count(0)
    assert len(last.locator(".gw-body").text_content()) > kept
    lab.screenshot("chat-continued", locator=chat)
    facts = lab.kernel_output(
        "h = chat.history\n"
        "print(json.dumps([len(h), [c.role for c in h][-2:],"
        " ''.join(p.text for p in h[-1].parts) == chat.view.turns[-1]['reply'],"
        " chat.view.turns[-1]['reply'].startswith(failed.text)]))"
    )
    assert json.loads(facts.strip().splitlines()[-1])[1:] == [["user", "model"], True, True]
