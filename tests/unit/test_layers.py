"""The layers hold: the pure core and the offline server load no IPython or widget library.

Each check runs in a fresh interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import gemini_widgets

FRONT_END = ("IPython", "ipywidgets", "anywidget")
CORE = (
    "gemini_widgets",
    "gemini_widgets.stream",
    "gemini_widgets.consume",
    "gemini_widgets.runner",
    "gemini_widgets.runner_group",
    "gemini_widgets.comparison",
    "gemini_widgets.compare_summary",
    "gemini_widgets.conversation",
    "gemini_widgets.turns",
    "gemini_widgets.settings",
    "gemini_widgets.cost",
    "gemini_widgets.prices",
    "gemini_widgets.client",
    "gemini_widgets.text_views",
    "gemini_widgets.offline",
)


def run_fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def loaded_after(code: str) -> list[str]:
    out = run_fresh(
        code + f"\nimport sys\nprint(' '.join(m for m in {FRONT_END!r} if m in sys.modules))"
    )
    return out.split()


def test_the_core_and_the_offline_server_load_no_ipython_or_widgets():
    assert loaded_after("\n".join(f"import {module}" for module in CORE)) == []


def test_a_script_that_streams_without_a_view_loads_no_widgets():
    assert loaded_after("from gemini_widgets import StreamState, consume, get_client") == []
    assert loaded_after("from gemini_widgets import compare, CompareResult") == []


def test_a_widget_is_loaded_when_first_used():
    # The positive control: the check above would pass if nothing were ever imported.
    assert loaded_after("import gemini_widgets\ngemini_widgets.StreamView") == list(FRONT_END)


@pytest.mark.parametrize("first", ["gemini_widgets.stream", "gemini_widgets.consume"])
def test_stream_and_consume_stay_the_functions_after_their_modules_load(first):
    # `stream` and `consume` are also submodule names, and the import system binds a
    # loaded submodule on its package: the functions must still be what users import.
    out = run_fresh(f"""
        import {first}
        import gemini_widgets
        from gemini_widgets import consume, stream
        print(stream.__module__, consume.__module__, gemini_widgets.stream is stream)
    """)
    assert out == "gemini_widgets.generate gemini_widgets.consume True"


def test_every_public_name_resolves_and_is_listed():
    for name in gemini_widgets.__all__:
        assert getattr(gemini_widgets, name) is not None, name
    assert set(gemini_widgets.__all__) <= set(dir(gemini_widgets))
    assert "load_ipython_extension" in gemini_widgets.__all__
    with pytest.raises(AttributeError, match="no attribute 'Stream'"):
        _ = gemini_widgets.Stream
