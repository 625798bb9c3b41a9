"""CompareView: a compare's answers in columns side by side, and a summary under them.

Each column is a label over a normal ``StreamView`` (its own status bar, Stop, Continue).
The columns are an ``ipywidgets.GridBox`` whose columns are at least ``COLUMN_MIN`` wide:
on a narrow page they stack. When every answer has ended, the view's displays carry the
answers under their labels and the summary as a table in ``text/markdown`` (a saved
notebook shows it without widget state).
"""

from __future__ import annotations

from collections.abc import Sequence

import anywidget
import ipywidgets
import traitlets

from ..compare_summary import comparison_markdown, summary_table
from ..runner import RunSink, SinkGroup
from ..runner_group import MemberActions, RunnerGroup
from ..stream import Delta, StreamState
from .fallback import StaticFallback
from .stream_view import STATIC, StreamView

__all__ = ["CompareSummary", "CompareView"]

COLUMN_MIN = "16rem"
"""The narrowest a column gets before the columns stack (about 40 characters a line):
three fit beside each other in a notebook on a laptop screen."""
COLUMN_MAX_HEIGHT = "32rem"
"""A longer answer scrolls inside its column."""


class CompareView(StaticFallback, ipywidgets.VBox):
    """Columns of answers (one ``StreamView`` each) and the summary of their numbers."""

    def __init__(self, columns: Sequence[tuple[str, str]], *, backend: str = "") -> None:
        """``columns``: (label, model) of each answer, in order."""
        self.views = {
            label: StreamView(model=model, backend=backend, layout=_column_layout())
            for label, model in columns
        }
        self.backend = backend
        grid = ipywidgets.GridBox(
            [self._column(label, view) for label, view in self.views.items()],
            layout=ipywidgets.Layout(
                grid_template_columns=f"repeat(auto-fit, minmax(min(100%, {COLUMN_MIN}), 1fr))",
                grid_gap="0.75rem",
                width="100%",
            ),
        )
        grid.add_class("gw-compare-columns")
        self.summary_view = CompareSummary(table=summary_table(self.states))
        super().__init__([grid, self.summary_view])
        self.add_class("gw-compare")

    @property
    def states(self) -> dict[str, StreamState | None]:
        return {label: view.state for label, view in self.views.items()}

    def sink_for(self, label: str) -> RunSink:
        """What the runner of ``label``'s answer tells: its column, and this view."""
        return SinkGroup([self.views[label], _SummaryTap(self)])

    def act_with(self, group: RunnerGroup) -> None:
        """Each column's Stop stops the group; its Continue goes on with its answer only."""
        for view, runner in zip(self.views.values(), group.runners, strict=True):
            view.actions = MemberActions(group, runner)

    def refresh(self) -> None:
        """An answer started, began or ended: the summary and, once all ended, the saved
        notebook's Markdown follow."""
        states = self.states
        self.summary_view.table = summary_table(states)
        if all(state is not None and state.done for state in states.values()):
            self.show_static()

    def static_markdown(self) -> str | None:
        states = self.states
        if not all(state is not None and state.done for state in states.values()):
            return None
        return comparison_markdown(states)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        each = ", ".join(f"{label} {view.status}" for label, view in self.views.items())
        return f"<CompareView {each}>"

    @staticmethod
    def _column(label: str, view: StreamView) -> ipywidgets.VBox:
        title = ipywidgets.Label(label, style={"font_weight": "bold"})
        title.add_class("gw-compare-label")
        column = ipywidgets.VBox([title, view], layout=ipywidgets.Layout(min_width="0"))
        column.add_class("gw-compare-column")
        return column


def _column_layout() -> ipywidgets.Layout:
    # Long answers scroll inside their column, so the columns stay side by side on screen
    # with the summary under them, rather than a page of one answer's end.
    return ipywidgets.Layout(max_height=COLUMN_MAX_HEIGHT, overflow_y="auto")


class CompareSummary(anywidget.AnyWidget):
    """The summary table under the columns (``compare_summary.summary_table``'s JSON; the
    browser shows every string as text)."""

    _esm = STATIC / "compare_summary.js"
    _css = STATIC / "compare_summary.css"

    table = traitlets.Dict().tag(sync=True)

    def __repr__(self) -> str:
        return f"<CompareSummary {', '.join(self.table.get('labels', []))}>"


class _SummaryTap:
    """Tells the view when one of its answers starts, begins streaming or ends."""

    def __init__(self, view: CompareView) -> None:
        self.view = view
        self._began = False

    def on_start(self, state: StreamState, *, background: bool) -> None:
        self._began = False
        self.view.refresh()

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        if not self._began:
            self._began = True
            self.view.refresh()

    def on_end(self, state: StreamState) -> None:
        self.view.refresh()
