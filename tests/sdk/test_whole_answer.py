"""The whole answer over the real SDK and real HTTP: each part kind reaches the result typed,
the deltas in order, and a chat's history; with real Python functions as tools."""

from __future__ import annotations

import subprocess
import sys

import pytest
from google.genai import types

from gemini_widgets.answer_wire import answer_json
from gemini_widgets.conversation import Conversation
from gemini_widgets.request import StreamRequest
from gemini_widgets.runner import Runner
from gemini_widgets.settings import build_config
from gemini_widgets.stream import Delta, StreamState
from gemini_widgets.turns import turns_from_history


class PartsSeen:
    """A sink that keeps the text and the parts as the deltas brought them."""

    def __init__(self) -> None:
        self.text = ""
        self.parts: list[tuple[int, str]] = []
        self.annotated = 0

    def on_start(self, state: StreamState, *, background: bool) -> None:
        pass

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        for placed in delta.parts:
            self.parts.append((placed.at, next(iter(placed.part.model_dump(exclude_none=True)))))
        self.text += delta.text
        self.annotated += delta.annotated

    def on_end(self, state: StreamState) -> None:
        pass


def run(client, model: str, prompt: str, **settings) -> tuple[StreamState, PartsSeen]:
    seen = PartsSeen()
    request = StreamRequest(client, model, prompt, build_config(**settings))
    return Runner(seen, model=model).run(request), seen


def get_weather(city: str) -> dict:
    """The current weather in a city."""
    return {"city": city, "celsius": 21, "sky": "sunny"}


def get_stock_price(symbol: str) -> float:
    """The latest price of a stock, by its ticker symbol."""
    raise ConnectionError(f"the exchange is closed for {symbol}")


def test_code_the_model_ran_arrives_in_place_with_its_real_output(client, model):
    state, seen = run(client, model, "What is 12 * 34?", tools=["code_execution"])
    [code_run] = state.code_runs
    ran = subprocess.run(
        [sys.executable, "-c", code_run.code.code], capture_output=True, text=True, check=True
    )
    assert code_run.ok and code_run.output == ran.stdout
    assert "12 * 34 = 408" in code_run.output
    at = code_run.at
    assert seen.parts == [(at, "executable_code"), (at, "code_execution_result")]
    assert 0 < at < len(state.text) and seen.text == state.text


def test_grounding_supports_point_at_their_sentences_in_non_ascii_text(client, model):
    state, seen = run(
        client, model, "東京タワーの高さは？ 🗼 How tall is it?", tools=["google_search"]
    )
    grounding = state.grounding
    assert seen.annotated >= 1
    assert grounding.queries and grounding.search_entry_point
    assert any(ord(c) > 0xFFFF for c in state.text) and any(c >= "\u3040" for c in state.text)
    raw = grounding.metadata.grounding_supports
    assert len(grounding.supports) == len(raw) >= 2
    for support, sent in zip(grounding.supports, raw, strict=True):
        assert state.text[support.start : support.end] == sent.segment.text
        assert all(0 <= i < len(grounding.sources) for i in support.sources)
    wire = answer_json(state)["annotations"]
    assert [s["uri"] for s in wire["sources"]] == [c.web.uri for c in grounding.sources]
    assert state.stats()["tool_use_tokens"] > 0


def test_python_functions_are_called_and_their_results_used(client, model):
    state, seen = run(client, model, "What's the weather in Paris?", tools=[get_weather])
    [call] = state.function_calls
    assert (call.name, call.args, call.result) == (
        "get_weather",
        {"city": "Paris"},
        get_weather("Paris"),
    )
    assert "21" in state.text and "Paris" in state.text
    assert [kind for _, kind in seen.parts] == ["function_call", "function_response"]


def test_a_function_that_raises_is_a_failed_call_the_model_is_told_of(client, model, server):
    state, _ = run(client, model, "What is the stock price of GOOG?", tools=[get_stock_price])
    [call] = state.function_calls
    assert call.error.startswith("Failed to invoke function get_stock_price")  # the SDK's words
    assert "the exchange is closed for" in call.error
    assert call.result is None
    sent = server.requests[-1].body["contents"][-1]["parts"][0]["functionResponse"]
    assert sent["response"] == {"error": call.error}
    assert "fail" in state.text.lower() or "error" in state.text.lower()


def test_with_automatic_calling_off_the_calls_are_yours_to_answer(client, model, server):
    state, _ = run(
        client, model, "What's the weather in Rome?", tools=[get_weather], max_tool_calls=0
    )
    [call] = state.function_calls
    assert call.args == {"city": "Rome"} and call.response is None
    assert len(server.requests) == 1  # no result was sent


async def test_async_functions_are_awaited_on_the_async_path(client, model):
    async def get_time(city: str) -> str:
        """The local time in a city."""
        return f"12:00 in {city}"

    seen = PartsSeen()
    request = StreamRequest(
        client, model, "What time is it in Lima?", build_config(tools=[get_time])
    )
    state = await Runner(seen, model=model).run_async(request)
    [call] = state.function_calls
    assert call.result == "12:00 in Lima"


def test_an_image_model_gives_a_picture(client):
    state, seen = run(client, "gemini-2.5-flash-image", "A red circle on white")
    [image] = state.images
    assert image.format == "PNG" and image.size[0] > 0
    assert [kind for _, kind in seen.parts] == ["inline_data"]


@pytest.mark.parametrize("model_name", ["gemini-2.5-flash", "gemini-3-flash-preview"])
def test_a_chat_that_used_tools_keeps_calls_results_and_signatures(client, model_name):
    config = build_config(tools=[get_weather])
    conversation = Conversation(client, model_name, config)
    first = conversation.send("What's the weather in Paris?")
    assert first.function_calls[0].result == get_weather("Paris")
    history = conversation.history
    calls = [p for c in history for p in c.parts or [] if p.function_call]
    results = [p for c in history for p in c.parts or [] if p.function_response]
    assert len(calls) == len(results) == 1
    assert calls[0].thought_signature  # Gemini 3 refuses the next turn without it
    second = conversation.send("What's the weather in Oslo?")
    assert second.ok and second.function_calls[0].args == {"city": "Oslo"}
    turn = conversation.turns[0]
    assert [p.part.function_call is not None for p in turn.parts] == [True, False]
    [again, _] = turns_from_history(conversation.history)
    assert [p.part for p in again.parts] == [p.part for p in turn.parts]
    assert again.reply == turn.reply


def test_url_context_reports_the_urls_in_the_prompt(client, model):
    prompt = "Compare https://example.com/a and https://example.org/b please"
    state, _ = run(client, model, prompt, tools=["url_context"])
    assert [u.retrieved_url for u in state.url_context] == [
        "https://example.com/a",
        "https://example.org/b",
    ]
    urls = answer_json(state)["annotations"]["urls"]
    assert {u["status"] for u in urls} <= {s.value for s in types.UrlRetrievalStatus}
