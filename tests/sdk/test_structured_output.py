"""Structured output, live: a JSON answer streams through the real SDK in small chunks, the
view is told where each row ends, and the result is the typed value (or one sentence).

Every answer here comes from the offline server over HTTP; the schema forms are the ones a
user passes to ``stream(schema=...)``: a pydantic model, a dataclass, a TypedDict (each
in a list), ``types.Schema`` and a JSON Schema dict; and a wrapper (``{"recipes": [...]}``),
whose list's items are the rows.
"""

from __future__ import annotations

import dataclasses
import itertools
import json

import pydantic
import pytest
from google.genai import types
from jupyter_client.session import json_packer
from typing_extensions import TypedDict

from gemini_widgets.generate import run_in_view
from gemini_widgets.json_rows import row_ends
from gemini_widgets.request import StreamRequest
from gemini_widgets.settings import NO_RETRY, build_config
from gemini_widgets.stream import StreamState
from gemini_widgets.widgets import StreamView

FIFTY = "Give me 50 recipes for a weeknight dinner."


class Recipe(pydantic.BaseModel):
    name: str
    minutes: int
    ingredients: list[str]


class Recipes(pydantic.BaseModel):
    recipes: list[Recipe]


@dataclasses.dataclass
class Dish:
    name: str
    minutes: int


class Meal(TypedDict):
    name: str
    minutes: int


def run(view: StreamView, client, model: str, prompt: str, **settings) -> StreamState:
    """Stream as ``stream()`` does (its runner, its view), with ``settings`` as keywords."""
    request = StreamRequest(client, model, prompt, build_config(**settings))
    result = run_in_view(view, request, NO_RETRY, background=False)
    assert isinstance(result, StreamState)
    return result


def recording(view: StreamView) -> list[dict]:
    sent: list[dict] = []
    view.send = lambda message, buffers=None: sent.append(message)
    return sent


def test_fifty_objects_in_small_chunks_parse_as_the_whole_text(client, server, model):
    view = StreamView(model=model)
    state = run(view, client, model, FIFTY, schema=list[Recipe])
    assert state.ok and state.parse_error is None
    chunks = [r.text or "" for r in state.responses]
    assert len(chunks) > 50  # small chunks: fewer than one object each
    cuts = set(itertools.accumulate(map(len, chunks)))
    ends = row_ends(state.text)
    spanning = [e for s, e in itertools.pairwise([0, *ends]) if cuts & set(range(s + 4, e - 1))]
    assert len(spanning) > 25, "most objects span two chunks or more"
    whole = pydantic.TypeAdapter(list[Recipe]).validate_json(state.text)
    assert len(whole) == 50 and all(isinstance(r, Recipe) for r in state.parsed)
    assert state.parsed == whole
    assert view.answer_format == "json" and view.status == "done"
    sent_config = server.requests[-1].body["generationConfig"]
    assert sent_config["responseMimeType"] == "application/json"
    assert sent_config["responseSchema"]["type"] == "ARRAY"


@pytest.mark.parametrize(
    ("schema", "field", "kind"),
    [
        (list[Recipe], "responseSchema", Recipe),
        (list[Dish], "responseSchema", Dish),
        (list[Meal], "responseSchema", dict),
        (
            types.Schema(
                type="ARRAY",
                items=types.Schema(
                    type="OBJECT",
                    properties={"name": types.Schema(type="STRING")},
                    required=["name"],
                ),
            ),
            "responseSchema",
            dict,
        ),
        (
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "minutes": {"type": "integer"}},
                    "required": ["name", "minutes"],
                    "additionalProperties": False,
                },
            },
            "responseJsonSchema",
            dict,
        ),
    ],
    ids=["pydantic", "dataclass", "typeddict", "types.Schema", "json-schema-dict"],
)
def test_each_schema_form_is_sent_as_the_sdk_expects_and_parsed(
    client, server, model, schema, field, kind
):
    state = run(StreamView(model=model), client, model, "List 4 dinners", schema=schema)
    sent = server.requests[-1].body["generationConfig"]
    assert field in sent and sent["responseMimeType"] == "application/json"
    assert state.parse_error is None and len(state.parsed) == 4
    assert all(isinstance(item, kind) for item in state.parsed)
    assert json.loads(state.text) == pydantic_core_jsonable(state.parsed)


