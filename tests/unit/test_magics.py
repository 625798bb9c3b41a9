"""%%gemini through a real IPython InteractiveShell, on the process's offline server."""

from __future__ import annotations

import pydantic
import pytest
from IPython.core.error import UsageError
from shell_cells import run

from gemini_widgets.conversation import conversations


@pytest.fixture(scope="module")
def ip(ipython):
    return ipython


def test_every_option_reaches_the_request_as_the_sdk_sends_it(ip, offline):
    run(
        ip,
        "%%gemini -m gemini-2.5-pro -t 0.4 --top-p 0.9 --top-k 12 --max-output-tokens 300 "
        "--seed 5 --stop END --stop FIN --candidates 2 --thinking-budget 64 --show-thoughts "
        "-s 'be terse'\nExplain tides",
    )
    request = offline.requests[-1]
    assert request.model == "gemini-2.5-pro"
    assert request.config == {
        "temperature": 0.4,
        "topP": 0.9,
        "topK": 12,
        "maxOutputTokens": 300,
        "seed": 5,
        "stopSequences": ["END", "FIN"],
        "candidateCount": 2,
        # google-genai 3.6 sends thinkingConfig's own keys in snake_case.
        "thinkingConfig": {"include_thoughts": True, "thinking_budget": 64},
    }
    assert request.body["systemInstruction"]["parts"][0]["text"] == "be terse"
    assert request.prompt_text == "Explain tides"


def test_variables_are_filled_and_double_braces_stay(ip, offline):
    ip.user_ns["topic"] = "volcanoes"
    run(ip, "%%gemini -s 'You explain {topic}'\nTell me about {topic} as JSON like {{\"a\": 1}}")
    request = offline.requests[-1]
    assert request.prompt_text == 'Tell me about volcanoes as JSON like {"a": 1}'
    assert request.body["systemInstruction"]["parts"][0]["text"] == "You explain volcanoes"


def test_no_interpolate_sends_braces_as_written(ip, offline):
    run(ip, "%%gemini --no-interpolate\nfill {this}")
    assert offline.requests[-1].prompt_text == "fill {this}"


def test_unknown_variable_is_a_one_line_error(ip, offline):
    with pytest.raises(UsageError) as caught:
        run(ip, "%%gemini\nhello {undefined_thing}")
    assert str(caught.value).startswith("{undefined_thing} names no variable; define")
    assert not offline.requests


def test_output_variable_and_underscore_hold_the_result(ip, offline):
    offline.script("the ", "answer", prompt="q")
    run(ip, "%%gemini -o answer\nq")
    assert ip.user_ns["answer"].text == "the answer"
    assert ip.user_ns["_"] is ip.user_ns["answer"]
    assert "key" not in repr(ip.user_ns["answer"]).lower()


class City(pydantic.BaseModel):
    name: str
    population: int


def test_json_schema_returns_parsed_objects(ip, offline):
    ip.user_ns["City"] = City
    result = run(ip, "%%gemini --json --schema City\nA big city")
    assert isinstance(result.parsed, City)
    assert offline.requests[-1].config["responseMimeType"] == "application/json"


def test_named_chat_sends_the_earlier_turns(ip, offline):
    run(ip, "%%gemini --chat trip\nI am planning a trip to Lisbon.")
    run(ip, "%%gemini --chat trip\nWhat should I pack?")
    contents = offline.requests[-1].body["contents"]
    assert contents[0]["parts"][0]["text"] == "I am planning a trip to Lisbon."
    assert contents[-1]["parts"][0]["text"] == "What should I pack?"
    assert {c["role"] for c in contents} == {"user", "model"}
    run(ip, "%%gemini\nunrelated")
    assert len(offline.requests[-1].body["contents"]) == 1


