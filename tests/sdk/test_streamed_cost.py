"""An answer streamed by the real SDK from the offline server costs its usage times the
prices in ``prices.json`` (read here on their own, not through ``prices.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from google import genai

from gemini_widgets import StreamState, set_prices, stream
from gemini_widgets.prices import PRICES_FILE

TABLE = json.loads(PRICES_FILE.read_text())["models"]


@pytest.fixture(autouse=True)
def _text_mode_and_shipped_prices(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("GEMINI_WIDGETS_DISPLAY", "text")  # the answer is printed, no widget
    set_prices(None)
    yield
    set_prices(None)


def by_hand(model: str, result: StreamState) -> float:
    """Usage x the first tier's prices (every prompt here is far under 200k tokens)."""
    usage = result.usage
    tier = TABLE[model]["tiers"][0]
    billed_out = (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)
    return (usage.prompt_token_count * tier["input"] + billed_out * tier["output"]) / 1e6


@pytest.mark.parametrize(
    "model", ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview", "gemini-2.0-flash"]
)
def test_a_streamed_answer_costs_usage_times_price(client: genai.Client, model, capsys):
    result = stream("Explain binary search", client=client, model=model, thinking_budget=512)
    assert result.ok and result.text
    usage = result.usage
    assert usage.prompt_token_count > 0 and usage.candidates_token_count > 0
    if model != "gemini-2.0-flash":  # the thinking models' thoughts are billed too
        assert usage.thoughts_token_count > 0
    assert result.cost.usd == pytest.approx(by_hand(model, result), rel=1e-12)
    assert result.cost.thoughts == pytest.approx(
        (usage.thoughts_token_count or 0) * TABLE[model]["tiers"][0]["output"] / 1e6
    )
    assert result.stats()["cost"] == pytest.approx(result.cost.usd)


def test_the_cost_grows_with_the_answer_as_it_streams(client, server, model):
    server.script("one ", "two ", "three ", "four")
    chunks = list(client.models.generate_content_stream(model=model, contents="count"))
    state = StreamState(model=model)
    costs = []
    for chunk in chunks:
        state.feed(chunk)
        costs.append(state.stats()["cost"])
    assert None not in costs and costs == sorted(costs) and costs[0] < costs[-1]


def test_an_override_changes_the_cost(client, server, model):
    server.script("Twelve words, more or less, to have something to price here.")
    shipped = stream("x", client=client, model=model)
    shipped_usd = shipped.cost.usd
    set_prices({model: {"input": 100.0, "output": 1000.0}})
    server.script("Twelve words, more or less, to have something to price here.")
    dear = stream("x", client=client, model=model)
    usage = dear.usage
    assert usage.candidates_token_count == shipped.usage.candidates_token_count
    expected = (usage.prompt_token_count * 100.0 + usage.candidates_token_count * 1000.0) / 1e6
    assert dear.cost.usd == pytest.approx(expected)
    assert dear.cost.usd > 100 * shipped_usd
    assert shipped.cost == dear.cost  # a result is priced when read: the same usage, the same


def test_a_model_without_a_price_has_no_cost(client, server, model):
    set_prices({model: None})
    server.script("Hello.")
    result = stream("x", client=client, model=model)
    assert result.ok and result.usage.total_token_count > 0
    assert result.cost is None and result.stats()["cost"] is None


def test_tool_results_the_model_read_cost_the_input_price(client, model):
    result = stream(
        "What is the tallest tower in Tokyo?", client=client, model=model, tools=["google_search"]
    )
    tool_use = result.usage.tool_use_prompt_token_count
    assert tool_use > 0
    assert result.cost.tool_use == pytest.approx(tool_use * TABLE[model]["tiers"][0]["input"] / 1e6)


def test_an_image_model_prices_its_image_tokens_only(client):
    # The offline image model answers with an image and a line of text; the table prices
    # only its images, so the answer has no estimate, and an image-only usage has one.
    result = stream("Draw a lighthouse", client=client, model="gemini-2.5-flash-image")
    details = {d.modality.name: d.token_count for d in result.usage.candidates_tokens_details}
    assert details["IMAGE"] > 0 and details["TEXT"] > 0
    assert result.cost is None
    set_prices({"gemini-2.5-flash-image": {"input": 0.30, "output": 2.50, "image_output": 30.0}})
    assert result.cost.output == pytest.approx(
        (details["IMAGE"] * 30.0 + details["TEXT"] * 2.5) / 1e6
    )


def test_a_continued_answer_costs_both_requests(client, server, model):
    from google.genai import types

    from gemini_widgets.cost import estimate_cost
    from gemini_widgets.generate import run_in_view
    from gemini_widgets.offline import Fault
    from gemini_widgets.request import StreamRequest
    from gemini_widgets.settings import NO_RETRY
    from gemini_widgets.widgets import StreamView

    server.fail_next(Fault.drop(after=5))
    view = StreamView(model=model)
    asked = StreamRequest(client, model, "A long guide to heaps", types.GenerateContentConfig())
    state = run_in_view(view, asked, NO_RETRY, background=False)
    assert state.cut_short
    first = state.usage
    assert first is not None and state.cost == estimate_cost(model, first)  # the part it had
    result = view.continue_answer()
    assert result.ok and result.continuations == 1
    assert result.cost == estimate_cost(model, first) + estimate_cost(model, result.usage)
    assert view.stats["cost"] == pytest.approx(result.cost.usd)  # what the status bar shows


def test_a_model_without_a_price_shows_no_cost_in_any_view(client, server, model):
    from gemini_widgets import Chat
    from gemini_widgets.widgets import StreamView

    sent: list[dict] = []
    set_prices({model: None})
    view = StreamView(model=model)
    view.send = lambda message, buffers=None: sent.append(message)
    result = stream("Explain heaps", client=client, model=model, view=view)
    assert result.ok and result.cost is None
    assert view.stats["cost"] is None
    live = [m["stats"] for m in sent if "stats" in m]  # the deltas' live numbers
    assert live and all(stats["cost"] is None for stats in live)
    chat = Chat(model, client=client, key=None)
    chat.view.send = lambda message, buffers=None: None
    chat.send("Hello")
    assert chat.cost is None and chat.view.cost is None
    assert chat.view.turns[-1]["stats"]["cost"] is None
    set_prices(None)  # the control: with a price, both show one
    chat.send("Again")
    assert chat.view.turns[-1]["stats"]["cost"] > 0
    assert chat.view.cost is None  # the first reply still has no price: no total
