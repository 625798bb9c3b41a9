"""Reading an answer's non-text parts: placing, pairing, grounding offsets, the wire JSON and
the saved Markdown. Chunks are the SDK's own types parsed from wire JSON (the shapes the
offline server cannot be asked for: resent grounding, a call answered by id); the whole
path over HTTP is in tests/sdk/."""

from __future__ import annotations

import base64
import sys

import pytest
from google.genai import types
from hypothesis import given
from hypothesis import strategies as st

from gemini_widgets.answer_markdown import answer_markdown
from gemini_widgets.answer_parts import (
    Grounding,
    function_call_records,
    has_payload,
    merge_grounding,
)
from gemini_widgets.answer_wire import answer_json
from gemini_widgets.coalesce import Coalescer
from gemini_widgets.safe_markdown import without_remote_fetches
from gemini_widgets.stream import StreamState

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def chunk(*parts: dict, **candidate: object) -> types.GenerateContentResponse:
    """A streamed chunk as Gemini's REST API sends it, parsed by the SDK."""
    body = {"candidates": [{"content": {"role": "model", "parts": list(parts)}, **candidate}]}
    return types.GenerateContentResponse.model_validate(body)


def grounding(text: str, spans: list[tuple[str, list[int]]], **extra: object) -> dict:
    """Grounding metadata whose supports give UTF-8 byte offsets of ``spans`` in ``text``."""
    supports = []
    for quoted, sources in spans:
        start = len(text[: text.index(quoted)].encode())
        end = start + len(quoted.encode())
        supports.append(
            {
                "segment": {"startIndex": start, "endIndex": end, "text": quoted},
                "groundingChunkIndices": sources,
            }
        )
    return {"groundingSupports": supports, **extra}


def test_parts_keep_their_place_in_the_text_through_the_coalescer():
    state, coalescer = StreamState(), Coalescer(interval=1e9)
    assert coalescer.add(state.feed(chunk({"text": "Let me compute. "}))).text  # at once
    code = {"executableCode": {"language": "PYTHON", "code": "print(6 * 7)"}}
    ran = {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "42\n"}}
    assert coalescer.add(state.feed(chunk(code))) is None  # held for the frame
    assert coalescer.add(state.feed(chunk(ran, {"text": "It is 42."}))) is None
    merged = coalescer.flush()
    assert merged.text == "It is 42."
    assert [p.at for p in merged.parts] == [16, 16]
    assert state.text == "Let me compute. It is 42."
    [run] = state.code_runs
    assert (run.code.code, run.output, run.ok, run.at) == ("print(6 * 7)", "42\n", True, 16)
    wire = answer_json(state)["parts"]
    assert wire == [
        {"kind": "code", "at": 16, "language": "PYTHON", "code": "print(6 * 7)"},
        {"kind": "code_result", "at": 16, "outcome": "OUTCOME_OK", "output": "42\n"},
    ]


def test_a_bare_thought_signature_is_not_a_part():
    part = types.Part.model_validate({"thoughtSignature": "c2ln"})
    assert not has_payload(part)
    state = StreamState()
    assert not state.feed(chunk({"thoughtSignature": "c2ln"}))
    assert state.parts == []


@given(
    before=st.text(min_size=0, max_size=20),
    quoted=st.text(min_size=1, max_size=20),
    after=st.text(max_size=20),
)
def test_grounding_byte_offsets_become_character_offsets(before, quoted, after):
    text = before + quoted + after
    start = len(before.encode())
    metadata = types.GroundingMetadata.model_validate(
        {
            "groundingSupports": [
                {
                    "segment": {"startIndex": start, "endIndex": start + len(quoted.encode())},
                    "groundingChunkIndices": [0],
                }
            ]
        }
    )
    [support] = Grounding.read(metadata, text).supports
    assert (support.start, support.end) == (len(before), len(before) + len(quoted))
    assert support.text == quoted