@pytest.mark.parametrize(
    ("cell", "first_line"),
    [
        ("%%gemini --bogus\nhi", "unrecognized arguments: --bogus"),
        ("%%gemini -t hot\nhi", "argument -t/--temperature: invalid float value: 'hot'"),
        ("%%gemini -t 9\nhi", "temperature must be between 0 and 2, got 9.0."),
        ("%%gemini --format html\nhi", "argument --format: invalid choice: 'html'"),
        ("%%gemini --image /no/such.png\nhi", "'/no/such.png' is not a file, a variable"),
        ("%%gemini\n   ", "Nothing to send: the prompt is empty."),
    ],
)
def test_bad_input_gives_one_sentence_and_the_usage_line(ip, offline, cell, first_line):
    with pytest.raises(UsageError) as caught:
        run(ip, cell)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(first_line)
    assert lines[1].startswith("usage: %gemini [-m MODEL[,MODEL...]]")
    assert len(lines) == 2
    assert not offline.requests


def test_live_backend_without_key_says_how_to_set_it(ip, offline):
    with pytest.raises(UsageError) as caught:
        run(ip, "%gemini backend live")
    assert "GEMINI_API_KEY" in str(caught.value) and "offline" in str(caught.value)


def test_config_defaults_apply_and_are_validated(ip, offline):
    magics = ip.magics_manager.registry["GeminiMagics"]
    run(ip, "%config GeminiMagics.temperature = 0.25")
    try:
        run(ip, "%%gemini\nhi")
        assert offline.requests[-1].config["temperature"] == 0.25
        with pytest.raises(Exception, match="temperature must be between 0 and 2"):
            magics.temperature = 5.0
        assert magics.temperature == 0.25
    finally:
        magics.temperature = None


def test_line_magic_prompt_and_subcommands(ip, offline, capsys):
    offline.script("short answer", prompt="what is 2+2")
    result = run(ip, "%gemini what is 2+2")
    assert result.text == "short answer"
    run(ip, "%gemini models")
    run(ip, "%gemini config")
    out = capsys.readouterr().out
    assert "gemini-2.5-flash - Gemini 2.5 Flash (offline demo)" in out
    assert "backend: offline server" in out


def test_attachments_become_parts(ip, offline, tmp_path):
    image = tmp_path / "dot.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    run(ip, f"%%gemini --image {image} --file gs://bucket/report.pdf\nDescribe these")
    parts = offline.requests[-1].body["contents"][0]["parts"]
    # As google-genai 3.6 sends them: camelCase part kinds, snake_case fields inside.
    assert parts[0]["inlineData"]["mime_type"] == "image/png"
    assert parts[1]["fileData"] == {
        "file_uri": "gs://bucket/report.pdf",
        "mime_type": "application/pdf",
    }
    assert parts[2]["text"] == "Describe these"


def test_chats_history_and_reset_subcommands(ip, offline, capsys):
    offline.script("Noted.", prompt="Remember 7")
    run(ip, "%%gemini --chat numbers\nRemember 7")
    run(ip, "%gemini chats")
    assert "numbers: 1 turn\n" in capsys.readouterr().out
    run(ip, "%gemini history numbers")
    run(ip, "%gemini reset numbers")
    assert "Conversation 'numbers' forgotten." in capsys.readouterr().out
    with pytest.raises(UsageError, match="No conversation named 'numbers'"):
        run(ip, "%gemini history numbers")


def test_retries_and_timeout_options_and_defaults(ip, offline, wait_for_requests):
    from gemini_widgets.offline import Fault

    magics = ip.magics_manager.registry["GeminiMagics"]
    offline.script("fine now", prompt="hi")
    offline.fail_next(Fault.http(503, retry_after=0))
    result = run(ip, "%%gemini --retries 2\nhi")
    assert result.text == "fine now" and result.attempts == 2 and len(offline.requests) == 2

    offline.fail_next(Fault.http(503, retry_after=0))
    failed = run(ip, "%%gemini --retries 1\nhi")
    assert failed.error.code == 503 and len(offline.requests) == 3

    offline.fail_next(Fault.slow(first_chunk=30))  # never in time, however busy the machine
    silent = run(ip, "%%gemini --timeout 0.3\nhi")
    wait_for_requests(offline, 4)  # the one it gave up on, before the next test counts
    assert silent.error.kind == "timeout"
    assert silent.error.message == (
        "No response for 0.3 s, so the stream was ended; a longer timeout lets a slow model finish."
    )

    with pytest.raises(UsageError, match="timeout must be a number of seconds > 0"):
        run(ip, "%%gemini --timeout 0\nhi")
    with pytest.raises(Exception, match="retry must be a number of attempts >= 0"):
        magics.retries = -2
    assert magics.retries == 4 and magics.timeout == 120.0


