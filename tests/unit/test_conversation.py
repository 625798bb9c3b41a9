"""The one conversation model: typed turns, the SDK's history, the registry, any views."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from google.genai import types

from gemini_widgets.chat import Chat
from gemini_widgets.conversation import Conversation, conversations
from gemini_widgets.offline import Fault
from gemini_widgets.turns import Turn, turns_from_history

TURN_KEYS = {
    "message",
    "attachments",
    "reply",
    "thoughts",
    "parts",
    "annotations",
    "status",
    "notice",
    "error",
    "stats",
    "recorded",
    "can_continue",
}


def test_the_turn_shape_is_the_one_the_browser_reads():
    """js/src/chat.js reads these keys and no others (its header comment lists them)."""
    assert set(Turn(message="hi").to_json()) == TURN_KEYS
    chat_js = (Path(__file__).parents[2] / "js" / "src" / "chat.js").read_text()
    header = chat_js.split("import", 1)[0]
    assert all(key in header for key in TURN_KEYS)


def test_history_read_as_turns_joins_the_chunks_of_each_reply():
    history = [
        types.UserContent(parts=[types.Part.from_text(text="Hi")]),
        *[types.ModelContent(parts=[types.Part.from_text(text=t)]) for t in ("Hel", "lo", "!")],
        types.UserContent(parts=[types.Part.from_text(text="Again")]),
        types.ModelContent(parts=[types.Part.from_text(text="Yes.")]),
    ]
    turns = turns_from_history(history)
    assert [(t.message, t.reply, t.status, t.recorded) for t in turns] == [
        ("Hi", "Hello!", "done", True),
        ("Again", "Yes.", "done", True),
    ]


def test_two_exchanges_are_two_turns_though_the_sdk_keeps_a_content_per_chunk(
    client, server, model
):
    conversation = Conversation(client, model)
    for message in ("Tell me about tides", "And the moon?"):
        assert conversation.send(message).ok
    assert len(conversation.history) > 4  # the SDK's: one Content per streamed chunk
    assert [t.message for t in conversation.turns] == ["Tell me about tides", "And the moon?"]
    assert all(
        t.status == "done" and t.recorded and t.usage is not None for t in conversation.turns
    )
    assert conversation.turns[-1].reply == conversation.runner.state.text


def test_a_failed_reply_is_a_turn_but_not_history_and_retry_replaces_it(client, server, model):
    conversation = Conversation(client, model)
    conversation.send("Hello")
    before = conversation.history
    server.fail_next(Fault.drop(after=2))
    failed = conversation.send("Explain heaps")
    assert failed.error is not None and conversation.history == before
    turn = conversation.turns[-1]
    assert (turn.status, turn.recorded, turn.reply) == ("error", False, failed.text)

    async def retry() -> None:
        assert conversation.retry() is None
        await conversation.task

    asyncio.run(retry())
    assert [(t.message, t.status) for t in conversation.turns] == [
        ("Hello", "done"),
        ("Explain heaps", "done"),
    ]
    assert len([c for c in conversation.history if c.role == "user"]) == 2


def test_a_chat_reply_streams_its_thoughts_to_the_view(client, server, model):
    chat = Chat(model, client=client, key=None, show_thoughts=True, thinking_budget=256)
    sent: list[dict] = []
    chat.view.send = lambda message, buffers=None: sent.append(message)
    state = chat.send("Why is the sky blue?")
    streamed = "".join(m.get("thoughts", "") for m in sent if m.get("type") == "delta")
    assert state.thoughts and streamed == state.thoughts
    assert chat.turns[-1].thoughts == state.thoughts == chat.view.turns[-1]["thoughts"]


def test_a_chat_key_names_one_conversation_in_the_registry(client, server, model):
    first = Chat(model, client=client, key="notes")
    first.send("Remember seven.")
    again = Chat(model, client=client, key="notes", temperature=0.1)
    assert again.conversation is first.conversation is conversations["notes"]
    assert [t.message for t in again.turns] == ["Remember seven."]
    # The new cell's view follows the conversation; the old cell's views stop updating (a
    # view asked for later too: in text mode it is made when first asked for).
    assert again.view in again.conversation.views
    assert first.view not in again.conversation.views
    assert again.conversation.config.temperature == 0.1


class BusyProbe:
    """A conversation view that notes, when the answer ends, whether the turn is still open."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.busy_at_end: list[bool] = []
        self.shown: list[tuple[int, bool]] = []
        self.costs: list[float | None] = []

    def on_start(self, state, *, background: bool) -> None:
        pass

    def on_delta(self, delta, state) -> None:
        pass

    def on_end(self, state) -> None:
        self.busy_at_end.append(self.conversation.busy)

    def show_turns(self, turns: list[dict], *, busy: bool, cost: float | None) -> None:
        self.shown.append((len(turns), busy))
        self.costs.append(cost)


