"""The offline server answers Gemini's built-in tools, and the real SDK parses each answer:
Google Search grounding, code execution, URL context, and images.

Every answer is also read raw over HTTP and validated event by event against
``types.GenerateContentResponse`` (``extra='forbid'``): the SDK's own parser drops fields it
does not know, so a misspelt field would otherwise pass unseen.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from typing import Any

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from gemini_widgets.offline import CodeLimits, Fault, OfflineGemini, Pacing

SEARCH = types.Tool(google_search=types.GoogleSearch())
CODE = types.Tool(code_execution=types.ToolCodeExecution())
URLS = types.Tool(url_context=types.UrlContext())
IMAGE_MODEL = "gemini-2.5-flash-image"
GEMINI_3 = "gemini-3-flash-preview"


@pytest.fixture(autouse=True)
def _quiet_sdk(caplog: pytest.LogCaptureFixture) -> None:
    # response.text warns once when an answer holds parts other than text: expected here.
    caplog.set_level(logging.ERROR, logger="google_genai.types")


def stream(client: genai.Client, model: str, prompt: str, **config: Any) -> list[Any]:
    return list(
        client.models.generate_content_stream(
            model=model, contents=prompt, config=types.GenerateContentConfig(**config)
        )
    )


def parts_of(chunks: list[types.GenerateContentResponse]) -> list[types.Part]:
    return [p for c in chunks for p in c.candidates[0].content.parts or []]


def answer_text(chunks: list[types.GenerateContentResponse]) -> str:
    """The candidate's text parts across all chunks, joined: what supports point into."""
    return "".join(p.text for p in parts_of(chunks) if p.text is not None and not p.thought)


def kinds(parts: list[types.Part]) -> list[str]:
    """Each part's kind, runs of text parts counted once: ["text", "executable_code", ...]."""
    names = [next(k for k, v in p.model_dump(exclude_none=True).items() if k not in (
        "thought", "thought_signature")) for p in parts]  # fmt: skip
    return [n for i, n in enumerate(names) if i == 0 or n != names[i - 1] or n != "text"]


# ---- Google Search grounding -------------------------------------------------------------


def test_grounding_supports_point_at_their_bytes_in_text_with_emoji_and_cjk(client, model):
    prompt = "What do people say about the Kyoto café 🍵 東京タワー?"
    chunks = stream(client, model, prompt, tools=[SEARCH])
    with_metadata = [c for c in chunks if c.candidates[0].grounding_metadata]
    assert with_metadata == [chunks[-1]], "Gemini sends groundingMetadata on the last chunk"
    grounding = chunks[-1].candidates[0].grounding_metadata
    data = answer_text(chunks).encode("utf-8")
    assert len(data) > len(answer_text(chunks))  # there are multi-byte characters
    assert grounding.grounding_supports
    for support in grounding.grounding_supports:
        segment = support.segment
        start = segment.start_index or 0  # proto3 JSON leaves a zero start out
        assert data[start : segment.end_index].decode("utf-8") == segment.text
        assert len(support.confidence_scores) == len(support.grounding_chunk_indices)
        assert all(
            0 <= i < len(grounding.grounding_chunks) for i in support.grounding_chunk_indices
        )
    supported = " ".join(s.segment.text for s in grounding.grounding_supports)
    assert "🌏" in supported and "日本語" in supported
    assert "🍵 東京タワー" in supported  # the prompt's own non-ASCII words, quoted and sourced
    assert any(s.segment.start_index is None for s in grounding.grounding_supports)


