"""SourceMap: each character markdown-it hands its inline parser is found in the source.

safe_markdown edits the source at these offsets; one off by a character would corrupt the
saved answer or leave a tag unescaped.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from gemini_widgets.markdown_offsets import SourceMap, Unmappable

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

DOCUMENTS = {
    "paragraph": "Some *text*\n  goes on here  \nand ends.",
    "atx heading with closing hashes": "## A title ##   \n\nbody",
    "setext heading": "Title\n  line two\n=====",
    "quote in a list": "- item\n  > quoted *text*\n  > more\n- next",
    "nested quotes": "> > deep\n> > deeper\n> back",
    "tab after a list marker": "-\tone\n\n\tcontinued",
    "table with an escaped pipe": "| a | b \\| c |\n|---|---|\n| 1 | `x \\| y` |\n|  | last |",
    "ordered list, lazy line": "1. first\nlazy\n2. second",
}


def mapped(text: str) -> list[tuple[str, list[int]]]:
    source = SourceMap(text)
    tokens = _MD.parse(text)
    return [
        (token.content, source.offsets(token, tokens[index - 1]))
        for index, token in enumerate(tokens)
        if token.type == "inline" and index
    ]


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_each_content_character_is_the_source_character_at_its_offset(text: str) -> None:
    for content, offsets in mapped(text):
        assert len(offsets) == len(content) + 1
        placed = [(char, at) for char, at in zip(content, offsets, strict=False) if at >= 0]
        assert [text[at] for _, at in placed] == [char for char, _ in placed], content
        positions = [at for _, at in placed]
        assert positions == sorted(set(positions)), "offsets go backwards or repeat"


def test_spaces_made_from_a_tab_map_to_nothing() -> None:
    # The list item's content starts at column 2; the tab reaches column 4, so markdown-it
    # hands on two spaces that are not in the source.
    assert mapped("- a\n\tb") == [("a\n  b", [2, 3, -1, -1, 5, 6])]


def test_cells_past_the_header_count_are_left_in_the_rest_of_the_row() -> None:
    text = "| a | b |\n|---|---|\n| 1 | 2 | extra <img> |"
    source = SourceMap(text)
    tokens = _MD.parse(text)
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.map and token.map[0] == 2:
            source.offsets(token, tokens[index - 1])
    assert source.rest_of_row(2).strip() == "| extra <img> |"


def test_content_that_is_not_in_the_source_is_unmappable() -> None:
    source = SourceMap("a paragraph")
    made_up = Token("inline", "", 0, content="not there", map=[0, 1])
    with pytest.raises(Unmappable):
        source.offsets(made_up, Token("paragraph_open", "p", 1))
    with pytest.raises(Unmappable):
        source.offsets(Token("inline", "", 0, content="a"), Token("paragraph_open", "p", 1))