def test_a_conversation_is_busy_until_its_turn_is_finished(client, server, model):
    """The answer ends a step before the turn does (a background reply finishes in its task):
    a second message sent in that step would read the first one's state."""
    conversation = Conversation(client, model)
    probe = BusyProbe(conversation)
    conversation.views.append(probe)

    async def two_background_replies() -> None:
        for message in ("Hello", "Again"):
            task = conversation.start(message)
            assert conversation.busy
            await task
            assert not conversation.busy

    asyncio.run(two_background_replies())
    assert probe.busy_at_end == [True, True]
    assert [(t.message, t.status, t.recorded) for t in conversation.turns] == [
        ("Hello", "done", True),
        ("Again", "done", True),
    ]


def test_a_reply_that_cannot_begin_leaves_no_turn_and_nothing_busy(client, server, model):
    conversation = Conversation(client, model)
    probe = BusyProbe(conversation)
    conversation.views.append(probe)
    with pytest.raises(RuntimeError, match="needs a running event loop"):
        conversation.start("Hello")  # a background reply needs the kernel's loop
    assert not conversation.busy and conversation.turns == []
    assert probe.shown[-1] == (0, False)
    assert conversation.send("Hello").ok  # and the conversation goes on


def test_a_conversation_costs_the_sum_of_its_replies(client, server, model):
    from gemini_widgets.offline import Fault

    conversation = Conversation(client, model)
    probe = BusyProbe(conversation)
    conversation.views.append(probe)
    assert conversation.cost is None  # nothing asked yet
    first = conversation.send("Hello")
    second = conversation.send("Tell me more, at length")
    server.fail_next(Fault.http(500))
    assert conversation.send("And then?").error is not None  # no usage: it counts nothing
    costs = [turn.cost for turn in conversation.turns]
    assert costs[:2] == [first.cost, second.cost] and costs[2] is None
    assert [turn.stats["cost"] for turn in conversation.turns] == [
        first.cost.usd,
        second.cost.usd,
        None,
    ]
    assert conversation.cost == first.cost + second.cost
    assert second.usage.prompt_token_count > first.usage.prompt_token_count  # history resent
    assert probe.costs[-1] == pytest.approx(first.cost.usd + second.cost.usd)
    assert probe.costs[-1] == pytest.approx(sum(t.stats["cost"] or 0 for t in conversation.turns))


def test_a_conversation_with_an_unpriced_reply_has_no_total(client, server, model):
    from gemini_widgets.prices import set_prices

    conversation = Conversation(client, model)
    probe = BusyProbe(conversation)
    conversation.views.append(probe)
    try:
        set_prices({model: None})
        assert conversation.send("Hello").cost is None
        assert conversation.turns[0].stats["cost"] is None
        set_prices(None)
        assert conversation.send("Again").cost is not None
        assert conversation.cost is None  # a total leaving the first reply out would be low
        assert probe.costs[-1] is None
    finally:
        set_prices(None)
