"""At most one delta per frame: what the loops hand the views, however fast chunks come."""

from __future__ import annotations

import time

from .answer_parts import PlacedPart
from .stream import Clock, Delta

__all__ = ["FRAME_INTERVAL", "Coalescer"]

# Seconds between deltas at most: 20 a second. Text that moves 20 times a second reads as
# smooth, and each delta costs the page a kernel message and a render. In JupyterLab, a
# 300 KB answer at 60 chunks a second took 0.8 s of the page's main thread at 20 deltas a
# second against 1.0 s at 30 (4 rounds each, benchmarks/README.md); 10 a second saved
# nothing more. A slow stream (a real model's few chunks a second) is not held at all.
FRAME_INTERVAL = 1 / 20


class Coalescer:
    """Holds deltas so that at most one is emitted per frame (``interval`` seconds).

    A chunk that comes after a quiet frame is emitted at once, so slow streams show every
    chunk immediately; fast streams are merged. The driver calls ``due`` when the deadline
    passes with nothing new, so held text is never stranded until the next chunk.
    """

    def __init__(self, interval: float = FRAME_INTERVAL, clock: Clock = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        # Held pieces are joined once, when emitted: concatenating on every add would make
        # a long backlog quadratic.
        self._text: list[str] = []
        self._thoughts: list[str] = []
        self._parts: list[PlacedPart] = []
        self._annotated = False
        self._last_emit = float("-inf")

    def add(self, delta: Delta) -> Delta | None:
        if delta.text:
            self._text.append(delta.text)
        if delta.thoughts:
            self._thoughts.append(delta.thoughts)
        if delta.parts:
            self._parts.extend(delta.parts)
        self._annotated |= delta.annotated
        return self.due()

    @property
    def holding(self) -> bool:
        return bool(self._text or self._thoughts or self._parts or self._annotated)

    def due(self) -> Delta | None:
        """The held delta if its frame has come, else None."""
        if not self.holding:
            return None
        now = self.clock()
        if now - self._last_emit < self.interval:
            return None
        return self.flush(now)

    def flush(self, now: float | None = None) -> Delta | None:
        """Everything held, regardless of the frame (the end of a stream)."""
        if not self.holding:
            return None
        delta = Delta(
            "".join(self._text), "".join(self._thoughts), tuple(self._parts), self._annotated
        )
        self._text, self._thoughts, self._parts, self._annotated = [], [], [], False
        self._last_emit = self.clock() if now is None else now
        return delta

    def seconds_until_due(self) -> float | None:
        """How long the driver may wait for the next chunk before calling ``due``."""
        if not self.holding:
            return None
        return max(0.0, self._last_emit + self.interval - self.clock())
