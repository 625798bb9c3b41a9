"""The Chat widget in real JupyterLab: type, Enter, watch the reply stream and render; Stop,
Regenerate, Clear, a reload, the dark theme."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAT_CELL = "from gemini_widgets import Chat\nchat = Chat(seed=3)\nchat"
NEVER = 60.0
"""Seconds to wait for what happens at once unless the code is broken."""
HELPERS = (
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault\n"
    "def exchanges(chat):\n"
    "    return sum(1 for c in chat.history if c.role == 'user')"
)


def send(lab, text: str) -> None:
    """Type ``text`` and press Enter; return once the kernel took it: its turn is in the
    chat (turns come from the kernel). Not "the chat is busy": a short reply can be over
    before a busy page shows that."""
    asked = lab.page.locator(".gw-chat .gw-message.gw-user")
    before = asked.count()
    box = lab.page.locator(".gw-chat .gw-input")
    box.fill(text)
    box.press("Enter")
    expect(asked).to_have_count(before + 1)


def kernel_requests(lab) -> int:
    return int(lab.kernel_output("print(len(offline_server().requests))"))


def wait_kernel_requests(lab, count: int) -> None:
    """Until the offline server has ``count`` requests (a click reached the kernel)."""
    deadline = time.monotonic() + NEVER
    while kernel_requests(lab) < count:
        assert time.monotonic() < deadline, f"fewer than {count} requests after the click"
        lab.page.wait_for_timeout(100)


def wait_idle_chat(lab, timeout: float = 60_000) -> None:
    expect(lab.page.locator(".gw-chat")).to_have_attribute("data-busy", "false", timeout=timeout)


def model_messages(lab):
    return lab.page.locator(".gw-chat .gw-message.gw-model")


def test_typing_a_message_streams_a_rendered_reply(lab):
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    chat = lab.page.locator(".gw-chat")
    chat.wait_for()
    # ~12 s of streaming (0.2 s a chunk): long enough that a busy page sees it stream
    lab.kernel_output("offline_server().fail_next(Fault.slow(between=0.2))")
    send(lab, "Explain how tides work in 250 words")
    expect(lab.page.locator(".gw-chat .gw-message.gw-user")).to_have_text(
        re.compile("Explain how tides work")
    )
    expect(chat).to_have_attribute("data-busy", "true")
    live = model_messages(lab).last
    expect(live).to_have_attribute("data-status", "streaming")
    lab.page.wait_for_function(
        "() => document.querySelector('.gw-chat .gw-model .gw-body')?.textContent.length > 100"
    )
    lab.screenshot("streaming")
    wait_idle_chat(lab)
    reply = model_messages(lab).last
    expect(reply).to_have_attribute("data-status", "done")
    assert reply.locator(".gw-body h1, .gw-body h2").count() >= 1
    assert reply.locator(".gw-body table").count() >= 1
    assert reply.locator(".gw-body pre code").count() >= 1
    expect(reply.locator(".gw-turn-stats")).to_contain_text(re.compile(r"tokens .* · ≈ \$0\.0"))
    total = lab.page.locator(".gw-chat .gw-chat-cost")
    expect(total).to_have_text(re.compile(r"^≈ \$0\.0*\d\d so far$"))
    usd = float(lab.kernel_output("print(repr(chat.cost.usd))"))
    assert float(re.search(r"\$([\d.]+)", total.text_content())[1]) == pytest.approx(usd, rel=0.05)
    expect(lab.page.locator(".gw-chat .gw-backend.gw-offline")).to_be_visible()
    lab.screenshot("done")
    # The input box was cleared and the SDK history holds the exchange.
    assert lab.page.locator(".gw-chat .gw-input").input_value() == ""
    assert lab.kernel_output("print(exchanges(chat))").strip() == "1"


def test_stop_keeps_the_partial_reply_and_offers_retry(lab):
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    lab.kernel_output("offline_server().fail_next(Fault.slow(between=0.25))")
    send(lab, "Write 1500 words about the history of clocks")
    lab.page.wait_for_function(
        "() => document.querySelector('.gw-chat .gw-model .gw-body')?.textContent.length > 30"
    )
    lab.page.locator(".gw-chat .gw-send").click()  # the Send button is Stop while busy
    wait_idle_chat(lab)
    stopped = model_messages(lab).last
    expect(stopped).to_have_attribute("data-status", "stopped")
    partial = stopped.locator(".gw-body").text_content()
    assert len(partial) > 30
    expect(stopped.locator(".gw-retry")).to_be_visible()
    lab.screenshot("stopped")
    assert lab.kernel_output("print(exchanges(chat))").strip() == "0"


def test_regenerate_replaces_the_reply_and_clear_empties_the_chat(lab):
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    send(lab, "Name three rivers")
    wait_idle_chat(lab)
    requests_before = kernel_requests(lab)
    lab.page.locator(".gw-chat .gw-regenerate").click()
    wait_kernel_requests(lab, requests_before + 1)  # the new reply, however short, began
    wait_idle_chat(lab)
    expect(model_messages(lab)).to_have_count(1)
    state = json.loads(
        lab.kernel_output(
            "import json; r = offline_server().requests\n"
            "print(json.dumps({'n': exchanges(chat), 'requests': len(r),"
            " 'sent': [c['parts'][0]['text'] for c in r[-1].body['contents']]}))"
        )
    )
    assert state["n"] == 1  # replaced, not added
    assert state["requests"] == requests_before + 1
    assert state["sent"] == ["Name three rivers"]  # the old reply was not sent back
    lab.page.locator(".gw-chat .gw-clear").click()
    expect(lab.page.locator(".gw-chat .gw-message")).to_have_count(0)
    assert lab.kernel_output("print(exchanges(chat))").strip() == "0"


def test_reload_shows_the_whole_conversation(lab):
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    send(lab, "Hello there")
    wait_idle_chat(lab)
    send(lab, "Tell me about volcanoes in 100 words")
    wait_idle_chat(lab)
    before = [m.text_content() for m in lab.page.locator(".gw-chat .gw-message").all()]
    assert len(before) == 4
    lab.save()  # a reload shows the file on disk, as in any notebook
    lab.page.reload()
    lab.page.locator(".gw-chat").first.wait_for()
    lab.page.locator(".gw-chat .gw-message").first.wait_for()
    expect(lab.page.locator(".gw-chat .gw-message")).to_have_count(4)
    after = [m.text_content() for m in lab.page.locator(".gw-chat .gw-message").all()]
    assert after == before
    lab.screenshot("reloaded")


def test_dark_theme(lab):
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    send(lab, "Show me a Python function that reverses a string")
    wait_idle_chat(lab)
    light = lab.page.locator(".gw-chat .gw-model .gw-body").last.evaluate(
        "node => getComputedStyle(node).color"
    )
    with lab.dark_theme():
        lab.page.wait_for_function(  # the new colours applied, however long a busy page takes
            """before => {
                const bodies = document.querySelectorAll('.gw-chat .gw-model .gw-body');
                return getComputedStyle(bodies[bodies.length - 1]).color !== before;
            }""",
            arg=light,
        )
        dark = lab.page.locator(".gw-chat .gw-model .gw-body").last.evaluate(
            "node => getComputedStyle(node).color"
        )
        lab.screenshot("dark", locator=lab.page.locator(".gw-chat"))
    assert light != dark


def test_attached_files_reach_the_model_as_parts(lab, tmp_path):
    """The Attach button's file picker: chips show the chosen files, and the message goes
    out with each file as inline data of its type."""
    image = tmp_path / "chart.png"
    image.write_bytes(bytes.fromhex("89504e470d0a1a0a") + b"\0" * 64)
    notes = tmp_path / "notes.txt"
    notes.write_text("tide tables for Lisbon", encoding="utf-8")
    lab.write(CHAT_CELL, HELPERS).open()
    lab.run_all()
    chat = lab.page.locator(".gw-chat")
    chat.wait_for()
    lab.page.locator(".gw-chat .gw-files").set_input_files([str(image), str(notes)])
    expect(chat.locator(".gw-chips .gw-chip")).to_have_text(["chart.png", "notes.txt"])
    send(lab, "What do these show?")
    wait_idle_chat(lab)
    expect(chat.locator(".gw-chips .gw-chip")).to_have_count(0)  # cleared once sent
    expect(chat.locator(".gw-message.gw-user .gw-chip")).to_have_text(["chart.png", "notes.txt"])
    expect(model_messages(lab).last).to_have_attribute("data-status", "done")
    sent = lab.kernel_output(
        "import json\n"
        "body = offline_server().requests[-1].body\n"
        "parts = body['contents'][-1]['parts']\n"
        "print(json.dumps([(p.get('inlineData') or p.get('inline_data') or {}).get('mimeType')"
        " or (p.get('inlineData') or p.get('inline_data') or {}).get('mime_type')"
        " or p.get('text') for p in parts]))"
    )
    assert json.loads(sent.strip().splitlines()[-1]) == [
        "image/png",
        "text/plain",
        "What do these show?",
    ]


def test_a_reply_shows_its_thoughts_while_it_streams(lab):
    lab.write(
        "from gemini_widgets import Chat\n"
        "chat = Chat(show_thoughts=True, thinking_budget=512)\nchat",
        HELPERS,
    ).open()
    lab.run_all()
    lab.kernel_output("offline_server().fail_next(Fault.slow(between=0.3))")  # seen streaming
    send(lab, "Why is the sky blue? Think it through.")
    live = model_messages(lab).last
    expect(live).to_have_attribute("data-status", "streaming")
    thoughts = live.locator(".gw-thoughts")
    expect(thoughts).to_be_visible()  # shown while streaming, folded away (a <details>)
    lab.page.wait_for_function(
        "() => document.querySelector('.gw-chat .gw-model[data-status=streaming]"
        " .gw-thoughts-body')?.textContent.length > 20"
    )
    assert thoughts.get_attribute("open") is None
    thoughts.locator("summary").click()
    lab.screenshot("thoughts-streaming")
    wait_idle_chat(lab)
    reply = model_messages(lab).last
    expect(reply).to_have_attribute("data-status", "done")
    kept = reply.locator(".gw-thoughts-body").text_content()
    said = json.loads(lab.kernel_output("import json; print(json.dumps(chat.turns[-1].thoughts))"))
    assert len(kept) > 20 and kept.split()[:3] == said.replace("*", "").split()[:3]  # rendered


def test_a_magic_turn_with_the_chat_key_shows_in_the_chat(lab):
    lab.write(
        "from gemini_widgets import Chat\nchat = Chat(key='trip', seed=3)\nchat",
        "%load_ext gemini_widgets",
    ).open()
    lab.run_all()
    lab.page.locator(".gw-chat").wait_for()
    send(lab, "Plan a day in Lisbon")
    wait_idle_chat(lab)
    lab.kernel_output(
        "from gemini_widgets.conversation import conversations\n"
        "r = get_ipython().run_cell_magic('gemini', '--chat trip', 'And the evening?')"
    )
    users = lab.page.locator(".gw-chat .gw-message.gw-user")
    expect(users).to_have_count(2)
    expect(users.last).to_have_text("And the evening?")
    expect(model_messages(lab).last).to_have_attribute("data-status", "done")
    lab.screenshot("magic-turn-in-chat")
