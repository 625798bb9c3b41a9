"""Where compare() shows its columns: one choice (``front_end()``), one way to show them
(``show_widget``), and the view laid out by each front end's own means: an ipywidgets box
in a Jupyter kernel, marimo's stacks of the anywidgets in a marimo notebook (never the
ipywidgets box, for which marimo shows an error banner). A script prints them
(tests/unit/test_comparison.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import gemini_widgets.widgets
from gemini_widgets import CompareResult, compare
from gemini_widgets.text_views import DISPLAY_ENV

MODELS = ["gemini-2.5-flash", "gemini-2.5-pro"]

# In a fresh process (marimo's formatters, once registered, change how every ipywidget is
# made after): marimo as it is in a notebook's kernel, its output recorded.
IN_MARIMO = """
import json
import marimo
from gemini_widgets import compare
shown = []
marimo.running_in_notebook = lambda: True
marimo.output.append = shown.append
result = compare("Explain tides.", variants={"<b>cold</b>": {"temperature": 0},
                                             "warm": {"temperature": 1}})
(view,) = shown
box_before_layout = view._box is not None
print(json.dumps(dict(
    kind=type(view).__name__,
    box=box_before_layout,
    catch_up=[v.catch_up for v in view.views.values()],
    keeps=[v.interrupt_keeps_view for v in view.views.values()],
    ids=[v.model_id for v in view.views.values()] + [view.summary_view.model_id],
    html=marimo.as_html(view).text,
    result=type(result).__name__,
    labels=list(result),
    same=[result[label] is v.state for label, v in view.views.items()],
    ok=[s.ok for s in result.values()],
)))
"""


def test_in_a_marimo_notebook_the_columns_are_marimo_stacks_of_the_anywidgets():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    env.update(GEMINI_WIDGETS_BACKEND="offline", GEMINI_OFFLINE_PACING="0")
    done = subprocess.run(
        [sys.executable, "-c", IN_MARIMO],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["kind"] == "CompareView"
    assert seen["box"] is False  # no ipywidgets box made where marimo shows the view
    assert seen["catch_up"] == [True, True]  # as stream()'s view in marimo
    assert seen["keeps"] == [False, False]  # marimo's interrupt replaces the output: Stop's hint
    html = seen["html"]
    # Each column's StreamView and the summary are marimo anywidgets, in that order: the
    # columns in a wrapping row, the summary under it.
    ids = [html.index(f"data-model-id='&quot;{model_id}&quot;'") for model_id in seen["ids"]]
    assert ids == sorted(ids) and html.count("<marimo-anywidget") == 3
    assert html.index("flex-direction: row") < ids[0] and "flex-wrap: wrap" in html
    assert html.count("max-height:32rem;overflow-y:auto") == 2
    # The labels are text: escaped, never markup.
    assert "&lt;b&gt;cold&lt;/b&gt;" in html and "<b>cold" not in html
    assert seen["result"] == "CompareResult" and seen["labels"] == ["<b>cold</b>", "warm"]
    assert seen["same"] == [True, True] and seen["ok"] == [True, True]


def test_in_a_kernel_the_columns_are_an_ipywidgets_box_with_the_summary(
    client, server, monkeypatch, capsys, ipython
):
    shown = []
    monkeypatch.setenv(DISPLAY_ENV, "widget")
    show = gemini_widgets.widgets.show_widget
    monkeypatch.setattr(
        gemini_widgets.widgets,
        "show_widget",
        lambda view, where: (shown.append(where), show(view, where)),
    )
    result = compare("Explain tides.", MODELS, client=client)
    assert shown == ["widget"]
    assert isinstance(result, CompareResult) and all(s.ok for s in result.values())
    # The test shell (the `ipython` fixture, so that no earlier test decides how display()
    # prints) prints each display's text/plain: the view as shown before the answers
    # started, then the same display updated when all had ended (its saved-notebook form).
    assert capsys.readouterr().out == (
        "<CompareView gemini-2.5-flash idle, gemini-2.5-pro idle>\n"
        "<CompareView gemini-2.5-flash done, gemini-2.5-pro done>\n"
    )


def test_the_box_holds_every_column_under_its_label_and_the_summary(client, server):
    from gemini_widgets.widgets import CompareView

    view = CompareView([(m, m) for m in MODELS])
    box = view.jupyter_box()
    assert view.jupyter_box() is box  # made once, at the first display
    grid, summary = box.children
    assert summary is view.summary_view
    titles = [column.children[0].value for column in grid.children]
    assert titles == MODELS
    assert [column.children[1] for column in grid.children] == list(view.views.values())
    assert not any(v.catch_up for v in view.views.values())
    data = view._repr_mimebundle_()
    bundle = data[0] if isinstance(data, tuple) else data
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
