"""A notebook served by Voilà (the Jupyter server extension, at ``/voila/render/``): the
cells run when the page opens, a StreamView streams live in it, and a Chat typed into
replies. Voilà shows outputs only, with its own widget manager: no JupyterLab around."""

from __future__ import annotations

import re

import pytest
from notebook_page import write_notebook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CELLS = [
    "from gemini_widgets import Chat, stream\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault\n"
    "server = offline_server()",
    # Background: the page opens while it streams (0.3 s a chunk), so it is seen live.
    "server.fail_next(Fault.slow(between=0.3))\n"
    'run = stream("Explain binary search trees in 400 words", seed=5, background=True)',
    "chat = Chat(seed=4)\nchat",
]


@pytest.fixture
def voila_page(browser, lab_server, request):
    name = re.sub(r"[^\w-]+", "_", request.node.name)
    path = lab_server.root / f"{name}.ipynb"
    write_notebook(path, CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab_server.page_url(f"/voila/render/{path.name}"))
    try:
        yield page, errors
    finally:
        context.close()
        lab_server.reset()


def test_voila_shows_a_live_stream_view_and_a_chat_that_replies(voila_page, artifacts):
    page, errors = voila_page
    view = page.locator(".gw-stream")
    view.wait_for(timeout=120_000)
    # Live: the answer grows in the page while the kernel streams it.
    body = view.locator(".gw-body")
    page.wait_for_function(
        "() => document.querySelector('.gw-stream')?.dataset.status === 'streaming'"
        " && document.querySelector('.gw-stream .gw-body').textContent.length > 50",
        timeout=120_000,
    )
    seen_streaming = len(body.text_content())
    page.screenshot(path=str(artifacts / "voila-streaming.png"))
    expect(view).to_have_attribute("data-status", "done", timeout=120_000)
    assert len(body.text_content()) > seen_streaming
    expect(body.locator("h1, h2").first).to_be_visible()
    expect(view.locator(".gw-stats")).to_contain_text("tokens")

    chat = page.locator(".gw-chat")
    box = chat.locator(".gw-input")
    box.fill("What is a heap?")
    box.press("Enter")
    reply = chat.locator(".gw-message.gw-model").last
    expect(reply).to_have_attribute("data-status", "done", timeout=120_000)
    assert len(reply.locator(".gw-body").text_content()) > 100
    box.fill("And a trie?")
    box.press("Enter")
    expect(chat.locator(".gw-message.gw-model")).to_have_count(2, timeout=60_000)
    expect(chat.locator(".gw-message.gw-model").last).to_have_attribute(
        "data-status", "done", timeout=120_000
    )
    last = chat.locator(".gw-message.gw-model").last.locator(".gw-body")
    expect(last).to_contain_text(re.compile(r"\btrie\b", re.I))
    # The log follows the conversation to its end: the last reply is in view.
    log_end = chat.locator(".gw-messages").evaluate(
        "log => log.scrollHeight - log.scrollTop - log.clientHeight"
    )
    assert log_end < 48, f"the chat log is {log_end} px above its end"
    page.screenshot(path=str(artifacts / "voila-done.png"), full_page=True)
    chat.screenshot(path=str(artifacts / "voila-chat.png"))
    assert not errors, errors
