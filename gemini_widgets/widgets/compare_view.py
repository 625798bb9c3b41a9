"""CompareView: a compare's answers in columns side by side, and a summary under them.

Each column is a label over a normal ``StreamView`` (its own status bar, Stop, Continue);
the summary is a ``CompareSummary`` (an anywidget). The view itself is no widget: each
front end lays these out with its own means when it shows the view, through its own
display protocol (``display.show_widget`` says which front end shows it).

- Jupyter (``_ipython_display_``): an ``ipywidgets.GridBox`` whose columns are at least
  ``COLUMN_MIN`` wide (on a narrow page they stack), in a ``VBox`` with the summary. When
  every answer has ended, the view's displays carry the answers under their labels and the
  summary as a table in ``text/markdown`` (a saved notebook shows it without widget state).
- marimo (``_display_``, marimo's display protocol): ``marimo.hstack`` of the columns and
  ``marimo.vstack`` with the summary. marimo renders only widgets with an ESM of their own
  (an ipywidgets box gets an error banner), so the boxes are never made there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


class CompareView(StaticFallback):
    """Columns of answers (one ``StreamView`` each) and the summary of their numbers."""

    def __init__(
        self, columns: Sequence[tuple[str, str]], *, backend: str = "", **view_settings: bool
    ) -> None:
        """``columns``: (label, model) of each answer, in order. ``view_settings``: each
        column's ``StreamView``'s, for the front end it is shown in (``display.py``)."""
        self.views = {
            label: StreamView(model=model, backend=backend, **view_settings)
            for label, model in columns
        }
        self.backend = backend
        self.summary_view = CompareSummary(table=summary_table(self.states))
        self._box: ipywidgets.VBox | None = None

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

    # ---- how each front end shows it ---------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Jupyter: the columns' box (``StaticFallback`` adds the Markdown to it)."""
        return self.jupyter_box()._repr_mimebundle_(**kwargs)

    def jupyter_box(self) -> ipywidgets.VBox:
        """The ipywidgets layout, made at its first display (the same box after)."""
        if self._box is None:
            grid = ipywidgets.GridBox(
                [_jupyter_column(label, view) for label, view in self.views.items()],
                layout=ipywidgets.Layout(
                    grid_template_columns=(
                        f"repeat(auto-fit, minmax(min(100%, {COLUMN_MIN}), 1fr))"
                    ),
                    grid_gap="0.75rem",
                    width="100%",
                ),
            )
            grid.add_class("gw-compare-columns")
            self._box = ipywidgets.VBox([grid, self.summary_view])
            self._box.add_class("gw-compare")
        return self._box

    def _display_(self) -> object:
        """marimo: its own stacks of the anywidgets (a new layout each time it is shown,
        of the same widgets)."""
        import marimo

        columns = [
            marimo.vstack(
                [
                    marimo.as_html(label).style(font_weight="bold"),
                    # A long answer scrolls inside its column (as the Jupyter layout does).
                    marimo.as_html(view).style(max_height=COLUMN_MAX_HEIGHT, overflow_y="auto"),
                ],
                gap=0.25,
            ).style(flex="1 1 0", min_width=f"min(100%, {COLUMN_MIN})")
            for label, view in self.views.items()
        ]
        # Wrapping at COLUMN_MIN stacks them on a narrow page, as the GridBox does.
        row = marimo.hstack(columns, justify="start", align="start", wrap=True, gap=0.75)
        return marimo.vstack([row, self.summary_view], gap=0.75)


def _jupyter_column(label: str, view: StreamView) -> ipywidgets.VBox:
    # Long answers scroll inside their column, so the columns stay side by side on screen
    # with the summary under them, rather than a page of one answer's end.
    view.layout = ipywidgets.Layout(max_height=COLUMN_MAX_HEIGHT, overflow="auto")
    title = ipywidgets.Label(label, style={"font_weight": "bold"})
    title.add_class("gw-compare-label")
    column = ipywidgets.VBox([title, view], layout=ipywidgets.Layout(min_width="0"))
    column.add_class("gw-compare-column")
    return column


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
