"""Function calling against the offline server, with the real SDK: declared functions are
called with arguments valid for their schema, the SDK's automatic function calling runs real
Python functions, and the answer uses what they returned (or says that they failed)."""

from __future__ import annotations

import logging
from typing import Any

import httpx2
import jsonschema
import pytest
from google import genai
from google.genai import errors, types

from gemini_widgets.offline import Fault

GEMINI_3 = "gemini-3-flash-preview"


@pytest.fixture(autouse=True)
def _quiet_sdk(caplog: pytest.LogCaptureFixture) -> None:
    # The SDK warns about AFC outside chats and about non-text parts: expected here.
    caplog.set_level(logging.ERROR)


class Weather:
    """A real function for the SDK to call, recording its calls."""

    def __init__(self) -> None:
        self.cities: list[str] = []

    def get_weather(self, city: str) -> dict:
        """Returns the current weather in a city."""
        self.cities.append(city)
        return {"temperature_c": 21, "condition": "sunny"}


def get_stock_price(symbol: str) -> dict:
    """Returns the latest stock price for a ticker symbol."""
    raise ConnectionError("the quote service is unreachable")


def parts_of(chunks: list[types.GenerateContentResponse]) -> list[types.Part]:
    return [p for c in chunks for p in c.candidates[0].content.parts or []]


def text_of(chunks: list[types.GenerateContentResponse]) -> str:
    return "".join(p.text for p in parts_of(chunks) if p.text and not p.thought)


def calls_of(chunks: list[types.GenerateContentResponse]) -> list[types.FunctionCall]:
    return [p.function_call for p in parts_of(chunks) if p.function_call]


# ---- automatic function calling -----------------------------------------------------------


def test_sdk_calls_a_python_function_and_the_streamed_answer_uses_its_result(client, server, model):
    weather = Weather()
    chunks = list(
        client.models.generate_content_stream(
            model=model,
            contents="What's the weather in Paris?",
            config=types.GenerateContentConfig(tools=[weather.get_weather]),
        )
    )
    assert weather.cities == ["Paris"]
    [call] = calls_of(chunks)
    assert (call.name, call.args, call.id) == ("get_weather", {"city": "Paris"}, None)  # 2.5: no id
    text = text_of(chunks)
    assert "Paris" in text and "21" in text and "sunny" in text
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    _, second = server.requests
    sent = second.body["contents"]
    assert sent[-1]["parts"][0]["functionResponse"] == {
        "name": "get_weather",
        "response": {"result": {"temperature_c": 21, "condition": "sunny"}},
    }
    # The call came back with its thought signature, as the SDK keeps it.
    assert "thoughtSignature" in sent[1]["parts"][0]


def test_a_function_that_raises_is_answered_as_a_failed_call(client, server, model):
    chunks = list(
        client.models.generate_content_stream(
            model=model,
            contents="What is the stock price of GOOG?",
            config=types.GenerateContentConfig(tools=[get_stock_price]),
        )
    )
    sent = server.requests[-1].body["contents"]
    assert sent[1]["parts"][0]["functionCall"]["args"] == {"symbol": "GOOG"}
    error = sent[-1]["parts"][0]["functionResponse"]["response"]["error"]
    assert error.endswith("because of error the quote service is unreachable")  # the SDK's
    text = text_of(chunks)
    assert "failed" in text and "the quote service is unreachable" in text


def test_generate_content_runs_the_function_and_answers_in_one_response(client, model):
    weather = Weather()
    response = client.models.generate_content(
        model=model,
        contents="Is it sunny in Lisbon?",
        config=types.GenerateContentConfig(tools=[weather.get_weather]),
    )
    assert weather.cities == ["Lisbon"]
    assert "sunny" in response.text
    history = response.automatic_function_calling_history
    assert [p.function_call.name for c in history for p in c.parts if p.function_call] == [
        "get_weather"
    ]