def test_grounded_answer_has_sources_queries_and_a_search_entry_point(client, model):
    chunks = stream(client, model, "Explain the history of the printing press", tools=[SEARCH])
    grounding = chunks[-1].candidates[0].grounding_metadata
    assert grounding.web_search_queries and "printing press" in grounding.web_search_queries[0]
    for source in grounding.grounding_chunks:
        assert source.web.uri.startswith(f"https://{source.web.title}/")
        assert source.web.title.endswith(".example")  # reserved: nothing can fetch it
    html = grounding.search_entry_point.rendered_content
    assert html.startswith("<style>") and "</style>" in html
    for query in grounding.web_search_queries:
        assert f">{query}</a>" in html
    assert "https://www.google.com/search?q=" in html
    usage = chunks[-1].usage_metadata
    assert usage.tool_use_prompt_token_count > 0
    assert usage.total_token_count == (
        usage.prompt_token_count
        + usage.tool_use_prompt_token_count
        + (usage.thoughts_token_count or 0)
        + usage.candidates_token_count
    )


def test_generate_content_gives_a_grounded_answer_in_one_response(client, model):
    response = client.models.generate_content(
        model=model,
        contents="Tell me about Ελληνικά alphabets 🔤",
        config=types.GenerateContentConfig(tools=[SEARCH]),
    )
    candidate = response.candidates[0]
    [part] = candidate.content.parts  # the streamed text pieces, merged
    data = part.text.encode()
    for support in candidate.grounding_metadata.grounding_supports:
        start = support.segment.start_index or 0
        assert data[start : support.segment.end_index].decode() == support.segment.text


def test_search_queries_in_the_chip_are_escaped(client, model):
    prompt = 'Explain <script>alert("x")</script> injection'
    chunks = stream(client, model, prompt, tools=[SEARCH])
    html = chunks[-1].candidates[0].grounding_metadata.search_entry_point.rendered_content
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("prompt", "about", "queries"),
    [
        ("How tall is the Eiffel Tower?", "the Eiffel Tower", ["Eiffel Tower height"]),
        (
            "How tall is the Eiffel Tower, and when was it built?",
            "the Eiffel Tower",
            ["Eiffel Tower height", "when was the Eiffel Tower built"],
        ),
        (
            "What does https://peps.python.org/pep-0008/ say about line length?",
            "line length",
            ["pep-0008 line length"],
        ),
        ("What is the capital of France?", "the capital of France", ["capital of France"]),
        ("Who invented the telescope? 🔭", "the telescope", ["who invented the telescope"]),
    ],
)
def test_grounded_text_is_about_a_noun_phrase_of_the_prompt_and_searches_read_naturally(
    client, model, prompt, about, queries
):
    chunks = stream(client, model, prompt, tools=[SEARCH, URLS])
    grounding = chunks[-1].candidates[0].grounding_metadata
    assert grounding.web_search_queries == queries
    text = answer_text(chunks)
    assert f"A detailed article on {about} at " in text
    assert "Tall" not in text and "https" not in " ".join(queries)
    slug = about.removeprefix("the ").lower().replace(" ", "-")
    assert all(c.web.uri.endswith(f"/{slug}") for c in grounding.grounding_chunks)


# ---- URL context -----------------------------------------------------------------------------


def test_url_context_lists_the_prompts_urls_and_fetches_none(client, model):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    local = f"http://127.0.0.1:{listener.getsockname()[1]}/notes.html"
    prompt = (
        f"Compare https://docs.example.org/guide/binary-search, {local} and https://example.com."
    )
    try:
        chunks = stream(client, model, prompt, tools=[URLS])
        with pytest.raises(BlockingIOError):  # nobody came to read the local page
            listener.accept()
    finally:
        listener.close()
    metadata = chunks[-1].candidates[0].url_context_metadata.url_metadata
    assert [(m.retrieved_url, m.url_retrieval_status.value) for m in metadata] == [
        ("https://docs.example.org/guide/binary-search", "URL_RETRIEVAL_STATUS_SUCCESS"),
        (local, "URL_RETRIEVAL_STATUS_ERROR"),  # loopback: Gemini's fetcher cannot reach it
        ("https://example.com", "URL_RETRIEVAL_STATUS_SUCCESS"),
    ]
    text = answer_text(chunks)
    assert "docs.example.org" in text and "binary search" in text
    assert "fetched none" in text
    assert chunks[-1].usage_metadata.tool_use_prompt_token_count > 0


