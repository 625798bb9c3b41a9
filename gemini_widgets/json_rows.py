"""Where each row of a streamed JSON answer ends, so the browser renders rows, not text.

A JSON answer streams as text like any other (each character sent once). Beside it the
kernel notes where rows are: where the first row starts and which key they come from
(``rows_from``, when that is decided or changes) and the character offset at which each
row is complete. Rows are the items of the top-level array; the items of the list when the
value is an object whose only key holds a list (``{"recipes": [...]}``, a wrapper model);
else the whole value, one row. The browser parses a finished row once (``JSON.parse`` of
its slice) and re-renders only the unfinished one, as the Markdown renderer does for its
open block.

The scanner only follows strings, escapes and nesting (it never builds a value), so a whole
answer costs O(n) however it is chunked; values are parsed by real parsers: pydantic-core
in Python (``partial_value``), ``JSON.parse`` and partial-json in the browser. No IPython.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pydantic_core

__all__ = ["JSON_MIME", "RowScanner", "json_fields", "partial_value", "row_ends", "rows_key"]

JSON_MIME = "application/json"
"""The ``response_mime_type`` of an answer that the views show as a table."""

_IN_STRING = re.compile(r'["\\]')
_OUTSIDE = re.compile(r"\S")

# Where the scanner is in the top-level object's first member, the one that may wrap a list.
_KEY, _COLON, _VALUE, _LIST, _AFTER = "key", "colon", "value", "list", "after"


class RowScanner:
    """Fed a JSON answer piece by piece, says at which offsets rows became complete.

    Offsets are Python ``str`` offsets (code points) into the whole answer; a row ends just
    after its closing bracket, or at the comma or bracket after a plain value. Text before
    the first ``[`` or ``{`` (a Markdown fence the model added) and after the value's end
    is ignored.

    An object's rows are decided from its first member: when its value opens with ``[``,
    the rows are that list's items (``key`` names it) as they complete. Should a second
    member follow the list, the rows fall back to the whole object, one row (as
    ``to_pandas()`` does): ``rows_from`` changes, and the list's row ends are dropped.
    """

    def __init__(self) -> None:
        self.ends: list[int] = []
        """Every row end found so far (since ``rows_from`` last changed), in order."""
        self.key: str | None = None
        """The key whose list the rows are the items of, or None."""
        self.start: int | None = None
        """Where the first row's text starts (after the list's ``[``, or the object's
        ``{``); None before the value has begun."""
        self.changes = 0
        """How many times ``rows_from`` was set: a sender notes it and sends it on change."""
        self.span: tuple[int, int | None] | None = None
        """Where the top-level value starts and (once it has) ends, or None before it."""
        self._fed = 0
        self._top = ""  # "[" or "{" once the top-level value has begun
        self._depth = 0
        self._list_depth = 0  # depth of the items of the list the rows come from; 0: none
        self._first = ""  # _KEY ... _AFTER while the top object's first member may wrap a list
        self._key_raw: list[str] | None = None  # the first key's text while it streams
        self._first_key = ""
        self._in_string = False
        self._escape = False
        self._in_row = False  # an item of the row list has begun and not ended
        self._closed = False
        self._found: list[int] = []

    @property
    def rows_from(self) -> dict[str, Any] | None:
        """Where rows are, as the browser is told: ``at`` (code points) where the first
        row starts, ``list`` (rows are items of a list), ``key`` (of a wrapped list)."""
        if self.start is None:
            return None
        return {"at": self.start, "list": self._top == "[" or self.key is not None, "key": self.key}

    def feed(self, text: str) -> list[int]:
        """Take the next piece of the answer; return the row ends it completed."""
        self._found = []
        base, i, size = self._fed, 0, len(text)
        self._fed += size
        while i < size and not self._closed:
            if self._escape:
                self._escape = False
                if self._key_raw is not None:
                    self._key_raw.append(text[i])
                i += 1
                continue
            if self._in_string:
                match = _IN_STRING.search(text, i)
                if self._key_raw is not None:
                    self._key_raw.append(text[i : match.end() if match else size])
                if match is None:
                    break
                i = match.end()
                if match.group() == "\\":
                    self._escape = True
                else:
                    self._in_string = False
                    if self._key_raw is not None:
                        self._key_ended()
                continue
            match = _OUTSIDE.search(text, i)
            if match is None:
                break
            i = match.end()
            end = self._step(match.group(), base + match.start())
            if end is not None:
                self._found.append(end)
        found = self._found  # a fallback in this piece started it again
        self.ends.extend(found)
        return found

    def _step(self, char: str, at: int) -> int | None:
        """One character outside strings; the row end it makes, if any."""
        if not self._top:
            if char in "[{":
                self._top, self._depth = char, 1
                self.span = (at, None)
                self._list_depth = 1 if char == "[" else 0
                self._first = _KEY if char == "{" else ""
                self._set_rows(None, at + 1 if char == "[" else at)
            return None
        if self._first and self._depth == 1 and self._first_member(char, at):
            return None
        in_row_list = self._list_depth > 0 and self._depth == self._list_depth
        if char == '"':
            self._in_string = True
            self._in_row |= in_row_list
        elif char in "[{":
            self._in_row |= in_row_list
            self._depth += 1
        elif char in "]}":
            self._depth -= 1
            if self._depth == 0:
                self._closed = True
                self.span = (self.span[0] if self.span else 0, at + 1)
                if self._top == "[":
                    return self._end_row(at)
                return None if self.key is not None else at + 1
            if self._depth == self._list_depth:
                return self._end_row(at + 1)
            if self._depth == self._list_depth - 1:  # the wrapped list closed
                self._list_depth, self._first = 0, _AFTER
                return self._end_row(at)
        elif char == ",":
            if in_row_list:
                return self._end_row(at)
        elif in_row_list:
            self._in_row = True  # a number, true, false or null
        return None

    def _first_member(self, char: str, at: int) -> bool:
        """The top object's first member, at depth 1: True when ``char`` was taken here."""
        state = self._first
        if state == _KEY and char == '"':
            self._in_string, self._key_raw = True, ['"']
            return True
        if state == _COLON and char == ":":
            self._first = _VALUE
            return True
        if state == _VALUE and char == "[":
            self._first, self._depth, self._list_depth = _LIST, 2, 2
            self._set_rows(self._first_key, at + 1)
            return True
        if state == _AFTER and char == ",":  # a second member: the whole object is the row
            self._first = ""
            self._set_rows(None, self.span[0] if self.span else 0)
            return True
        if state != _AFTER:
            self._first = ""  # the first value is not a list: one row, as for any object
        return False

    def _key_ended(self) -> None:
        raw, self._key_raw = "".join(self._key_raw or ()), None
        try:
            self._first_key, self._first = json.loads(raw), _COLON
        except ValueError:
            self._first = ""

    def _set_rows(self, key: str | None, start: int) -> None:
        self.key, self.start = key, start
        self.changes += 1
        self.ends, self._found = [], []

    def _end_row(self, at: int) -> int | None:
        ended, self._in_row = self._in_row, False
        return at if ended else None


def row_ends(text: str) -> list[int]:
    """Every row end in a whole (or partial) answer: what a view opened late is sent."""
    scanner = RowScanner()
    scanner.feed(text)
    return scanner.ends


def rows_key(text: str) -> str | None:
    """The key whose list an answer's rows are the items of (``{"recipes": [...]}``), or
    None: what ``to_pandas()`` makes its rows of, decided as the view decided it."""
    scanner = RowScanner()
    scanner.feed(text)
    return scanner.key


def json_fields(mime_type: str | None, text: str) -> dict[str, Any]:
    """What a view needs beside a JSON answer's text to show it as a table (``format``,
    ``rows_from`` and every ``rows`` end so far), for a snapshot, a reply's start and a
    chat's turns; nothing for any other answer."""
    if mime_type != JSON_MIME:
        return {}
    scanner = RowScanner()
    scanner.feed(text)
    return {"format": "json", "rows": scanner.ends, "rows_from": scanner.rows_from}


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
