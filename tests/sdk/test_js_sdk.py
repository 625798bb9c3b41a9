"""The official JS SDK (``@google/genai`` from npm) streams from the offline server too.

Each test runs ``node tests/sdk/js_client/stream.mjs`` against the session's server and reads
the JSON lines it prints: one per chunk or result, and one ``error`` line (exit code 0) when
the SDK throws. ``scripts/setup`` installs the client's pinned packages with ``npm ci``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from node_client import run_node_client, skip_without_the_js_sdk

from gemini_widgets.offline import Fault, OfflineGemini
from gemini_widgets.offline.wire import count_tokens

skip_without_the_js_sdk()

API_KEY = "js-sdk-secret-key-1234"
WORDS = [f"w{i} " for i in range(10)]
Event = dict[str, Any]


def run_js(
    server: OfflineGemini,
    call: str,
    *prompts: str,
    model: str = "gemini-2.5-flash",
    api_version: str = "v1beta",
    config: dict[str, Any] | None = None,
    api_key: str = API_KEY,
    extra: tuple[str, ...] = (),
) -> list[Event]:
    """Run the JS client once and return the events it printed, in order."""
    args = ["--call", call, "--base-url", server.base_url]
    args += ["--api-version", api_version, "--model", model, "--api-key", api_key]
    args += ["--config", json.dumps(config or {})]
    for prompt in prompts or ("Hello",):
        args += ["--prompt", prompt]
    return run_node_client("stream.mjs", *args, *extra)


def chunks_of(events: list[Event]) -> list[Event]:
    return [e for e in events if e["event"] == "chunk"]


def only_error(events: list[Event]) -> Event:
    errors = [e for e in events if e["event"] == "error"]
    assert len(errors) == 1, events
    assert events[-1] is errors[0], "the error must be the last thing the SDK reports"
    return errors[0]


def api_error_body(error: Event) -> dict[str, Any]:
    """The JSON body an ApiError carries in its message (after 'got status: X. ' mid-stream)."""
    message = error["message"]
    return json.loads(message[message.index("{") :])


# ---- streaming --------------------------------------------------------------------------


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_scripted_answer_streams_chunk_by_chunk(server, model, api_version):
    server.script("Hello", ", ", "world", "!")
    events = run_js(server, "stream", "greet me", model=model, api_version=api_version)
    chunks = chunks_of(events)
    assert events[-1] == {"event": "done"}
    assert [c["text"] for c in chunks] == ["Hello", ", ", "world", "!"]
    assert [c["index"] for c in chunks] == [0, 1, 2, 3]
    assert [c["finishReason"] for c in chunks] == [None, None, None, "STOP"]
    assert all(c["modelVersion"] == model for c in chunks)
    request = server.requests[-1]
    assert request.api_version == api_version
    assert request.action == "streamGenerateContent"
    assert request.path == f"/{api_version}/models/{model}:streamGenerateContent"
    assert request.body["contents"] == [{"parts": [{"text": "greet me"}], "role": "user"}]


def test_usage_metadata_on_every_chunk_is_a_running_total(server, model):
    server.script("one ", "two ", "three")
    chunks = chunks_of(run_js(server, "stream", "count", model=model))
    usage = [c["usageMetadata"] for c in chunks]
    assert all(u is not None and u["totalTokenCount"] > 0 for u in usage)
    totals = [u["totalTokenCount"] for u in usage]
    assert totals == sorted(totals)
    last = usage[-1]
    assert last["candidatesTokenCount"] == count_tokens("one two three")
    assert last["totalTokenCount"] == last["promptTokenCount"] + last["candidatesTokenCount"]


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_demo_answer_arrives_as_many_chunks_of_markdown(server, model, api_version):
    events = run_js(
        server, "stream", "Explain binary search in 300 words", model=model, api_version=api_version
    )
    chunks = chunks_of(events)
    text = "".join(c["text"] or "" for c in chunks)
    assert events[-1] == {"event": "done"}
    assert len(chunks) > 20
    assert text.lstrip().startswith("#")
    assert "```" in text and "|" in text
    assert 200 < len(text.split()) < 420
    assert chunks[-1]["finishReason"] == "STOP"
    assert all(c["finishReason"] is None for c in chunks[:-1])


def test_thought_parts_are_flagged_and_left_out_of_text(server, model):
    server.script("Answer ", "here.", thoughts=["Let me ", "think."])
    config = {"thinkingConfig": {"includeThoughts": True}}
    chunks = chunks_of(run_js(server, "stream", "x", model=model, config=config))
    assert [(p["text"], p["thought"]) for c in chunks for p in c["parts"]] == [
        ("Let me ", True),
        ("think.", True),
        ("Answer ", False),
        ("here.", False),
    ]
    assert [c["text"] for c in chunks] == [None, None, "Answer ", "here."]
    assert chunks[-1]["usageMetadata"]["thoughtsTokenCount"] > 0


def test_generation_config_reaches_the_server_as_gemini_reads_it(server, model):
    server.script("ok")
    generation = {
        "temperature": 0.2,
        "topP": 0.9,
        "topK": 20,
        "maxOutputTokens": 100,
        "stopSequences": ["END"],
        "seed": 3,
        "thinkingConfig": {"includeThoughts": True, "thinkingBudget": 512},
    }
    config = {**generation, "systemInstruction": "Be brief."}
    events = run_js(server, "stream", "x", model=model, config=config)
    assert events[-1] == {"event": "done"}
    request = server.requests[-1]
    assert request.status == 200
    # every generation field as sent; the system instruction goes to the body, not the config
    assert request.config == generation
    assert request.body["systemInstruction"]["parts"] == [{"text": "Be brief."}]


# ---- the other calls ----------------------------------------------------------------------


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_generate_content_returns_the_whole_answer(server, model, api_version):
    server.script("whole ", "answer")
    events = run_js(server, "generate", "x", model=model, api_version=api_version)
    assert [e["event"] for e in events] == ["result", "done"]
    result = events[0]
    assert result["text"] == "whole answer"
    assert result["finishReason"] == "STOP"
    assert result["usageMetadata"]["candidatesTokenCount"] == count_tokens("whole answer")
    assert server.requests[-1].path == f"/{api_version}/models/{model}:generateContent"


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_count_tokens_agrees_with_the_python_sdk(client, server, model, api_version):
    prompt = "How many tokens are in this sentence, counted offline?"
    events = run_js(server, "count", prompt, model=model, api_version=api_version)
    assert [e["event"] for e in events] == ["count", "done"]
    python = client.models.count_tokens(model=model, contents=prompt).total_tokens
    assert events[0]["totalTokens"] == python > 0
    short = run_js(server, "count", "hi", model=model, api_version=api_version)[0]
    assert 0 < short["totalTokens"] < events[0]["totalTokens"]
    assert server.requests[0].path == f"/{api_version}/models/{model}:countTokens"


def test_list_models_pages_through_the_catalogue(server, model):
    events = run_js(server, "list", model=model)
    models = [e for e in events if e["event"] == "model"]
    assert events[-1] == {"event": "done"}
    assert f"models/{model}" in [m["name"] for m in models]
    assert all("streamGenerateContent" in m["supportedActions"] for m in models)
    assert server.requests[-1].action == "list"


def test_chat_sends_the_first_turn_with_the_second(server, model):
    server.script("Nice to meet you, ", "Ada.", prompt="My name is Ada.")
    server.script("Your name ", "is Ada.", prompt="What is my name?")
    events = run_js(server, "chat", "My name is Ada.", "What is my name?", model=model)
    chunks = chunks_of(events)
    assert events[-1] == {"event": "done"}
    assert [(c["turn"], c["text"]) for c in chunks] == [
        (0, "Nice to meet you, "),
        (0, "Ada."),
        (1, "Your name "),
        (1, "is Ada."),
    ]
    first, second = server.requests
    assert first.body["contents"] == [{"role": "user", "parts": [{"text": "My name is Ada."}]}]
    sent = second.body["contents"]
    assert sent[0] == {"role": "user", "parts": [{"text": "My name is Ada."}]}
    # The JS SDK, like google-genai 3.6, keeps one model Content per streamed chunk.
    assert "".join(p["text"] for c in sent if c["role"] == "model" for p in c["parts"]) == (
        "Nice to meet you, Ada."
    )
    assert sent[-1] == {"role": "user", "parts": [{"text": "What is my name?"}]}
    history = next(e["history"] for e in events if e["event"] == "history")
    assert [c["role"] for c in history if c["role"] == "user"] == ["user", "user"]
    assert history[-1]["role"] == "model"


# ---- faults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "status_name"),
    [
        (400, "INVALID_ARGUMENT"),
        (429, "RESOURCE_EXHAUSTED"),
        (500, "INTERNAL"),
        (503, "UNAVAILABLE"),
    ],
)
def test_http_status_fault_is_an_api_error(server, model, status, status_name):
    server.script(*WORDS)
    server.fail_next(Fault.http(status))
    events = run_js(server, "stream", "x", model=model)
    assert not chunks_of(events)
    error = only_error(events)
    assert (error["name"], error["status"]) == ("ApiError", status)
    body = api_error_body(error)["error"]
    assert (body["code"], body["status"]) == (status, status_name)


def test_429_carries_retry_info_to_the_js_sdk(server, model):
    server.fail_next(Fault.http(429, retry_after=7))
    error = only_error(run_js(server, "generate", "x", model=model))
    assert error["status"] == 429
    details = api_error_body(error)["error"]["details"]
    assert {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"} in details


def test_error_event_mid_stream_is_an_api_error_after_earlier_chunks(server, model):
    server.script(*WORDS)
    server.fail_next(Fault.error_event(after=2, status=503))
    events = run_js(server, "stream", "x", model=model)
    assert [c["text"] for c in chunks_of(events)] == WORDS[:2]
    error = only_error(events)
    assert (error["name"], error["status"]) == ("ApiError", 503)
    assert error["message"].startswith("got status: UNAVAILABLE.")
    assert api_error_body(error)["error"]["code"] == 503


def test_drop_after_n_chunks_is_a_transport_error_after_them(server, model):
    server.script(*WORDS)
    server.fail_next(Fault.drop(after=2))
    events = run_js(server, "stream", "x", model=model)
    assert [c["text"] for c in chunks_of(events)] == WORDS[:2]
    error = only_error(events)
    # Node's fetch (undici) reports a body cut short as TypeError("terminated").
    assert (error["name"], error["message"]) == ("TypeError", "terminated")
    assert error["cause"]["code"] == "UND_ERR_SOCKET"
    assert len(server.requests) == 1  # no automatic continuation after content arrived


def test_malformed_event_is_a_parse_error_after_earlier_chunks(server, model):
    server.script(*WORDS)
    server.fail_next(Fault.malformed(after=2))
    events = run_js(server, "stream", "x", model=model)
    assert [c["text"] for c in chunks_of(events)] == WORDS[:2]
    assert only_error(events)["name"] == "SyntaxError"


def test_blocked_prompt_is_one_chunk_with_block_reason(server, model):
    server.fail_next(Fault.blocked("SAFETY"))
    events = run_js(server, "stream", "x", model=model)
    chunks = chunks_of(events)
    assert events[-1] == {"event": "done"}
    assert len(chunks) == 1
    assert chunks[0]["blockReason"] == "SAFETY"
    assert chunks[0]["parts"] == [] and chunks[0]["text"] is None


@pytest.mark.parametrize("reason", ["SAFETY", "MAX_TOKENS", "RECITATION"])
def test_early_finish_reason_ends_the_stream(server, model, reason):
    server.script(*WORDS)
    server.fail_next(Fault.finish(reason, after=3))
    events = run_js(server, "stream", "x", model=model)
    chunks = chunks_of(events)
    assert events[-1] == {"event": "done"}
    assert "".join(c["text"] or "" for c in chunks) == "".join(WORDS[:3])
    assert chunks[-1]["finishReason"] == reason
    assert len(server.requests) == 1  # a terminal finish reason is not continued


def test_delay_before_first_chunk_trips_the_js_timeout(server, model, wait_for_requests):
    server.fail_next(Fault.slow(first_chunk=30))  # never in time, however busy the machine
    events = run_js(server, "stream", "x", model=model, extra=("--timeout", "500"))
    assert not chunks_of(events)
    assert only_error(events)["name"] == "AbortError"
    wait_for_requests(server, 1)


def test_unknown_model_is_404(server):
    error = only_error(run_js(server, "stream", "x", model="gemini-0-imaginary"))
    assert error["status"] == 404
    assert "gemini-0-imaginary" in api_error_body(error)["error"]["message"]


# ---- the key ------------------------------------------------------------------------------


def test_api_key_header_is_sent_and_redacted(server, model):
    server.script("ok")
    run_js(server, "stream", "x", model=model)
    run_js(server, "count", "x", model=model)
    run_js(server, "list", model=model)
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.had_key
        assert request.headers["x-goog-api-key"] == "<redacted>"
        assert request.headers["user-agent"].startswith("google-genai-sdk/")
        assert API_KEY not in request.path
    assert API_KEY not in repr(server.requests)


def test_no_key_is_403_permission_denied(server, model):
    error = only_error(run_js(server, "stream", "x", model=model, api_key=""))
    assert error["status"] == 403
    assert api_error_body(error)["error"]["status"] == "PERMISSION_DENIED"
    assert not server.requests[-1].had_key