def test_grounding_on_emoji_and_cjk_text_points_at_the_supported_sentence():
    text = "東京は日本の首都です。🗼 It has 14 million people. Paris is in France."
    state = StreamState()
    state.feed(chunk({"text": text[:20]}))
    meta = grounding(
        text,
        [("It has 14 million people.", [0]), ("東京は日本の首都です。", [1])],
        webSearchQueries=["tokyo population"],
        groundingChunks=[
            {"web": {"uri": "https://example.com/a", "title": "A", "domain": "example.com"}},
            {"web": {"uri": "https://example.com/b", "title": "B", "domain": "example.com"}},
        ],
        searchEntryPoint={"renderedContent": "<style>.x{}</style><div class=x>tokyo</div>"},
    )
    delta = state.feed(chunk({"text": text[20:]}, groundingMetadata=meta, finishReason="STOP"))
    assert delta.annotated
    found = state.grounding
    quoted = ["It has 14 million people.", "東京は日本の首都です。"]
    assert [s.text for s in found.supports] == quoted
    assert [text[s.start : s.end] for s in found.supports] == [s.text for s in found.supports]
    assert found.queries == ["tokyo population"]
    assert found.search_entry_point.startswith("<style>")
    annotations = answer_json(state)["annotations"]
    assert annotations["sources"][1] == {
        "title": "B",
        "uri": "https://example.com/b",
        "domain": "example.com",
    }
    assert annotations["supports"][0] == {
        "start": text.index("It has"),
        "end": text.index(" Paris"),
        "sources": [0],
    }


def test_grounding_resent_or_spread_over_chunks_is_merged_once():
    web = [{"web": {"uri": f"https://example.com/{i}", "title": str(i)}} for i in range(3)]
    first = types.GroundingMetadata.model_validate(
        {
            "webSearchQueries": ["q1"],
            "groundingChunks": web[:2],
            "groundingSupports": [
                {"segment": {"startIndex": 0, "endIndex": 3}, "groundingChunkIndices": [1]}
            ],
        }
    )
    # Resent whole, plus one source and one support that point at the new numbering.
    second = types.GroundingMetadata.model_validate(
        {
            "webSearchQueries": ["q1", "q2"],
            "groundingChunks": [web[2], *web[:2]],
            "groundingSupports": [
                {"segment": {"startIndex": 0, "endIndex": 3}, "groundingChunkIndices": [2]},
                {"segment": {"startIndex": 4, "endIndex": 7}, "groundingChunkIndices": [0]},
            ],
        }
    )
    merged = merge_grounding(merge_grounding(None, first), second)
    assert [c.web.title for c in merged.grounding_chunks] == ["0", "1", "2"]
    assert merged.web_search_queries == ["q1", "q2"]
    assert [s.grounding_chunk_indices for s in merged.grounding_supports] == [[1], [2]]


def test_calls_pair_with_their_results_by_id_then_by_name():
    state = StreamState()
    state.feed(
        chunk(
            {"functionCall": {"id": "b", "name": "weather", "args": {"city": "Oslo"}}},
            {"functionCall": {"id": "a", "name": "weather", "args": {"city": "Rome"}}},
            {"functionCall": {"name": "clock", "args": {}}},
        )
    )
    results = [
        {"functionResponse": {"id": "a", "name": "weather", "response": {"result": 21}}},
        {"functionResponse": {"name": "clock", "response": {"error": "no clock here"}}},
    ]
    history = [
        {"role": "user", "parts": [{"text": "weather?"}]},
        {"role": "model", "parts": []},
        {"role": "user", "parts": results},
    ]
    later = types.GenerateContentResponse.model_validate(
        {
            "candidates": [{"content": {"role": "model", "parts": [{"text": "Rome: 21."}]}}],
            "automaticFunctionCallingHistory": history,
        }
    )
    state.feed(later)
    state.feed(later)  # the same history rides on every later chunk: read once
    calls = state.function_calls
    assert [(c.args.get("city"), c.result, c.error) for c in calls] == [
        ("Oslo", None, None),
        ("Rome", 21, None),
        (None, None, "no clock here"),
    ]
    assert len(state.parts) == 5
    wire = answer_json(state)["parts"]
    assert wire[4] == {
        "kind": "call_result",
        "at": 0,
        "id": None,
        "name": "clock",
        "response": {"error": "no clock here"},
        "error": "no clock here",
    }
    assert function_call_records(state.placed_parts) == calls