def test_url_context_and_search_together_send_both_metadata(client, model):
    prompt = "What does https://example.com/tides/spring-tides say about tides?"
    chunks = stream(client, model, prompt, tools=[SEARCH, URLS])
    candidate = chunks[-1].candidates[0]
    assert candidate.url_context_metadata.url_metadata[0].retrieved_url.endswith("spring-tides")
    data = answer_text(chunks).encode()
    for support in candidate.grounding_metadata.grounding_supports:  # offsets after the lead
        assert data[support.segment.start_index : support.segment.end_index].decode() == (
            support.segment.text
        )


# ---- built-in tools with functions -----------------------------------------------------------

WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="The current weather in a city.",
    parameters_json_schema={"type": "object", "properties": {"city": {"type": "string"}}},
)
WEATHER_TOOL = types.Tool(function_declarations=[WEATHER])
SHOWN = types.ToolConfig(include_server_side_tool_invocations=True)
NORTHERNMOST = (
    "What is the northernmost city in the United States? What's the weather like there today?"
)


@pytest.mark.parametrize("built_in", [SEARCH, CODE, URLS], ids=["search", "code", "url"])
@pytest.mark.parametrize("name", ["gemini-2.5-flash", "gemini-2.0-flash"])
def test_gemini_2_refuses_its_own_tools_with_functions_before_any_chunk(client, name, built_in):
    got = []
    with pytest.raises(errors.ClientError) as raised:
        for chunk in client.models.generate_content_stream(
            model=name,
            contents="What's the weather in Paris?",
            config=types.GenerateContentConfig(tools=[built_in, WEATHER_TOOL], tool_config=SHOWN),
        ):
            got.append(chunk)
    assert got == []
    assert (raised.value.code, raised.value.status) == (400, "INVALID_ARGUMENT")
    assert raised.value.message == "Tool use with function calling is unsupported by the model."


def test_gemini_3_asks_for_server_side_invocations_to_combine_tools(client, server):
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(
            model=GEMINI_3,
            contents="What's the weather in Paris?",
            config=types.GenerateContentConfig(tools=[SEARCH, WEATHER_TOOL]),
        )
    assert (raised.value.code, raised.value.status) == (400, "INVALID_ARGUMENT")
    assert raised.value.message == (
        "Please enable tool_config.include_server_side_tool_invocations to use Built-in tools "
        "with Function calling."
    )
    # The SDK sends the flag in toolConfig; with it, the same request is answered.
    response = client.models.generate_content(
        model=GEMINI_3,
        contents="What's the weather in Paris?",
        config=types.GenerateContentConfig(tools=[SEARCH, WEATHER_TOOL], tool_config=SHOWN),
    )
    assert server.requests[-1].body["toolConfig"] == {"includeServerSideToolInvocations": True}
    assert response.function_calls[0].args == {"city": "Paris"}


def test_with_the_flag_the_search_shows_as_tool_parts_before_the_grounded_text(client):
    chunks = stream(
        client, GEMINI_3, "How tall is the Eiffel Tower?", tools=[SEARCH, WEATHER_TOOL],
        tool_config=SHOWN,
    )  # fmt: skip
    parts = parts_of(chunks)
    assert kinds(parts) == ["tool_call", "tool_response", "text"]
    call, response = parts[0].tool_call, parts[1].tool_response
    assert call.tool_type == response.tool_type == types.ToolType.GOOGLE_SEARCH_WEB
    assert call.id and call.id == response.id
    grounding = chunks[-1].candidates[0].grounding_metadata
    assert (
        call.args
        == {"queries": grounding.web_search_queries}
        == {"queries": ["Eiffel Tower height"]}
    )
    assert response.response["search_suggestions"] == grounding.search_entry_point.rendered_content
    assert parts[0].thought_signature and parts[1].thought_signature  # Gemini 3 signs each
    data = answer_text(chunks).encode()
    for support in grounding.grounding_supports:
        start = support.segment.start_index or 0
        assert data[start : support.segment.end_index].decode() == support.segment.text