def pydantic_core_jsonable(value):
    import pydantic_core

    return pydantic_core.to_jsonable_python(value)


def test_the_view_is_told_where_each_row_ends_once(client, server, model):
    view = StreamView(model=model)
    sent = recording(view)
    state = run(view, client, model, FIFTY, schema=list[Recipe])
    deltas = [m for m in sent if m.get("type") == "delta"]
    noted = [end for m in deltas for end in m.get("rows", [])]
    assert noted == row_ends(state.text) and len(noted) == 50
    # Each note comes with the text that completes its row, never before.
    for message in deltas:
        for end in message.get("rows", []):
            assert message["at"] < end <= message["at"] + len(message["text"])
    start = state.text.index("[") + 1
    rows = []
    for end in noted:
        rows.append(json.loads(state.text[start:end].lstrip(" \n\r\t,")))
        start = end
    assert rows == json.loads(state.text)
    snapshot, _ = view._snapshot({}, [])
    assert snapshot["rows"] == noted and snapshot["text"] == state.text


def test_wire_bytes_stay_within_1_3_times_the_json_text(client, server, model):
    """Each character once plus a few bytes a row: what the kernel sends the browser for a
    50-object list (every message of the view, packed as jupyter_client packs it) against the
    answer's text. Re-sending the table (or the parsed value) per chunk would be O(n^2)."""
    view = StreamView(model=model)
    sent = recording(view)
    state = run(view, client, model, FIFTY, schema=list[Recipe])
    text_bytes = len(state.text.encode())
    wire = sum(len(json_packer(message)) for message in sent)
    notes = sum(len(json_packer(m["rows"])) for m in sent if "rows" in m)
    print(f"wire {wire} B for {text_bytes} B of JSON: {wire / text_bytes:.2f}x, notes {notes} B")
    assert wire <= 1.3 * text_bytes, (wire, text_bytes)
    assert notes <= 8 * 50  # a few bytes a row, however the text was chunked


def test_malformed_json_is_one_sentence_and_the_text_is_kept(client, server, model):
    broken = ['[{"name": "Soup", "min', 'utes": 10}, {"name": "Stew", ', '"minutes": }]']
    server.script(*broken)
    view = StreamView(model=model)
    state = run(view, client, model, "Two dinners", schema=list[Recipe])
    assert state.text == "".join(broken) and state.parsed is None
    assert state.parse_error.startswith("The answer is not valid JSON")
    assert state.parse_error.count(". ") == 0 and state.parse_error.endswith(".")
    assert view.notice == state.parse_error and view.status == "done"


def test_json_that_breaks_the_schema_is_one_sentence_and_the_text_is_kept(client, server, model):
    wrong = ['[{"name": "Soup", "minutes": 10, "ingredients": []},', ' {"name": "Stew"}]']
    server.script(*wrong)
    view = StreamView(model=model)
    state = run(view, client, model, "Two dinners", schema=list[Recipe])
    assert state.text == "".join(wrong) and state.parsed is None
    assert state.parse_error == "The JSON does not fit the schema at 1.minutes: Field required."
    assert view.notice == state.parse_error


def test_to_pandas_gives_a_row_per_object(client, server, model):
    pandas = pytest.importorskip("pandas")
    state = run(StreamView(model=model), client, model, FIFTY, schema=list[Recipe])
    frame = state.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["name", "minutes", "ingredients"] and len(frame) == 50
    assert frame["minutes"].tolist() == [r.minutes for r in state.parsed]


