"""notebooks/marimo_tutorial.py runs: in marimo's own runtime (``marimo export html`` runs
every cell in a kernel, where the widgets are chosen) and as a script (answers printed).
And ``%%gemini``'s module, imported in marimo, says what to use instead."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("marimo")

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "notebooks" / "marimo_tutorial.py"


def _offline_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"):
        env.pop(name, None)
    env.pop("GEMINI_WIDGETS_DISPLAY", None)
    env.update(GEMINI_OFFLINE_PACING="0", GEMINI_WIDGETS_BACKEND="offline")
    return env


def _export_html(notebook: Path, out: Path, *, cells_fail: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "marimo", "-y", "export", "html", str(notebook), "-o", str(out)],
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    # marimo exits 1 when a cell raised, and still writes the page with the error in it.
    assert done.returncode == (1 if cells_fail else 0), done.stderr[-2000:]
    return out.read_text(encoding="utf-8")


def test_the_marimo_tutorial_runs_in_marimo_with_live_widgets(tmp_path):
    html = _export_html(TUTORIAL, tmp_path / "tutorial.html")
    # Each cell's printed lines are in the page: the answer ended, the chat replied.
    assert "FinishReason.STOP" in html
    assert "contents in the history;" in html
    assert "offline server (http://127.0.0.1:" in html
    # Both compared answers ended, and the cell that reads the result saw them.
    assert re.search(r"gemini-2\.5-flash FinishReason\.STOP \d+ characters", html)
    assert re.search(r"gemini-2\.5-pro FinishReason\.STOP \d+ characters", html)
    # The StreamView, the compare's two columns and its summary, and the ChatView are marimo
    # widgets (each element's open and close tag); each compared answer scrolls in its
    # column.
    assert html.count("marimo-anywidget") >= 2 * 5
    assert html.count("max-height:32rem;overflow-y:auto") == 2
    assert "MarimoExceptionRaisedError" not in html


def test_the_marimo_tutorial_runs_as_a_script_and_prints_the_answers():
    done = subprocess.run(
        [sys.executable, str(TUTORIAL)],
        env=_offline_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "FinishReason.STOP" in done.stdout
    assert "contents in the history;" in done.stdout
    assert "Written by the offline demo server" in done.stdout
    # The compare, as a script prints it: each answer under its label, then the summary.
    assert "### gemini-2.5-flash" in done.stdout and "### gemini-2.5-pro" in done.stdout
    assert "| finish | STOP | STOP |" in done.stdout


def test_importing_the_magics_in_marimo_says_what_to_use_instead(tmp_path):
    notebook = tmp_path / "magic.py"
    notebook.write_text(
        "import marimo\n\napp = marimo.App()\n\n\n@app.cell\ndef _():\n"
        "    import gemini_widgets.magics\n    return\n",
        encoding="utf-8",
    )
    html = _export_html(notebook, tmp_path / "magic.html", cells_fail=True)
    assert "%%gemini is an IPython magic and marimo runs no IPython" in html
