"""Where each row of a streamed JSON answer ends, so the browser renders rows, not text.

A JSON answer streams as text like any other (each character sent once). Beside it the
kernel notes the character offset at which each row is complete: an item of the top-level
array, or the whole value when it is an object. The browser parses a finished row once
(``JSON.parse`` of its slice) and re-renders only the unfinished one, as the Markdown
renderer does for its open block.

The scanner only follows strings, escapes and nesting (it never builds a value), so a whole
answer costs O(n) however it is chunked; values are parsed by real parsers: pydantic-core
in Python (``partial_value``), ``JSON.parse`` and partial-json in the browser. No IPython.
"""

from __future__ import annotations

import re
from typing import Any

import pydantic_core

__all__ = ["JSON_MIME", "RowScanner", "json_fields", "partial_value", "row_ends"]

JSON_MIME = "application/json"
"""The ``response_mime_type`` of an answer that the views show as a table."""

_IN_STRING = re.compile(r'["\\]')
_OUTSIDE = re.compile(r"\S")


class RowScanner:
    """Fed a JSON answer piece by piece, says at which offsets rows became complete.

    Offsets are Python ``str`` offsets (code points) into the whole answer; a row ends just
    after its closing bracket, or at the comma or bracket after a plain value. Text before
    the first ``[`` or ``{`` (a Markdown fence the model added) and after the value's end
    is ignored.
    """

    def __init__(self) -> None:
        self.ends: list[int] = []
        """Every row end found so far, in order."""
        self._fed = 0
        self._top = ""  # "[" or "{" once the top-level value has begun
        self._depth = 0
        self._in_string = False
        self._escape = False
        self._in_row = False  # an item of the top-level array has begun and not ended
        self._closed = False
        self.span: tuple[int, int | None] | None = None
        """Where the top-level value starts and (once it has) ends, or None before it."""

    def feed(self, text: str) -> list[int]:
        """Take the next piece of the answer; return the row ends it completed."""
        found: list[int] = []
        base, i, size = self._fed, 0, len(text)
        self._fed += size
        while i < size and not self._closed:
            if self._escape:
                self._escape, i = False, i + 1
                continue
            if self._in_string:
                match = _IN_STRING.search(text, i)
                if match is None:
                    break
                i = match.end()
                if match.group() == "\\":
                    self._escape = True
                else:
                    self._in_string = False
                continue
            match = _OUTSIDE.search(text, i)
            if match is None:
                break
            i = match.end()
            end = self._step(match.group(), base + match.start())
            if end is not None:
                found.append(end)
        self.ends.extend(found)
        return found

    def _step(self, char: str, at: int) -> int | None:
        """One character outside strings; the row end it makes, if any."""
        if not self._top:
            if char in "[{":
                self._top, self._depth = char, 1
                self.span = (at, None)
            return None
        in_array_row = self._top == "[" and self._depth == 1
        if char == '"':
            self._in_string = True
            self._in_row |= in_array_row
        elif char in "[{":
            self._in_row |= in_array_row
            self._depth += 1
        elif char in "]}":
            self._depth -= 1
            if self._depth == 0:
                self._closed = True
                self.span = (self.span[0] if self.span else 0, at + 1)
                if self._top == "{":
                    return at + 1
                return self._end_row(at)
            if self._depth == 1 and self._top == "[":
                return self._end_row(at + 1)
        elif char == ",":
            if in_array_row:
                return self._end_row(at)
        elif in_array_row:
            self._in_row = True  # a number, true, false or null
        return None

    def _end_row(self, at: int) -> int | None:
        ended, self._in_row = self._in_row, False
        return at if ended else None


def row_ends(text: str) -> list[int]:
    """Every row end in a whole (or partial) answer: what a view opened late is sent."""
    scanner = RowScanner()
    scanner.feed(text)
    return scanner.ends


def json_fields(mime_type: str | None, text: str) -> dict[str, Any]:
    """What a view needs beside a JSON answer's text to show it as a table (``format`` and
    every ``rows`` end so far), for a snapshot, a reply's start and a chat's turns; nothing
    for any other answer."""
    if mime_type != JSON_MIME:
        return {}
    return {"format": "json", "rows": row_ends(text)}


def partial_value(text: str) -> Any:
    """The JSON value of an answer so far (pydantic-core's partial mode: an unfinished
    object keeps its finished fields, an unfinished string what it has), or None when
    nothing of it can be read yet."""
    scanner = RowScanner()
    scanner.feed(text)
    if scanner.span is None:
        return None
    start, end = scanner.span
    try:
        return pydantic_core.from_json(text[start:end], allow_partial="trailing-strings")
    except ValueError:
        return None
