"""Row ends of a streamed JSON answer: the same however the text is chunked, and each row's
slice is exactly that item of the whole value."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_widgets.json_rows import RowScanner, partial_value, row_ends

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def rows_of(text: str, ends: list[int]) -> list:
    start = text.index("[") + 1 if text.lstrip().startswith(("[", "`")) else 0
    rows = []
    for end in ends:
        rows.append(json.loads(text[start:end].lstrip(" \n\r\t,")))
        start = end
    return rows


@settings(max_examples=300, deadline=None)
@given(items=st.lists(values, max_size=8), indent=st.sampled_from([None, 2]), data=st.data())
def test_any_chunking_finds_every_item_of_a_list(items, indent, data):
    text = json.dumps(items, indent=indent, ensure_ascii=False)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    scanner, found = RowScanner(), []
    for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
        found += scanner.feed(text[a:b])
    assert found == row_ends(text) == scanner.ends
    assert rows_of(text, found) == items


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(st.text(), values, max_size=5))
def test_an_object_is_one_row_ending_at_its_brace(value):
    text = json.dumps(value)
    assert row_ends(text) == [len(text)]


def test_a_fence_and_strings_that_look_like_structure_are_read_as_text():
    text = '```json\n[{"a": "x,]}\\"["}, "b\\\\", 12 , null]\n```'
    ends = row_ends(text)
    assert rows_of(text, ends) == [{"a": 'x,]}"['}, "b\\", 12, None]


def test_no_row_ends_before_its_text_arrives():
    scanner = RowScanner()
    assert scanner.feed('[{"a": 1') == []
    assert scanner.feed("}") == [9]
    assert scanner.feed(", 2") == []
    assert scanner.feed("]") == [12]
    assert scanner.feed(" trailing [text]") == []


def test_partial_value_reads_what_has_arrived():
    assert partial_value('[{"name": "Soup", "minutes": 10}, {"name": "St') == [
        {"name": "Soup", "minutes": 10},
        {"name": "St"},
    ]
    assert partial_value("Here it comes") is None
    assert partial_value('```json\n{"a": [1, 2]}\n```') == {"a": [1, 2]}