def test_images_are_pil_images_or_the_sdks_without_pillow(monkeypatch):
    state = StreamState()
    data = base64.b64encode(PNG).decode()
    state.feed(chunk({"inlineData": {"mimeType": "image/png", "data": data}}))
    [image] = state.images
    assert image.size == (1, 1)
    monkeypatch.setitem(sys.modules, "PIL", None)
    [raw] = state.images
    assert isinstance(raw, types.Image) and raw.image_bytes == PNG
    assert answer_json(state)["parts"][0] == {
        "kind": "image",
        "at": 0,
        "mime_type": "image/png",
        "data": data,
    }


def test_the_saved_markdown_shows_every_part_and_fetches_nothing():
    state = StreamState()
    data = base64.b64encode(PNG).decode()
    state.feed(
        chunk(
            {"text": "Here:"},
            {"executableCode": {"language": "PYTHON", "code": "print('```')"}},
            {"codeExecutionResult": {"outcome": "OUTCOME_FAILED", "output": "<img src=x>"}},
            {"inlineData": {"mimeType": "image/png", "data": data}},
            {"functionCall": {"name": "lookup", "args": {"q": "`x` <b>"}}},
            {"text": "Done."},
            groundingMetadata={
                "webSearchQueries": ["a query"],
                "groundingChunks": [
                    {"web": {"uri": "javascript:alert(1)", "title": "[evil](http://x)"}},
                    {"web": {"uri": "https://example.com/a b", "title": "Good"}},
                ],
            },
        )
    )
    saved = without_remote_fetches(answer_markdown(answer_json(state)))
    assert saved.startswith("Here:\n\n*Code the model ran:*\n\n````python\nprint('```')\n````")
    assert "*Output (failed):*\n\n```text\n&lt;img src=x>\n```" in saved or (
        "```text\n<img src=x>\n```" in saved  # inside a fence it is code, left as it is
    )
    assert f"![image](data:image/png;base64,{data})" in saved
    assert '*Called* ``lookup(q="`x` <b>")``' in saved
    assert saved.index("Done.") > saved.index("Called")
    assert "1. \\[evil\\]\\(http://x\\)" in saved  # not a link: not http(s)
    assert "2. [Good](<https://example.com/a%20b>)" in saved
    assert "javascript:" not in saved.replace("javascript:alert", "")


@pytest.mark.parametrize("limit", [0, 3])
def test_max_tool_calls_sets_the_sdks_automatic_calling(limit):
    from gemini_widgets.settings import build_config

    config = build_config(tools=["google_search", len], max_tool_calls=limit)
    assert config.tools[0].google_search is not None and config.tools[1] is len
    afc = config.automatic_function_calling
    assert (afc.disable, afc.maximum_remote_calls) == ((True, 10) if limit == 0 else (None, 4))


def test_gemini_tool_invocations_are_shown_as_calls_and_not_yours_to_answer():
    state = StreamState()
    state.feed(
        chunk(
            {"toolCall": {"id": "s1", "toolType": "GOOGLE_SEARCH_WEB", "args": {"q": "x"}}},
            {"toolResponse": {"id": "s1", "toolType": "GOOGLE_SEARCH_WEB", "response": {}}},
            {"text": "Found."},
        )
    )
    kinds = [(p["kind"], p["name"]) for p in answer_json(state)["parts"]]
    assert kinds == [("call", "GOOGLE_SEARCH_WEB"), ("call_result", "GOOGLE_SEARCH_WEB")]
    assert state.function_calls == []


def test_a_function_result_you_send_reads_as_the_turns_message():
    from gemini_widgets.turns import message_text

    part = types.Part.from_function_response(name="get_weather", response={"celsius": 21})
    assert message_text([part]) == '(result of get_weather: {"celsius": 21})'


def test_the_saved_search_suggestions_are_links_to_the_same_searches():
    state = StreamState()
    metadata = {"webSearchQueries": ["tour eiffel hauteur", "a](javascript:x)"]}
    state.feed(chunk({"text": "Tall."}, groundingMetadata=metadata))
    saved = answer_markdown(answer_json(state))
    assert saved.endswith(
        "*Search suggestions:* "
        "[tour eiffel hauteur](<https://www.google.com/search?q=tour+eiffel+hauteur>), "
        "[a\\]\\(javascript:x\\)](<https://www.google.com/search?q=a%5D%28javascript%3Ax%29>)"
    )
