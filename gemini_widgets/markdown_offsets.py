"""Where markdown-it's inline content came from: its offsets in the Markdown source.

markdown-it hands its inline parser each block's *content*, built from source lines by
taking off container prefixes (``>``, list indentation) and the block's own markup, and
trimming the ends. ``SourceMap.offsets`` maps each character of that content back to the
source, so that ``safe_markdown`` can edit the source in place and keep every other byte.
Each content line is the end of its source line (a paragraph), the middle of it (an ATX
heading, before a closing ``#`` run), or a table cell, where ``\\|`` became ``|``.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

__all__ = ["SourceMap", "Unmappable"]


class Unmappable(Exception):
    """The content cannot be traced back to the source exactly: edit nothing from it."""


class SourceMap:
    """One Markdown source (``\\n`` line endings), its lines, and how far each table row's
    cells have been mapped (cells are found left to right)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._row_cursor: dict[int, int] = {}  # table row line -> where its next cell starts

    def line_start(self, line: int) -> int:
        if not 0 <= line < len(self._starts):
            raise Unmappable
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Where the line ends, before its newline."""
        following = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else len(self.text)
        return max(self.line_start(line), following)

    def rest_of_row(self, line: int) -> str:
        """What is left of a table row after the cells mapped so far."""
        return self.text[self._row_cursor.get(line, self.line_start(line)) : self.line_end(line)]

    def offsets(self, token: Token, parent: Token | None) -> list[int]:
        """For each character of ``token.content`` (and one past its end), its offset in the
        source; -1 for characters the block parser made up (spaces from a split tab).
        ``parent`` is the token before ``token`` (``th_open``/``td_open`` for a cell)."""
        if token.map is None or parent is None:
            raise Unmappable
        content = token.content
        first = token.map[0]
        if parent.type in ("th_open", "td_open"):
            return self._cell_offsets(first, content)
        offsets: list[int] = []
        pieces = content.split("\n")
        for j, piece in enumerate(pieces):
            line_start, line_end = self.line_start(first + j), self.line_end(first + j)
            source = self.text[line_start:line_end]
            body = piece.lstrip(" \t")
            if j < len(pieces) - 1:
                position = len(source) - len(body)  # a line the content goes on after
            else:
                # The last: trimmed at the end, and an ATX heading's closing `#`s are off.
                position = source.rfind(body)
                rest = source[position + len(body) :]
                atx = parent.type == "heading_open" and parent.markup.startswith("#")
                if rest.strip() and not (atx and not rest.strip().strip("#")):
                    raise Unmappable
            if position < 0 or not source.startswith(body, position):
                raise Unmappable
            offsets += [-1] * (len(piece) - len(body))
            offsets += range(line_start + position, line_start + position + len(body))
            if j < len(pieces) - 1:
                offsets.append(line_end)  # the newline
        offsets.append(offsets[-1] + 1 if offsets and offsets[-1] >= 0 else -1)
        return offsets

    def _cell_offsets(self, line: int, content: str) -> list[int]:
        start = self._row_cursor.get(line, self.line_start(line))
        if not content:
            return [start]
        # A `|` in a cell's content was written `\|`; anything between cells is spaces and
        # `|`, so the first match after the previous cell is this cell.
        pattern = "".join(r"\\\|" if char == "|" else re.escape(char) for char in content)
        match = re.compile(pattern).search(self.text, start, self.line_end(line))
        if match is None:
            raise Unmappable
        offsets, at = [], match.start()
        for char in content:
            at += char == "|"
            offsets.append(at)
            at += 1
        offsets.append(at)
        self._row_cursor[line] = match.end()
        return offsets
