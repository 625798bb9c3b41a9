"""The summary under a compare's columns: one row per measure, one cell per answer, the best
of each row marked; and the whole compare as Markdown for the saved notebook.

The numbers are each answer's ``StreamState.stats()`` (the status bar's), formatted here
once, so the live table (``widgets/compare_view.py``) and the Markdown say the same. Only an
answer that finished whole can be the best of a row (a dropped one has the fewest tokens),
and a row whose finished answers are all equal marks none. No IPython here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .answer_markdown import answer_markdown
from .answer_wire import answer_json
from .outcome import final_status, notice_for
from .stream import StreamState

__all__ = ["MEASURES", "Measure", "comparison_markdown", "summary_markdown", "summary_table"]

PENDING = "…"
"""A number the answer has not given yet (it is still streaming)."""
ABSENT = "—"
"""A number the answer will not give (no usage came, no price known)."""


@dataclass(frozen=True)
class Measure:
    """One row of the summary: which ``stats()`` value, its title, and which way is better."""

    key: str
    title: str
    better: Literal["low", "high"] | None
    show: Callable[[Any], str]


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _rate(value: float) -> str:
    return f"{value:.1f}"


def _count(value: int) -> str:
    return f"{value:,}"


def _usd(value: float) -> str:
    """As the status bar shows a cost (``formatCost`` in ``js/src/view_parts.js``): two
    significant digits, cents from $0.10."""
    if value == 0:
        return "$0"
    if value < 1e-6:
        return "< $0.000001"
    rounded = float(f"{value:.2g}")
    if rounded >= 0.1:
        return f"${value:.2f}"
    return f"${rounded:.{1 - math.floor(math.log10(rounded))}f}"


MEASURES = (
    Measure("time_to_first_token", "first token", "low", _seconds),
    Measure("elapsed", "total time", "low", _seconds),
    Measure("tokens_per_second", "tokens/s", "high", _rate),
    Measure("prompt_tokens", "tokens in", "low", _count),
    Measure("output_tokens", "tokens out", "low", _count),
    Measure("thought_tokens", "thinking tokens", "low", _count),
    Measure("finish", "finish", None, str),
    Measure("cost", "estimated cost", "low", _usd),
)


_KNOWN_EARLY = frozenset({"time_to_first_token", "prompt_tokens"})
"""Shown while the answer streams: the rest would be stale until it ends (the column's own
status bar has them live)."""


def summary_table(states: Mapping[str, StreamState | None]) -> dict[str, Any]:
    """``{labels, rows: [{key, title, cells: [text], best: [bool]}]}``: plain JSON, the shape
    the live table reads (a state is None before its answer starts)."""
    stats = {label: _stats(state) for label, state in states.items()}
    whole = [label for label, state in states.items() if state is not None and _whole(state)]
    rows = []
    for measure in MEASURES:
        values = {label: stat.get(measure.key) for label, stat in stats.items()}
        best = _best(measure, {label: values[label] for label in whole})
        rows.append(
            {
                "key": measure.key,
                "title": measure.title,
                "cells": [_cell(measure, values[label], states[label]) for label in states],
                "best": [label in best for label in states],
            }
        )
    return {"labels": list(states), "rows": rows}


def summary_markdown(table: Mapping[str, Any]) -> str:
    """The summary as a Markdown table (measures down, answers across; the best in bold)."""
    labels = [_table_text(label) for label in table["labels"]]
    lines = [f"| | {' | '.join(labels)} |", "|---" * (len(labels) + 1) + "|"]
    for row in table["rows"]:
        cells = [
            f"**{_table_text(cell)}** ★" if best else _table_text(cell)
            for cell, best in zip(row["cells"], row["best"], strict=True)
        ]
        lines.append(f"| {row['title']} | {' | '.join(cells)} |")
    return "**Summary** (★ the best of each row)\n\n" + "\n".join(lines)


def comparison_markdown(states: Mapping[str, StreamState]) -> str:
    """Each answer under its label, then the summary table."""
    sections = []
    for label, state in states.items():
        answer = answer_markdown(answer_json(state)).strip() or "*(no text)*"
        problem = _problem(state)
        if problem:
            answer += f"\n\n*{problem}*"
        sections.append(f"### {_heading_text(label)}\n\n{answer}")
    sections.append(summary_markdown(summary_table(states)))
    return "\n\n---\n\n".join(sections) + "\n"


# ---- internals ----------------------------------------------------------------------------


def _stats(state: StreamState | None) -> dict[str, Any]:
    if state is None:
        return {}
    stats = dict(state.stats())
    if state.done:
        status = final_status(state)
        if status == "done":
            stats["finish"] = stats.get("finish_reason") or ABSENT
        elif status == "blocked":
            stats["finish"] = f"blocked ({stats.get('block_reason')})"
        else:
            stats["finish"] = status  # error, stopped
    return stats


def _whole(state: StreamState) -> bool:
    return state.ok and not state.cut_short


def _cell(measure: Measure, value: Any, state: StreamState | None) -> str:
    done = state is not None and state.done
    if value is None or not (done or measure.key in _KNOWN_EARLY):
        return ABSENT if done else PENDING
    return measure.show(value)


def _best(measure: Measure, values: Mapping[str, Any]) -> set[str]:
    """The labels whose value shows as the best one does; none when all show the same."""
    known = {label: v for label, v in values.items() if isinstance(v, int | float)}
    if measure.better is None or not known:
        return set()
    chosen = min(known.values()) if measure.better == "low" else max(known.values())
    shown = measure.show(chosen)
    best = {label for label, value in known.items() if measure.show(value) == shown}
    return set() if best == set(known) else best


def _problem(state: StreamState) -> str:
    return f"Error: {state.error.message}" if state.error is not None else notice_for(state)


def _table_text(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def _heading_text(text: str) -> str:
    return " ".join(text.split()).replace("#", "\\#")
