"""Continuing a cut-short answer: the rest is appended, nothing lost, nothing repeated.

The offline server remembers what it wrote, so a continuation gets exactly the rest of the
answer a fault cut; these tests compare against the answer sent without a fault.
"""

from __future__ import annotations

import asyncio

import pytest
from google.genai import types

from gemini_widgets.chat import Chat
from gemini_widgets.generate import run_in_view
from gemini_widgets.offline import Fault
from gemini_widgets.request import CONTINUE_PROMPT, StreamRequest
from gemini_widgets.settings import NO_RETRY
from gemini_widgets.stream import StreamState
from gemini_widgets.widgets import StreamView

LONG = "Write a long guide to binary search trees, with code."
SEED = {"seed": 7}


def whole_answer(client, model, prompt=LONG, config=SEED) -> str:
    response = client.models.generate_content(model=model, contents=prompt, config=config)
    return response.text


def run(view: StreamView, request: StreamRequest) -> StreamState:
    """Stream ``request`` into ``view`` as ``stream()`` does (its runner keeps the request)."""
    result = run_in_view(view, request, NO_RETRY, background=False)
    assert isinstance(result, StreamState)
    return result


def request(client, model) -> StreamRequest:
    return StreamRequest(client, model, LONG, types.GenerateContentConfig(**SEED))


def test_a_dropped_answer_is_continued_to_exactly_the_whole_answer(client, server, model):
    whole = whole_answer(client, model)
    server.fail_next(Fault.drop(after=5))
    view = StreamView(model=model)
    state = run(view, request(client, model))
    assert state.error.kind == "connection" and state.cut_short and view.can_continue
    partial = state.text
    assert partial and whole.startswith(partial) and partial != whole

    result = view.continue_answer()
    assert result is state and result.ok and result.continuations == 1
    assert result.text == whole
    assert view.status == "done" and not view.can_continue and view.error == ""
    sent = server.requests[-1].body["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]
    assert sent[1]["parts"][0]["text"] == partial
    assert sent[2]["parts"][0]["text"] == CONTINUE_PROMPT


def test_a_long_answer_cut_twice_is_still_whole(client, server, model):
    prompt = "Explain hash tables in depth " * 3
    whole = whole_answer(client, model, prompt)
    view = StreamView(model=model)
    server.fail_next(Fault.drop(after=3))
    run(view, StreamRequest(client, model, prompt, types.GenerateContentConfig(**SEED)))
    server.fail_next(Fault.malformed(after=4))
    cut_again = view.continue_answer()
    assert cut_again.error.kind == "malformed" and view.can_continue
    assert view.continue_answer().text == whole


def test_max_tokens_can_be_continued_and_a_complete_answer_cannot(client, server, model):
    view = StreamView(model=model)
    state = run(
        view, StreamRequest(client, model, LONG, types.GenerateContentConfig(max_output_tokens=20))
    )
    assert state.finish_reason.value == "MAX_TOKENS" and view.can_continue
    done = StreamView(model=model)
    run(done, request(client, model))
    with pytest.raises(RuntimeError, match="Nothing to continue"):
        done.continue_answer()


def test_a_view_fed_a_bare_stream_says_why_it_cannot_continue(client, server, model):
    server.fail_next(Fault.drop(after=2))
    view = StreamView(model=model)
    view.consume(client.models.generate_content_stream(model=model, contents=LONG))
    assert not view.can_continue
    with pytest.raises(RuntimeError, match="use stream"):
        view.continue_answer()


def test_the_widget_is_sent_only_the_new_text(client, server, model):
    server.fail_next(Fault.drop(after=4))
    view = StreamView(model=model)
    sent: list[dict] = []
    view.send = lambda message, buffers=None: sent.append(message)
    state = run(view, request(client, model))
    cut = len(state.text)
    sent.clear()
    view.continue_answer()
    deltas = [m for m in sent if m.get("type") == "delta" and "text" in m]
    assert not any(m.get("type") == "reset" for m in sent)
    assert deltas[0]["at"] == cut
    assert "".join(m["text"] for m in deltas) == state.text[cut:]


def test_chat_continues_a_dropped_reply_and_records_it_whole(client, server, model):
    unbroken = Chat(model, client=client, key=None, seed=7)
    unbroken.send("Hello")
    whole = unbroken.send(LONG).text
    chat = Chat(model, client=client, key=None, seed=7)
    chat.send("Hello")
    server.fail_next(Fault.drop(after=6))
    failed = chat.send(LONG)
    assert failed.error is not None and chat.turns[-1].can_continue
    before = len(chat.history)

    async def continue_and_wait() -> None:
        assert chat.continue_reply() is None
        await chat.task

    asyncio.run(continue_and_wait())
    assert chat.turns[-1].status == "done"
    assert chat.turns[-1].reply == whole
    history = chat.history
    assert len(history) == before + 2  # the user's message and the whole reply, once
    assert history[-2].parts[0].text == LONG
    assert "".join(p.text for p in history[-1].parts) == whole
    assert all(CONTINUE_PROMPT not in (p.text or "") for c in history for p in c.parts)
    assert chat.continue_reply().startswith("Nothing to continue")


def test_chat_refuses_to_continue_a_complete_reply(client, server, model):
    chat = Chat(model, client=client, key=None)
    chat.send("Hello")
    assert chat.continue_reply().startswith("Nothing to continue")