def test_with_the_flag_url_context_shows_its_fetch_as_tool_parts(client):
    chunks = stream(
        client, GEMINI_3, "Summarise https://example.com/tides and http://127.0.0.1/notes",
        tools=[URLS, WEATHER_TOOL], tool_config=SHOWN,
    )  # fmt: skip
    parts = parts_of(chunks)
    assert kinds(parts) == ["tool_call", "tool_response", "text"]
    call, response = parts[0].tool_call, parts[1].tool_response
    assert call.tool_type == response.tool_type == types.ToolType.URL_CONTEXT
    assert call.args == {"urls": ["https://example.com/tides", "http://127.0.0.1/notes"]}
    assert response.response == {"urls_metadata": [
        {"retrieved_url": "https://example.com/tides",
         "url_retrieval_status": "URL_RETRIEVAL_STATUS_SUCCESS"},
        {"retrieved_url": "http://127.0.0.1/notes",
         "url_retrieval_status": "URL_RETRIEVAL_STATUS_ERROR"},
    ]}  # fmt: skip


def test_a_prompt_asking_for_both_searches_then_calls_and_the_answer_is_grounded(client, server):
    cities: list[str] = []

    def get_weather(city: str) -> dict:
        """The current weather in a city."""
        cities.append(city)
        return {"temperature_c": -12, "sky": "snow"}

    config = types.GenerateContentConfig(tools=[SEARCH, get_weather], tool_config=SHOWN)
    chunks = list(
        client.models.generate_content_stream(model=GEMINI_3, contents=NORTHERNMOST, config=config)
    )
    assert len(cities) == 1  # the function ran once, after the search
    _, second = server.requests
    # The SDK keeps one model turn per streamed chunk, and sends each back as received.
    step = [p for c in second.body["contents"] if c["role"] == "model" for p in c["parts"]]
    assert [next(k for k in p if k != "thoughtSignature") for p in step] == [
        "toolCall", "toolResponse", "functionCall",
    ]  # fmt: skip
    assert step[0]["toolCall"]["args"] == {"queries": ["northernmost city in the United States"]}
    assert all("thoughtSignature" in p for p in step)
    text = answer_text(chunks)
    assert "temperature c -12 and sky snow" in text
    assert "A detailed article on the northernmost city in the United States" in text
    grounding = chunks[-1].candidates[0].grounding_metadata
    assert grounding.web_search_queries == ["northernmost city in the United States"]


def test_a_prompt_asking_for_both_gets_the_search_parts_then_the_call_in_one_answer(client):
    response = client.models.generate_content(
        model=GEMINI_3,
        contents=NORTHERNMOST,
        config=types.GenerateContentConfig(tools=[SEARCH, WEATHER_TOOL], tool_config=SHOWN),
    )
    parts = response.candidates[0].content.parts
    assert kinds(parts) == ["tool_call", "tool_response", "function_call"]
    assert parts[2].function_call.name == "get_weather" and parts[2].function_call.id
    grounding = response.candidates[0].grounding_metadata
    assert grounding.web_search_queries == ["northernmost city in the United States"]
    assert len(grounding.grounding_chunks) == 3 and not grounding.grounding_supports


# ---- code execution --------------------------------------------------------------------------


def test_code_execution_shows_code_that_really_ran(client, model):
    chunks = stream(client, model, "What are the mean and median of 3, 5, 8 and 13?", tools=[CODE])
    parts = parts_of(chunks)
    assert kinds(parts) == ["text", "executable_code", "code_execution_result", "text"]
    code = next(p.executable_code for p in parts if p.executable_code)
    result = next(p.code_execution_result for p in parts if p.code_execution_result)
    assert code.language == types.Language.PYTHON
    assert "[3, 5, 8, 13]" in code.code
    ran = subprocess.run([sys.executable, "-c", code.code], capture_output=True, text=True)
    assert result.outcome == types.Outcome.OUTCOME_OK
    assert result.output == ran.stdout
    after = "".join(
        p.text
        for p in parts[parts.index(next(p for p in parts if p.code_execution_result)) :]
        if p.text
    )
    assert "mean: 7.25" in after and "median: 6.5" in after