def test_to_pandas_without_pandas_is_one_line(client, server, model, monkeypatch):
    state = run(StreamView(model=model), client, model, "List 2 dinners", schema=list[Dish])
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(ImportError, match=r"^to_pandas\(\) needs pandas: pip install pandas\.$"):
        state.to_pandas()


def test_the_saved_notebook_shows_the_json_as_a_code_block(client, server, model):
    view = StreamView(model=model)
    state = run(view, client, model, "<b>List</b> 2 dinners", schema=list[Dish])
    markdown = view.static_markdown()
    assert markdown.startswith("```json\n") and markdown.endswith("\n```")
    assert json.loads(markdown[len("```json\n") : -len("\n```")]) == json.loads(state.text)


def test_a_chat_with_a_schema_parses_each_reply(client, server, model):
    from gemini_widgets.chat import Chat

    chat = Chat(model, client=client, key=None, schema=list[Dish])
    sent = recording(chat.view)
    first = chat.send("List 3 dinners")
    start = next(m for m in sent if m.get("type") == "reply_start")
    assert start["format"] == "json" and start["rows"] == []
    noted = [end for m in sent if m.get("type") == "delta" for end in m.get("rows", [])]
    assert noted == row_ends(first.text) and len(noted) == 3
    assert chat.view.turns[-1]["format"] == "json" and chat.view.turns[-1]["rows"] == noted
    second = chat.send("And 2 more")
    assert [len(first.parsed), len(second.parsed)] == [3, 2]
    assert all(isinstance(d, Dish) for d in first.parsed + second.parsed)
    assert server.requests[-1].body["generationConfig"]["responseSchema"]["type"] == "ARRAY"
    assert "```json\n" + second.text.strip() + "\n```" in chat.to_markdown()


def test_partial_reads_the_answer_so_far(client, server, model):
    server.script('[{"name": "Soup", "minutes": 10}, {"name": "St', 'ew", "minutes": 5}]')
    seen = []

    class Watch(StreamView):
        def on_delta(self, delta, state):
            seen.append(state.partial)
            super().on_delta(delta, state)

    state = run(Watch(model=model), client, model, "Two dinners", schema=list[Dish])
    assert seen[0] == [{"name": "Soup", "minutes": 10}, {"name": "St"}]
    assert state.partial == [{"name": "Soup", "minutes": 10}, {"name": "Stew", "minutes": 5}]


def rows_from_sent(sent: list[dict]) -> list[dict]:
    return [m["rows_from"] for m in sent if m.get("type") == "delta" and "rows_from" in m]


def rows_since_last_change(sent: list[dict]) -> list[int]:
    """The row ends the browser keeps: those noted after ``rows_from`` last changed."""
    noted: list[int] = []
    for message in sent:
        if message.get("type") != "delta":
            continue
        if "rows_from" in message:
            noted = []
        noted += message.get("rows", [])
    return noted


def test_a_wrapper_model_streams_the_items_of_its_list_as_rows(client, server, model):
    view = StreamView(model=model)
    sent = recording(view)
    state = run(view, client, model, FIFTY, schema=Recipes)
    sent_config = server.requests[-1].body["generationConfig"]
    assert sent_config["responseSchema"]["type"] == "OBJECT"
    assert state.parse_error is None and isinstance(state.parsed, Recipes)
    assert len(state.parsed.recipes) == 50  # "50 recipes" sets the wrapped list's length
    start = state.text.index("[") + 1
    # Sent with the text that decides it: the object's "{" (one row so far), then its list's "["
    # (both in one message when one chunk holds both).
    assert rows_from_sent(sent)[-1] == {"at": start, "list": True, "key": "recipes"}
    assert len(rows_from_sent(sent)) <= 2
    noted = rows_since_last_change(sent)
    assert noted == row_ends(state.text) and len(noted) == 50
    rows = []
    for end in noted:
        rows.append(Recipe.model_validate_json(state.text[start:end].lstrip(" \n\r\t,")))
        start = end
    assert rows == state.parsed.recipes
    # Live: each row is noted with the text that completes it, not when the answer ends.
    for message in sent:
        for end in message.get("rows", []):
            assert message["at"] < end <= message["at"] + len(message["text"])
    snapshot, _ = view._snapshot({}, [])
    assert snapshot["rows"] == noted and snapshot["rows_from"]["key"] == "recipes"


