"""Show a widget in the output of the cell that runs: IPython's ``display`` in a Jupyter
kernel, ``marimo.output.append`` in a marimo notebook (``text_views.front_end`` says which).

marimo renders an anywidget in a cell's output by its own formatter, live, while the cell
still runs; ``append`` rather than the cell's value because ``stream()`` returns its result.
A view made of several widgets (``CompareView``) lays them out through each front end's own
display protocol: ``_ipython_display_`` for IPython, ``_display_`` for marimo.
"""

from __future__ import annotations

from typing import Any

from ..text_views import FrontEnd

__all__ = ["show_widget", "view_settings"]


def view_settings(shown_in: FrontEnd) -> dict[str, bool]:
    """What a ``StreamView`` shown there must know of its front end (marimo differs in both):

    - ``catch_up``: send the answer whole at doubling sizes too, for a page that makes a
      widget's store at its first render and drops the messages before it, and a kernel
      that cannot be asked for them while the cell runs;
    - ``interrupt_keeps_view``: interrupting the running cell leaves the view and its
      partial answer in place; marimo replaces the cell's output with the interruption.
    """
    return {"catch_up": shown_in == "marimo", "interrupt_keeps_view": shown_in != "marimo"}


def show_widget(widget: Any, shown_in: FrontEnd) -> None:
    """Put ``widget`` (a widget, or a view of several) in the running cell's output
    (``shown_in``: ``widget`` or ``marimo``)."""
    if shown_in == "marimo":
        import marimo

        marimo.output.append(widget)
        return
    from IPython.display import display

    display(widget)