def test_code_that_fails_reports_the_tracebacks_last_line(client, model):
    chunks = stream(client, model, "What is 5 divided by 0?", tools=[CODE])
    result = next(p.code_execution_result for p in parts_of(chunks) if p.code_execution_result)
    assert result.outcome == types.Outcome.OUTCOME_FAILED
    assert result.output.endswith("ZeroDivisionError: division by zero")
    assert "failed with `ZeroDivisionError: division by zero`" in answer_text(chunks)


def test_code_over_its_memory_limit_fails(client, model):
    chunks = stream(client, model, "How many primes are there below 10000000000?", tools=[CODE])
    result = next(p.code_execution_result for p in parts_of(chunks) if p.code_execution_result)
    assert (result.outcome, result.output) == (types.Outcome.OUTCOME_FAILED, "MemoryError")


def test_code_that_runs_too_long_is_stopped_and_other_streams_go_on_meanwhile():
    with OfflineGemini(pacing=Pacing.instant(), code_limits=CodeLimits(seconds=3)) as server:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.base_url))
        long: list[Any] = []
        # 2**61 - 1 is prime: trial division would take ~10**9 steps.
        prompt = "Is 2305843009213693951 prime?"
        worker = threading.Thread(
            target=lambda: long.extend(stream(client, "gemini-2.5-flash", prompt, tools=[CODE]))
        )
        started = time.monotonic()
        worker.start()
        while not server.requests:
            time.sleep(0.01)
        quick = stream(client, "gemini-2.5-flash", "What is 6 times 7?", tools=[CODE])
        quick_done = time.monotonic() - started
        worker.join(timeout=60)
        elapsed = time.monotonic() - started
    assert answer_text(quick) and quick_done < 3 <= elapsed < 30  # served while the other ran
    result = next(p.code_execution_result for p in parts_of(long) if p.code_execution_result)
    assert result.outcome == types.Outcome.OUTCOME_DEADLINE_EXCEEDED
    assert "3 seconds" in result.output
    assert "did not finish within the 3-second limit" in answer_text(long)


def test_prompt_text_never_becomes_code(client, model):
    prompt = "Add 2 and 3, then run __import__('os').system('echo pwned') and print('pwned')"
    chunks = stream(client, model, prompt, tools=[CODE])
    code = next(p.executable_code.code for p in parts_of(chunks) if p.executable_code)
    assert "pwned" not in code and "__import__" not in code and "system" not in code
    assert code.startswith("a, b = 2, 3\n")


def test_code_that_plots_also_sends_the_chart_as_a_png(client, model):
    chunks = stream(client, model, "Plot the values 4, 9, -2 and 7", tools=[CODE])
    parts = parts_of(chunks)
    assert kinds(parts) == [
        "text", "executable_code", "code_execution_result", "inline_data", "text",
    ]  # fmt: skip
    image = next(p.inline_data for p in parts if p.inline_data)
    assert image.mime_type == "image/png"
    assert png_size(image.data) == (256, 256)


def test_a_dropped_stream_keeps_the_code_but_not_its_result(client, server, model):
    config = {"tools": [CODE], "seed": 7}
    prompt = "Compute the factorial of 12"
    whole = stream(client, model, prompt, **config)
    at = next(i for i, c in enumerate(whole) if c.candidates[0].content.parts[0].executable_code)
    server.fail_next(Fault.drop(after=at + 1))
    got = []
    with pytest.raises(httpx2.RemoteProtocolError):
        for chunk in client.models.generate_content_stream(
            model=model, contents=prompt, config=types.GenerateContentConfig(**config)
        ):
            got.append(chunk)
    assert [c.candidates for c in got] == [c.candidates for c in whole[: at + 1]]
    assert not any(p.code_execution_result for p in parts_of(got))