def test_continue_subcommand_completes_the_last_cut_answer(ip, offline):
    from gemini_widgets.offline import Fault

    whole = run(ip, "%%gemini --seed 4\nExplain tries in 500 words").text
    offline.fail_next(Fault.drop(after=4))
    cut = run(ip, "%%gemini --seed 4\nExplain tries in 500 words")
    assert cut.error.kind == "connection" and whole.startswith(cut.text)
    continued = run(ip, "%gemini continue")
    assert continued is cut and continued.text == whole and continued.ok
    with pytest.raises(UsageError, match="Nothing to continue"):
        run(ip, "%gemini continue")


def test_a_continued_chat_answer_is_recorded_whole_in_the_chat(ip, offline):
    from gemini_widgets.offline import Fault

    run(ip, "%%gemini --chat notes\nHello")
    offline.fail_next(Fault.drop(after=3))
    cut = run(ip, "%%gemini --chat notes\nExplain heaps in 400 words")
    assert cut.error is not None
    history = conversations["notes"].history
    assert [c.parts[0].text for c in history if c.role == "user"] == ["Hello"]
    whole = run(ip, "%gemini continue").text
    history = conversations["notes"].history
    users = [c.parts[0].text for c in history if c.role == "user"]
    assert users == ["Hello", "Explain heaps in 400 words"]
    assert "".join(p.text for p in history[-1].parts) == whole


def test_tools_name_functions_from_the_namespace_and_gemini_tools(ip, offline):
    ip.user_ns["get_weather"] = get_weather
    result = run(ip, "%%gemini --tools get_weather --max-tool-calls 2\nWeather in Paris?")
    [declared] = offline.requests[0].body["tools"][0]["functionDeclarations"]
    assert declared["name"] == "get_weather"
    assert declared["description"] == "The weather in a city, now."
    assert result.function_calls[0].result == get_weather("Paris")
    run(ip, "%%gemini --tools google_search,url_context\nSee https://example.com/a")
    assert offline.requests[-1].body["tools"] == [{"googleSearch": {}}, {"urlContext": {}}]
    with pytest.raises(UsageError) as caught:
        run(ip, "%%gemini --tools get_wether\nhi")
    assert str(caught.value).splitlines()[0] == (
        "--tools get_wether: no variable of that name nor one of google_search, "
        "code_execution, url_context."
    )


def get_weather(city: str) -> dict:
    """The weather in a city, now."""
    return {"city": city, "celsius": 21}


def test_config_prices_price_every_answer_and_are_validated(ip, offline):
    from traitlets.config import Config

    from gemini_widgets.magics import GeminiMagics
    from gemini_widgets.prices import price_for, set_prices

    magics = ip.magics_manager.registry["GeminiMagics"]
    try:
        offline.script("Four words of answer.")
        shipped = run(ip, "%%gemini -m gemini-2.5-flash\nhi").cost.usd
        run(
            ip, "%config GeminiMagics.prices = {'gemini-2.5-flash': {'input': 100, 'output': 1000}}"
        )
        offline.script("Four words of answer.")
        result = run(ip, "%%gemini -m gemini-2.5-flash\nhi")
        usage = result.usage
        expected = (usage.prompt_token_count * 100 + usage.candidates_token_count * 1000) / 1e6
        assert result.cost.usd == pytest.approx(expected) and expected > 100 * shipped
        with pytest.raises(Exception, match=r"'input' \(USD per 1M prompt tokens\) is needed"):
            magics.prices = {"gemini-2.5-flash": {"output": 1}}
        assert price_for("gemini-2.5-flash").tiers[0].input == 100  # left as it was
        magics.prices = {}
        assert price_for("gemini-2.5-flash").tiers[0].input == 0.30
        # As ipython_config.py gives it: applied when the magics are made.
        config = Config({"GeminiMagics": {"prices": {"my-model": {"input": 1, "output": 2}}}})
        GeminiMagics(shell=ip, config=config)
        assert price_for("my-model").tiers[0].output == 2
    finally:
        magics.prices = {}
        set_prices(None)
