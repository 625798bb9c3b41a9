"""The real google-genai SDK streams from the offline server: sync, async, chats."""

from __future__ import annotations

import asyncio

from google import genai
from google.genai import types

from gemini_widgets.offline import OfflineGemini
from gemini_widgets.offline.wire import count_tokens


def test_sync_stream_joins_to_the_scripted_answer(client: genai.Client, server, model):
    server.script("Hello", ", ", "world", "!")
    chunks = list(client.models.generate_content_stream(model=model, contents="greet me"))
    assert [c.text for c in chunks] == ["Hello", ", ", "world", "!"]
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert all(c.candidates[0].finish_reason is None for c in chunks[:-1])


def test_usage_metadata_on_every_chunk_as_the_guide_reads_it(client, server, model):
    server.script("one ", "two ", "three")
    chunks = list(client.models.generate_content_stream(model=model, contents="count"))
    totals = [c.usage_metadata.total_token_count for c in chunks]
    assert all(t is not None for t in totals)
    assert totals == sorted(totals)  # a running total
    last = chunks[-1].usage_metadata
    assert last.candidates_token_count == count_tokens("one two three")
    assert last.total_token_count == (
        last.prompt_token_count + last.candidates_token_count + (last.thoughts_token_count or 0)
    )


def test_demo_answer_is_markdown_in_many_chunks(client, model):
    chunks = list(
        client.models.generate_content_stream(
            model=model, contents="Explain binary search in 300 words"
        )
    )
    text = "".join(c.text or "" for c in chunks)
    assert len(chunks) > 20
    assert text.lstrip().startswith("#")
    assert "```" in text and "|" in text
    assert 200 < len(text.split()) < 420


def test_async_stream(client, server, model):
    server.script("a", "b", "c")

    async def read() -> list[str]:
        stream = await client.aio.models.generate_content_stream(model=model, contents="x")
        return [chunk.text async for chunk in stream]

    assert asyncio.run(read()) == ["a", "b", "c"]


def test_async_non_streaming_and_sync_generate_content(client, server, model):
    server.script("whole ", "answer")
    sync = client.models.generate_content(model=model, contents="x")
    asynchronous = asyncio.run(client.aio.models.generate_content(model=model, contents="x"))
    assert sync.text == asynchronous.text == "whole answer"
    assert sync.candidates[0].finish_reason == types.FinishReason.STOP


def test_count_tokens_counts_the_prompt(client, model):
    short = client.models.count_tokens(model=model, contents="hi")
    long = client.models.count_tokens(model=model, contents="hi " * 100)
    assert 0 < short.total_tokens < long.total_tokens


def test_chat_history_has_two_turns_each_after_two_streamed_sends(client, server, model):
    server.script("Nice to meet you, ", "Ada.", prompt="My name is Ada.")
    server.script("Your name ", "is Ada.", prompt="What is my name?")
    chat = client.chats.create(model=model)
    for _ in chat.send_message_stream("My name is Ada."):
        pass
    for _ in chat.send_message_stream("What is my name?"):
        pass
    # google-genai 3.6 records one model Content per streamed chunk; grouped by turn
    # the history is user, model, user, model.
    history = chat.get_history(curated=True)
    turns = [
        role
        for i, role in enumerate(c.role for c in history)
        if i == 0 or history[i - 1].role != role
    ]
    assert turns == ["user", "model", "user", "model"]
    replies = "".join(p.text for c in history if c.role == "model" for p in c.parts)
    assert replies == "Nice to meet you, Ada.Your name is Ada."
    second = server.requests[-1].body["contents"]
    assert second[0]["parts"][0]["text"] == "My name is Ada."
    assert second[-1]["parts"][0]["text"] == "What is my name?"


def test_follow_up_refers_to_the_earlier_topic(client, model):
    chat = client.chats.create(model=model)
    chat.send_message("Tell me about photosynthesis")
    reply = chat.send_message("And why does it matter?")
    assert "photosynthesis" in reply.text.lower()


def test_both_api_versions_are_served(server: OfflineGemini, model):
    server.script("ok")
    for version in ("v1", "v1beta"):
        client = genai.Client(
            api_key="k",
            http_options=types.HttpOptions(base_url=server.base_url, api_version=version),
        )
        assert client.models.generate_content(model=model, contents="x").text == "ok"
    assert [r.api_version for r in server.requests] == ["v1", "v1beta"]


def test_models_list_and_get(client, model):
    names = [m.name for m in client.models.list()]
    assert f"models/{model}" in names
    assert "offline" in client.models.get(model=model).display_name


def test_concurrent_async_streams_do_not_cross(client, server, model):
    for i in range(10):
        server.script(*[f"s{i}-{k} " for k in range(20)], prompt=f"stream {i}")

    async def read(i: int) -> str:
        stream = await client.aio.models.generate_content_stream(
            model=model, contents=f"stream {i}"
        )
        return "".join([chunk.text async for chunk in stream])

    async def main() -> list[str]:
        return await asyncio.gather(*(read(i) for i in range(10)))

    for i, text in enumerate(asyncio.run(main())):
        assert text == "".join(f"s{i}-{k} " for k in range(20))


def test_requests_record_what_the_sdk_sent_without_the_key(client, server, model):
    server.script("ok")
    client.models.generate_content(
        model=model,
        contents="x",
        config=types.GenerateContentConfig(temperature=0.3, system_instruction="be terse"),
    )
    request = server.requests[-1]
    assert request.config["temperature"] == 0.3
    assert request.body["systemInstruction"]["parts"][0]["text"] == "be terse"
    assert request.headers["x-goog-api-key"] == "<redacted>"
    assert "test-key" not in repr(server.requests)