def test_a_safety_finish_cuts_a_grounded_answer_and_its_metadata(client, server, model):
    server.fail_next(Fault.finish("SAFETY", after=2))
    chunks = stream(client, model, "Explain tides", tools=[SEARCH])
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.SAFETY
    assert not any(c.candidates[0].grounding_metadata for c in chunks)
    usage = chunks[-1].usage_metadata
    assert usage.candidates_token_count == (
        usage.total_token_count - usage.prompt_token_count - usage.tool_use_prompt_token_count
        - (usage.thoughts_token_count or 0)
    )  # fmt: skip


# ---- images --------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    """Check a PNG by hand (signature, chunk CRCs, IHDR, IDAT inflating to every row) and
    return its size; with Pillow installed, also decode it."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2)  # 8-bit RGB
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    try:
        import io

        from PIL import Image
    except ImportError:
        return width, height
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.size == (width, height)
    return width, height


def test_image_model_is_listed_and_answers_with_text_and_a_png(client):
    assert f"models/{IMAGE_MODEL}" in [m.name for m in client.models.list()]
    chunks = stream(client, IMAGE_MODEL, "A lighthouse at dusk")
    parts = parts_of(chunks)
    assert kinds(parts) == ["text", "inline_data"]
    [image] = [p.inline_data for p in parts if p.inline_data]
    assert png_size(image.data) == (256, 256)
    assert "lighthouse" in answer_text(chunks)
    again = stream(client, IMAGE_MODEL, "A lighthouse at dusk")
    assert [p.inline_data for p in parts_of(again) if p.inline_data] == [image]  # deterministic
    details = {
        d.modality.value: d.token_count for d in chunks[-1].usage_metadata.candidates_tokens_details
    }
    assert details["IMAGE"] == 1290


def test_response_modalities_image_only_answers_with_the_image_alone(client, model):
    chunks = stream(client, model, "A red fox", response_modalities=["IMAGE"])
    assert kinds(parts_of(chunks)) == ["inline_data"]
    image = chunks[0].candidates[0].content.parts[0].inline_data
    assert png_size(image.data) == (256, 256)


# ---- the raw wire format ---------------------------------------------------------------------


def raw_events(server: OfflineGemini, model: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.base_url}/v1beta/models/{model}:streamGenerateContent?alt=sse",
        data=json.dumps(body).encode(),
        headers={"x-goog-api-key": "k", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        lines = response.read().decode().split("\r\n\r\n")
    return [json.loads(line.removeprefix("data: ")) for line in lines if line.strip()]


@pytest.mark.parametrize(
    ("tools", "prompt", "extra"),
    [
        ([{"googleSearch": {}}], "Who invented the telescope? 🔭", {}),
        ([{"codeExecution": {}}], "Plot 1, 2 and 3", {}),
        ([{"urlContext": {}}], "Read https://example.com/a", {}),
        ([], "A sunrise", {"generationConfig": {"responseModalities": ["TEXT", "IMAGE"]}}),
        (
            [{"functionDeclarations": [{"name": "get_weather", "parameters": {
                "type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}],
            "Weather in Oslo and Lima?",
            {"generationConfig": {"thinkingConfig": {"includeThoughts": True}}},
        ),
    ],
    ids=["search", "code", "url", "image", "calls"],
)  # fmt: skip
def test_every_event_validates_strictly_and_a_seed_repeats_it(server, tools, prompt, extra):
    body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}], "tools": tools, **extra}
    body.setdefault("generationConfig", {})["seed"] = 5
    events = raw_events(server, "gemini-2.5-flash", body)
    again = raw_events(server, "gemini-2.5-flash", body)
    assert [e["candidates"] for e in again] == [e["candidates"] for e in events]
    for event in events:
        types.GenerateContentResponse.model_validate(event)  # extra='forbid': no unknown field
    parts = [p for e in events for p in e["candidates"][0].get("content", {}).get("parts", [])]
    for part in parts:
        if "inlineData" in part:
            assert base64.b64decode(part["inlineData"]["data"], validate=True)[:4] == b"\x89PNG"
        if "thoughtSignature" in part:
            assert base64.b64decode(part["thoughtSignature"], validate=True)