def test_to_pandas_of_a_wrapper_has_a_row_per_item_of_its_list(client, server, model):
    pandas = pytest.importorskip("pandas")
    state = run(StreamView(model=model), client, model, FIFTY, schema=Recipes)
    frame = state.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 50
    assert list(frame.columns) == ["name", "minutes", "ingredients"]
    assert frame["name"].tolist() == [r.name for r in state.parsed.recipes]


DINNERS = {
    "type": "object",
    "properties": {
        "dinners": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "minutes": {"type": "integer"}},
                "required": ["name", "minutes"],
            },
        }
    },
    "required": ["dinners"],
}


def test_a_json_schema_wrapper_in_a_chat_notes_its_key_in_each_turn(client, server, model):
    from gemini_widgets.chat import Chat

    chat = Chat(model, client=client, key=None, schema=DINNERS)
    sent = recording(chat.view)
    reply = chat.send("List 3 dinners")
    assert server.requests[-1].body["generationConfig"]["responseJsonSchema"] == DINNERS
    assert len(reply.parsed["dinners"]) == 3
    assert rows_from_sent(sent)[-1]["key"] == "dinners"
    assert rows_since_last_change(sent) == row_ends(reply.text) and len(row_ends(reply.text)) == 3
    turn = chat.view.turns[-1]
    assert turn["rows"] == row_ends(reply.text) and turn["rows_from"]["key"] == "dinners"


def test_json_without_a_schema_wrapping_a_list_is_rows_too(client, server, model):
    server.script('```json\n{"items": [{"a": 1}, ', '{"a": 2}, 3', "]}\n```")
    view = StreamView(model=model)
    sent = recording(view)
    state = run(view, client, model, "Some items", json=True)
    assert state.parsed == {"items": [{"a": 1}, {"a": 2}, 3]}
    text = state.text
    assert rows_from_sent(sent)[-1] == {"at": text.index("[") + 1, "list": True, "key": "items"}
    ends = [text.index("}") + 1, text.index("}, 3") + 1, text.index("]")]
    assert rows_since_last_change(sent) == ends == row_ends(text)
    pytest.importorskip("pandas")
    # Not all objects: one value column, as for such a top-level list.
    assert state.to_pandas().to_dict("list") == {"value": [{"a": 1}, {"a": 2}, 3]}


def test_a_second_key_after_the_list_makes_the_answer_one_row(client, server, model):
    """The rows shown while the list streamed go; the whole object is the one row, as for
    any object with several keys, and ``to_pandas()`` agrees."""
    chunks = ['{"recipes": [{"name": "Soup", "minutes": 10}', "]", ', "note', 's": "x"}']
    server.script(*chunks)
    view = StreamView(model=model)
    sent = recording(view)
    state = run(view, client, model, "Soup", json=True)
    text = "".join(chunks)
    assert [f["key"] for f in rows_from_sent(sent)] == ["recipes", None]
    assert rows_from_sent(sent)[-1] == {"at": 0, "list": False, "key": None}
    assert rows_since_last_change(sent) == [len(text)] == row_ends(state.text)
    snapshot, _ = view._snapshot({}, [])
    assert snapshot["rows"] == [len(text)] and snapshot["rows_from"]["key"] is None
    pytest.importorskip("pandas")
    frame = state.to_pandas()
    assert list(frame.columns) == ["recipes", "notes"] and len(frame) == 1