@pytest.mark.parametrize("chat_model", ["gemini-2.5-flash", GEMINI_3])
def test_chat_history_keeps_the_call_the_response_and_the_signatures(client, server, chat_model):
    weather = Weather()
    chat = client.chats.create(
        model=chat_model, config=types.GenerateContentConfig(tools=[weather.get_weather])
    )
    text = text_of(list(chat.send_message_stream("What's the weather in Oslo?")))
    assert weather.cities == ["Oslo"] and "sunny" in text
    history = chat.get_history()
    # The SDK keeps one model Content per streamed chunk: the text answer may take several.
    roles = [c.role for c in history]
    assert [r for i, r in enumerate(roles) if not i or r != roles[i - 1]] == [
        "user", "model", "user", "model",
    ]  # fmt: skip
    [call_part] = history[1].parts
    assert call_part.function_call.name == "get_weather"
    assert call_part.thought_signature  # kept, to be sent back
    assert (call_part.function_call.id is not None) == (chat_model == GEMINI_3)
    assert history[2].parts[0].function_response.response["result"]["condition"] == "sunny"
    assert history[-1].parts[-1].thought_signature  # a thinking model signs its last part
    # The next turn sends it all back, signatures included, and the server accepts it.
    text = text_of(list(chat.send_message_stream("And in Lima?")))
    assert weather.cities == ["Oslo", "Lima"] and server.requests[-1].status == 200
    assert "Lima" in text


def test_a_drop_after_the_call_reaches_the_caller_after_the_function_ran(client, server, model):
    weather = Weather()
    # The second request (the function's result: no user text) is dropped at once.
    server.fail_next(Fault.drop(after=0), match=lambda _model, prompt: prompt == "")
    got = []
    with pytest.raises(httpx2.RemoteProtocolError):
        for chunk in client.models.generate_content_stream(
            model=model,
            contents="Weather in Rome?",
            config=types.GenerateContentConfig(tools=[weather.get_weather]),
        ):
            got.append(chunk)
    assert [c.name for c in calls_of(got)] == ["get_weather"]
    assert weather.cities == ["Rome"]
    assert text_of(got) == ""


# ---- declared functions -------------------------------------------------------------------

FORECAST = types.FunctionDeclaration(
    name="get_forecast",
    description="Weather forecast for a city over the next days.",
    parameters=types.Schema(
        type="OBJECT",
        properties={
            "city": types.Schema(type="STRING"),
            "days": types.Schema(type="INTEGER", minimum=1, maximum=14),
            "unit": types.Schema(type="STRING", enum=["celsius", "fahrenheit"]),
        },
        required=["city", "days"],
    ),
)
BOOKING = types.FunctionDeclaration(
    name="book_table",
    description="Reserve a table at a restaurant.",
    parameters_json_schema={
        "type": "object",
        "properties": {
            "restaurant": {"type": "string", "minLength": 2},
            "party_size": {"type": "integer", "minimum": 1, "maximum": 12},
            "time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "notes": {"type": ["string", "null"]},
        },
        "required": ["restaurant", "party_size", "time"],
        "additionalProperties": False,
    },
)
TIME = types.FunctionDeclaration(
    name="get_local_time",
    description="The current local time in a city.",
    parameters=types.Schema(type="OBJECT", properties={"city": types.Schema(type="STRING")}),
)


def call_with(
    client: genai.Client, model: str, prompt: str | list[types.Content], **config: Any
) -> list[types.GenerateContentResponse]:
    tools = config.pop("tools", [types.Tool(function_declarations=[FORECAST, BOOKING, TIME])])
    return list(
        client.models.generate_content_stream(
            model=model, contents=prompt, config=types.GenerateContentConfig(tools=tools, **config)
        )
    )


def schema_of(declaration: types.FunctionDeclaration) -> dict[str, Any]:
    if declaration.parameters_json_schema is not None:
        return declaration.parameters_json_schema
    return declaration.parameters.json_schema.model_dump(mode="json", exclude_none=True)


def test_the_best_fitting_function_is_called_with_the_prompts_values(client, model):
    chunks = call_with(client, model, "Give me a 5 day forecast for Nairobi in fahrenheit")
    [call] = calls_of(chunks)
    assert call.name == "get_forecast"
    assert call.args == {"city": "Nairobi", "days": 5, "unit": "fahrenheit"}
    jsonschema.validate(call.args, schema_of(FORECAST))


