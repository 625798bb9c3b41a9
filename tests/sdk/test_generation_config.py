"""The offline server honours GenerateContentConfig as the SDK sends it."""

from __future__ import annotations

import enum

import pydantic
from google.genai import types


def _stream_text(client, model, prompt, **config):
    chunks = list(
        client.models.generate_content_stream(
            model=model, contents=prompt, config=types.GenerateContentConfig(**config)
        )
    )
    return "".join(c.text or "" for c in chunks), chunks


def test_same_seed_same_answer_other_seed_other_answer(client, model):
    first, _ = _stream_text(client, model, "Write about rivers", seed=7, temperature=1)
    again, _ = _stream_text(client, model, "Write about rivers", seed=7, temperature=1)
    other, _ = _stream_text(client, model, "Write about rivers", seed=8, temperature=1)
    assert first == again
    assert first != other


def test_max_output_tokens_stops_with_max_tokens(client, model):
    text, chunks = _stream_text(client, model, "Write 500 words about tea", max_output_tokens=40)
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert chunks[-1].usage_metadata.candidates_token_count <= 40
    assert 0 < len(text.split()) < 60


def test_stop_sequences_cut_the_answer(client, server, model):
    server.script("alpha beta ", "gamma STOP delta")
    text, chunks = _stream_text(client, model, "x", stop_sequences=["STOP"])
    assert text == "alpha beta gamma "
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


def test_candidate_count_gives_several_candidates(client, model):
    response = client.models.generate_content(
        model=model,
        contents="Name a colour",
        config=types.GenerateContentConfig(candidate_count=2, seed=1),
    )
    assert [c.index for c in response.candidates] == [0, 1]
    assert all(c.content.parts[0].text for c in response.candidates)


def test_include_thoughts_streams_thought_parts_first(client, model):
    _, chunks = _stream_text(
        client,
        model,
        "Why is the sky blue?",
        thinking_config=types.ThinkingConfig(include_thoughts=True),
    )
    kinds = [
        bool(p.thought)
        for c in chunks
        for p in (c.candidates[0].content.parts or [])
        if c.candidates and c.candidates[0].content
    ]
    assert kinds[0] is True and kinds[-1] is False
    assert kinds == sorted(kinds, reverse=True)
    assert chunks[-1].usage_metadata.thoughts_token_count > 0


def test_thinking_budget_zero_means_no_thoughts(client, model):
    _, chunks = _stream_text(
        client,
        model,
        "Why is the sky blue?",
        thinking_config=types.ThinkingConfig(thinking_budget=0, include_thoughts=True),
    )
    assert not any(
        p.thought
        for c in chunks
        for p in (c.candidates[0].content.parts or [])
        if c.candidates and c.candidates[0].content
    )
    assert not chunks[-1].usage_metadata.thoughts_token_count


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Recipe(pydantic.BaseModel):
    name: str
    minutes: int
    ingredients: list[str]
    colour: Colour


def test_json_schema_answer_parses_into_the_pydantic_model(client, model):
    response = client.models.generate_content(
        model=model,
        contents="A cookie recipe",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=list[Recipe]
        ),
    )
    assert isinstance(response.parsed, list)
    assert all(isinstance(r, Recipe) for r in response.parsed)


def test_inline_image_and_gcs_file_are_described(client, model):
    image = types.Part.from_bytes(data=b"\x89PNG" + b"0" * 2044, mime_type="image/png")
    document = types.Part.from_uri(file_uri="gs://bucket/report.pdf", mime_type="application/pdf")
    text, _ = _stream_text(client, model, [image, document, "What are these?"])
    assert "image/png" in text
    assert "gs://bucket/report.pdf" in text


def test_enum_answer_parses_into_the_enum(client, model):
    response = client.models.generate_content(
        model=model,
        contents="Pick a colour",
        config=types.GenerateContentConfig(
            response_mime_type="text/x.enum", response_schema=Colour
        ),
    )
    assert response.parsed in (Colour.RED, Colour.BLUE)
