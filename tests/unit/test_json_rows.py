"""Row ends of a streamed JSON answer: the same however the text is chunked, and each row's
slice is exactly that item of the whole value: of the top-level list, of the list an object
wraps (``{"recipes": [...]}``), or the whole object."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_widgets.json_rows import RowScanner, json_fields, partial_value, row_ends, rows_key

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


def wraps_a_list(value: dict) -> bool:
    return len(value) == 1 and isinstance(next(iter(value.values())), list)


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(st.text(), values, max_size=5).filter(lambda v: not wraps_a_list(v)))
def test_an_object_is_one_row_ending_at_its_brace(value):
    text = json.dumps(value)
    assert row_ends(text) == [len(text)]
    assert rows_key(text) is None


def fed_in_pieces(text: str, cuts: list[int]) -> tuple[RowScanner, list[int]]:
    """A scanner fed ``text`` cut at ``cuts``, and the row ends it returned since the last
    change of ``rows_from`` (what the browser keeps)."""
    scanner, found, changes = RowScanner(), [], 0
    for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
        ends = scanner.feed(text[a:b])
        if scanner.changes != changes:
            found, changes = [], scanner.changes
        found += ends
    return scanner, found


def wrapped_rows(text: str, scanner: RowScanner, ends: list[int]) -> list:
    start, rows = scanner.start, []
    for end in ends:
        rows.append(json.loads(text[start:end].lstrip(" \n\r\t,")))
        start = end
    return rows


@settings(max_examples=300, deadline=None)
@given(
    key=st.text(),
    items=st.lists(values, max_size=8),
    indent=st.sampled_from([None, 2]),
    data=st.data(),
)
def test_any_chunking_finds_every_item_of_a_wrapped_list(key, items, indent, data):
    text = json.dumps({key: items}, indent=indent, ensure_ascii=False)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    scanner, found = fed_in_pieces(text, cuts)
    assert found == row_ends(text) == scanner.ends
    assert scanner.key == rows_key(text) == key
    assert wrapped_rows(text, scanner, found) == items
    # The list's "[" is the first after the key's own text (which may hold "[" itself, and
    # follows the object's "{" and, indented, a newline and spaces).
    quoted = json.dumps(key, ensure_ascii=False)
    opening = text.index("[", text.index(quoted) + len(quoted))
    assert scanner.rows_from == {"at": opening + 1, "list": True, "key": key}


# Brackets, braces, commas and quotes inside strings (and the key), escapes, nested lists
# and objects inside items, a plain value, a Markdown fence around it.
TRICKY = (
    '```json\n{ "re[ci]\\"pes{" :\n [ {"name": "a ]} \\" [{", "steps": [[1, [2]], {"x": "]"}]},'
    ' 7 , "s,\\\\", {"e": {}} , [] ]\n}\n```'
)


def test_tricky_text_gives_the_same_rows_at_every_split_point():
    whole = RowScanner()
    whole.feed(TRICKY)
    assert whole.key == 're[ci]"pes{'
    items = json.loads(TRICKY[len("```json\n") : -len("\n```")])['re[ci]"pes{']
    assert wrapped_rows(TRICKY, whole, whole.ends) == items and len(items) == 5
    for cut in range(len(TRICKY) + 1):
        scanner, found = fed_in_pieces(TRICKY, [cut])
        assert (found, scanner.rows_from, scanner.changes) == (whole.ends, whole.rows_from, 2)
    scanner, found = fed_in_pieces(TRICKY, list(range(len(TRICKY))))  # a character at a time
    assert found == whole.ends and scanner.rows_from == whole.rows_from


def test_rows_from_is_decided_when_the_first_value_opens_with_a_bracket():
    scanner = RowScanner()
    scanner.feed('{"recipes"')
    assert scanner.rows_from == {"at": 0, "list": False, "key": None}
    assert scanner.feed(": [") == []
    assert scanner.rows_from == {"at": 13, "list": True, "key": "recipes"}
    assert scanner.feed('{"a": 1') == [] and scanner.feed("}") == [21]
    assert scanner.feed(', {"a": 2}]}') == [31] and scanner.ends == [21, 31]
    assert scanner.span == (0, 33) and scanner.changes == 2


def test_a_second_key_after_the_list_makes_the_whole_object_one_row():
    """The rows shown were the list's items; a second member means the answer is not a list
    with a name, so rows start again: the whole object, one row (as ``to_pandas()`` does)."""
    text = '{"recipes": [{"a": 1}, {"a": 2}], "notes": "two"}'
    scanner = RowScanner()
    assert scanner.feed(text[:32]) == [21, 31] and scanner.key == "recipes"
    assert scanner.feed(text[32:40]) == [] and scanner.ends == []
    assert scanner.rows_from == {"at": 0, "list": False, "key": None} and scanner.changes == 3
    assert scanner.feed(text[40:]) == [len(text)] and scanner.ends == [len(text)]
    for cut in range(len(text) + 1):
        assert fed_in_pieces(text, [cut])[1] == [len(text)]
    assert row_ends(text) == [len(text)] and rows_key(text) is None
    fields = json_fields("application/json", text)
    assert fields["rows"] == [len(text)] and fields["rows_from"]["key"] is None


def test_objects_that_do_not_wrap_one_list_are_one_row():
    for text in (
        '{"count": 2, "recipes": [1, 2]}',  # the list is not the first member
        '{"data": {"recipes": [1, 2]}}',  # a list two objects down
        '{"recipes": "[1, 2]"}',  # a string that looks like a list
        "{}",
    ):
        assert row_ends(text) == [len(text)] and rows_key(text) is None, text


def test_an_empty_wrapped_list_has_no_rows_and_its_key():
    text = '{"recipes": [ ]}'
    assert row_ends(text) == [] and rows_key(text) == "recipes"
    assert json_fields("application/json", text) == {
        "format": "json",
        "rows": [],
        "rows_from": {"at": 13, "list": True, "key": "recipes"},
    }


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
