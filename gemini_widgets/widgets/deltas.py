"""The kernel half of the delta protocol, shared by StreamView and ChatView.

Each piece of text is sent once, with its offset (``at``), so the browser can apply pieces
in order, drop repeats and notice a gap (then it asks for a snapshot); each non-text part
likewise, numbered (``parts_at``), and the answer's annotations whole when they change
(``answer_wire.py`` makes the JSON). Live status-bar numbers ride along at most every
``STATS_INTERVAL`` seconds. For a JSON answer, ``rows`` lists the offsets at which rows
became complete with this piece (``json_rows.py``): a few bytes a row, no value sent twice;
``rows_from`` says where rows start and which key they come from, when that is decided or
changes (at most three times an answer; the browser then starts its rows again).
"""

from __future__ import annotations

from typing import Any

from ..answer_wire import annotations_json, parts_json
from ..json_rows import RowScanner
from ..stream import Delta, StreamState

__all__ = ["STATS_INTERVAL", "DeltaSender"]

STATS_INTERVAL = 0.25
"""Seconds between live status-bar updates: enough for a ticking tokens/s, few bytes."""


class DeltaSender:
    """Turns ``Delta``s into ``delta`` messages on one widget's comm."""

    def __init__(self, widget: Any) -> None:
        self.widget = widget
        self.reset()

    def reset(self) -> None:
        self.text_at = 0
        self.thoughts_at = 0
        self.parts_at = 0
        self.stats_sent_at = float("-inf")
        self.rows: RowScanner | None = None
        self.rows_from_sent = 0  # the scanner's ``changes`` when ``rows_from`` was last sent

    def resume(self, state: StreamState, *, rows: bool = False) -> None:
        """Go on after ``state``'s text (a continued answer): the browser keeps what it has.
        With ``rows``, the answer is JSON and its row ends are noted."""
        self.text_at = len(state.text)
        self.thoughts_at = len(state.thoughts)
        self.parts_at = len(state.placed_parts)
        self.stats_sent_at = float("-inf")
        self.rows = RowScanner() if rows else None
        if self.rows is not None:
            self.rows.feed(state.text)
            self.rows_from_sent = self.rows.changes

    def send(self, delta: Delta, state: StreamState, **extra: Any) -> None:
        message: dict[str, Any] = {"type": "delta", **extra}
        now = state.clock()
        if now - self.stats_sent_at >= STATS_INTERVAL:
            message["stats"] = state.stats()
            self.stats_sent_at = now
        if delta.text:
            message.update(at=self.text_at, text=delta.text)
            self.text_at += len(delta.text)
            if self.rows is not None:
                self._note_rows(message, self.rows, self.rows.feed(delta.text))
        if delta.thoughts:
            message.update(thoughts_at=self.thoughts_at, thoughts=delta.thoughts)
            self.thoughts_at += len(delta.thoughts)
        if delta.parts:
            message.update(parts_at=self.parts_at, parts=parts_json(delta.parts))
            self.parts_at += len(delta.parts)
        if delta.annotated:
            message["annotations"] = annotations_json(state)
        self.widget.send(message)

    def _note_rows(self, message: dict[str, Any], rows: RowScanner, ends: list[int]) -> None:
        if rows.changes != self.rows_from_sent:
            message["rows_from"] = rows.rows_from
            self.rows_from_sent = rows.changes
        if ends:
            message["rows"] = ends