@pytest.mark.parametrize("seed", range(8))
def test_arguments_always_validate_against_the_declared_schema(client, model, seed):
    [call] = calls_of(call_with(client, model, "Book a table for dinner, please", seed=seed))
    assert call.name == "book_table"
    jsonschema.validate(call.args, schema_of(BOOKING))


def test_several_named_functions_are_called_in_parallel_in_one_chunk(client, model):
    chunks = call_with(client, model, "What's the forecast for Kyoto and the local time in Oslo?")
    [chunk] = [c for c in chunks if calls_of([c])]
    calls = calls_of([chunk])
    assert [(c.name, c.args["city"]) for c in calls] == [
        ("get_forecast", "Kyoto"),
        ("get_local_time", "Oslo"),
    ]
    parts = chunk.candidates[0].content.parts
    assert parts[0].thought_signature and not parts[1].thought_signature  # the first is signed


def test_mode_none_answers_in_text_and_any_always_calls(client, model):
    prompt = "Give me a 3 day forecast for Pune"
    none = types.ToolConfig(function_calling_config=types.FunctionCallingConfig(mode="NONE"))
    chunks = call_with(client, model, prompt, tool_config=none)
    assert not calls_of(chunks) and text_of(chunks)
    unrelated = "Tell me a story about a lighthouse"
    assert not calls_of(call_with(client, model, unrelated))  # AUTO: nothing fits
    only = types.FunctionCallingConfig(mode="ANY", allowed_function_names=["get_local_time"])
    [call] = calls_of(call_with(client, model, unrelated, tool_config=types.ToolConfig(
        function_calling_config=only)))  # fmt: skip
    assert call.name == "get_local_time"


def test_gemini_3_sends_call_ids_and_2_5_does_not(client):
    for name, has_id in (("gemini-2.5-pro", False), (GEMINI_3, True)):
        [call] = calls_of(call_with(client, name, "Local time in Santiago?"))
        assert (call.id is not None) == has_id, name


def test_a_model_without_thinking_sends_no_signature(client):
    chunks = call_with(client, "gemini-2.0-flash", "Local time in Toronto?")
    assert [p.thought_signature for p in parts_of(chunks)] == [None]


def history_with_call(signature: bytes | None) -> list[types.Content]:
    call = types.Part(
        function_call=types.FunctionCall(name="get_local_time", args={"city": "Oslo"}),
        thought_signature=signature,
    )
    result = types.Part.from_function_response(name="get_local_time", response={"time": "09:30"})
    return [
        types.Content(role="user", parts=[types.Part(text="Local time in Oslo?")]),
        types.Content(role="model", parts=[call]),
        types.Content(role="user", parts=[result]),
    ]


def test_gemini_3_refuses_a_call_sent_back_without_its_signature(client):
    config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=[TIME])])
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(
            model=GEMINI_3, contents=history_with_call(None), config=config
        )
    assert raised.value.code == 400
    assert "Function call `get_local_time` in the `1.` content block is missing a " in (
        raised.value.message
    )
    for model, signature in ((GEMINI_3, b"opaque"), ("gemini-2.5-flash", None)):
        response = client.models.generate_content(
            model=model, contents=history_with_call(signature), config=config
        )
        assert "09:30" in response.text


# ---- the values a prompt names ------------------------------------------------------------


def declared(name: str, description: str, **properties: Any) -> types.Tool:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    return types.Tool(
        function_declarations=[
            types.FunctionDeclaration(
                name=name, description=description, parameters_json_schema=schema
            )
        ]
    )


STRING = {"type": "string"}


