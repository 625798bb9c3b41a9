"""The layers hold: the pure core and the offline server load no IPython or widget library.

Each check starts in a fresh interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap

import pytest

import gemini_widgets

FRONT_END = ("IPython", "ipywidgets", "anywidget")
# The one list of modules allowed to load FRONT_END (a package counts with its submodules);
# every other module of the package is the core and is checked below.
FRONT_END_MODULES = {
    "gemini_widgets.widgets": "the views: anywidget models shown with IPython's display",
    "gemini_widgets.magics": "the %%gemini magic, an IPython Magics class",
    "gemini_widgets.magic_options": "the magic's options, IPython magic_arguments",
    "gemini_widgets.magic_compare": "the magic's compare options, whose errors are UsageError",
}
ALL_MODULES = ["gemini_widgets"] + [
    module.name for module in pkgutil.walk_packages(gemini_widgets.__path__, "gemini_widgets.")
]
CORE = [
    name
    for name in ALL_MODULES
    if not any(name == front or name.startswith(front + ".") for front in FRONT_END_MODULES)
]


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
    """The front-end libraries loaded once `code` has run (which may print too)."""
    out = run_fresh(
        code + f"\nimport sys\nprint('loaded:', *(m for m in {FRONT_END!r} if m in sys.modules))"
    )
    return out.rsplit("loaded:", 1)[1].split()


def loaded_by_each(modules: list[str]) -> dict[str, list[str]]:
    """The front-end libraries each module loads, each imported alone in a child of one
    fresh interpreter (forked: google.genai, which nearly all of them import, loads once)."""
    out = run_fresh(f"""
        import importlib, os, sys
        import google.genai

        def loaded():
            return [m for m in {FRONT_END!r} if m in sys.modules]

        assert not loaded(), loaded()
        for name in {modules!r}:
            if os.fork() == 0:
                try:
                    importlib.import_module(name)
                    print(name, *loaded(), flush=True)
                finally:
                    os._exit(0)
            os.wait()
    """)
    return {line.split()[0]: line.split()[1:] for line in out.splitlines()}


def test_no_core_module_loads_ipython_or_widgets():
    assert "gemini_widgets.offline.server" in CORE  # the walk reaches the subpackages
    loaded = loaded_by_each(CORE)
    assert set(loaded) == set(CORE)  # each one imported
    assert {name: libraries for name, libraries in loaded.items() if libraries} == {}


def test_the_front_end_modules_exist():
    # A module renamed or removed must not leave a stale entry behind.
    assert set(FRONT_END_MODULES) <= set(ALL_MODULES)


def test_a_script_that_streams_without_a_view_loads_no_widgets():
    assert loaded_after("from gemini_widgets import StreamState, consume, get_client") == []
    assert loaded_after("from gemini_widgets import compare, CompareResult") == []


def test_a_script_that_chats_loads_no_widgets_until_it_asks_for_the_view():
    chat = textwrap.dedent("""
        from gemini_widgets import Chat, use_backend
        use_backend("offline")
        chat = Chat()
        assert chat.send("Hello").text  # printed as it streams
    """)
    assert loaded_after(chat) == []
    assert loaded_after(chat + "chat.view\n") == list(FRONT_END)


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
