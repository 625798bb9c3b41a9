"""Show a widget in the output of the cell that runs: IPython's ``display`` in a Jupyter
kernel, ``marimo.output.append`` in a marimo notebook (``text_views.front_end`` says which).

marimo renders an anywidget in a cell's output by its own formatter, live, while the cell
still runs; ``append`` rather than the cell's value because ``stream()`` returns its result.
"""

from __future__ import annotations

from typing import Any

from ..text_views import FrontEnd

__all__ = ["show_widget"]


def show_widget(widget: Any, shown_in: FrontEnd) -> None:
    """Put ``widget`` in the running cell's output (``shown_in``: ``widget`` or ``marimo``)."""
    if shown_in == "marimo":
        import marimo

        marimo.output.append(widget)
        return
    from IPython.display import display

    display(widget)