@pytest.mark.parametrize(
    ("tool", "prompt", "args"),
    [
        (declared("get_exchange_rate", "The exchange rate of a currency.", currency=STRING),
         "What is the exchange rate for USD?", {"currency": "USD"}),
        (declared("get_exchange_rate", "The exchange rate of a currency.", currency=STRING),
         "What is the exchange rate for dollars?", {"currency": "dollars"}),
        (declared("convert", "Convert money.", amount={"type": "number"},
                  from_currency=STRING, to_currency=STRING),
         "Convert 100 USD to EUR", {"amount": 100, "from_currency": "USD", "to_currency": "EUR"}),
        (declared("find_flights", "Find flights.", origin=STRING, destination=STRING,
                  date=STRING),
         "Find flights from Paris to New York on 2025-06-01",
         {"origin": "Paris", "destination": "New York", "date": "2025-06-01"}),
        (declared("search_web", "Search the web.", query=STRING),
         'Search the web for "best ramen in Tokyo"', {"query": "best ramen in Tokyo"}),
        (declared("search_web", "Search the web.", query=STRING),
         "Search the web for the history of Rome", {"query": "history of Rome"}),
        (declared("send_email", "Send an email.", to=STRING, subject=STRING),
         "Email ada@example.com about the launch party",
         {"to": "ada@example.com", "subject": "launch party"}),
        (declared("fetch_page", "Fetch a web page.", url=STRING),
         "Fetch https://example.com/docs and summarise it", {"url": "https://example.com/docs"}),
        (declared("get_order_status", "The status of an order.", order_id=STRING),
         "Where is my order 48213?", {"order_id": "48213"}),
    ],
    ids=["code", "words", "codes-in-order", "places-in-order", "quoted", "fewest-words", "email",
         "url", "number"],
)  # fmt: skip
def test_a_string_argument_takes_the_value_the_prompt_names(client, model, tool, prompt, args):
    [call] = calls_of(call_with(client, model, prompt, tools=[tool]))
    assert call.args == args
    jsonschema.validate(call.args, schema_of(tool.function_declarations[0]))


def test_a_booking_takes_the_name_number_and_time_the_prompt_gives(client, model):
    prompt = "Book a table at Nopa for 4 at 7:30, window seat please"
    [call] = calls_of(call_with(client, model, prompt))
    assert call.args == {"restaurant": "Nopa", "party_size": 4, "time": "07:30",
                         "notes": "window seat"}  # fmt: skip
    jsonschema.validate(call.args, schema_of(BOOKING))


# ---- follow-up turns ----------------------------------------------------------------------


def test_a_follow_up_calls_the_earlier_turns_function_with_the_new_value(client, model):
    def get_local_time(city: str) -> str:
        """The current local time in a city."""
        return "09:30"

    weather = Weather()
    chat = client.chats.create(
        model=model,
        config=types.GenerateContentConfig(tools=[weather.get_weather, get_local_time]),
    )
    asked = []
    for prompt in ["What's the weather in Paris?", "And in Oslo?", "What time is it in Lima?",
                   "And in Kyoto?", "Thanks!"]:  # fmt: skip
        before = len(chat.get_history())
        chat.send_message(prompt)
        turn = chat.get_history()[before:]
        asked.append([(p.function_call.name, p.function_call.args["city"])
                      for c in turn for p in c.parts if p.function_call])  # fmt: skip
    assert asked == [
        [("get_weather", "Paris")],
        [("get_weather", "Oslo")],
        [("get_local_time", "Lima")],
        [("get_local_time", "Kyoto")],
        [],  # "Thanks!" names nothing a function takes: answered in text
    ]
    assert weather.cities == ["Paris", "Oslo"]


def test_a_follow_up_keeps_the_values_it_does_not_name(client, model):
    history = [
        types.Content(role="user", parts=[types.Part(
            text="Give me a 5 day forecast for Nairobi in fahrenheit")]),
        types.Content(role="model", parts=[types.Part(function_call=types.FunctionCall(
            name="get_forecast", args={"city": "Nairobi", "days": 5, "unit": "fahrenheit"}),
            thought_signature=b"opaque")]),
        types.Content(role="user", parts=[types.Part.from_function_response(
            name="get_forecast", response={"result": "rain"})]),
        types.Content(role="model", parts=[types.Part(text="Rain all week in Nairobi.")]),
        types.Content(role="user", parts=[types.Part(text="And for Kyoto?")]),
    ]  # fmt: skip
    [call] = calls_of(call_with(client, model, history))
    assert (call.name, call.args) == (
        "get_forecast", {"city": "Kyoto", "days": 5, "unit": "fahrenheit"},
    )  # fmt: skip
