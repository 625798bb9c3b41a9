"""Each tutorial notebook, opened in real JupyterLab, runs with Run All without an error."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
INSTANT = (
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Pacing\n"
    "offline_server().state.pacing = Pacing.instant()"
)


def read_when_written(lab) -> nbformat.NotebookNode:
    """The saved notebook; the server may still be writing it when its mtime changes."""
    deadline = time.monotonic() + 60  # a busy server may take a while; a broken one forever
    while time.monotonic() < deadline:
        try:
            return lab.read()
        except nbformat.reader.NotJSONError:
            lab.page.wait_for_timeout(100)
    return lab.read()


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_all_in_jupyterlab(lab, source: Path):
    shutil.copyfile(source, lab.path)
    data = source.parent / "data"
    if data.is_dir():
        shutil.copytree(data, lab.server.root / "data", dirs_exist_ok=True)
    lab.open()
    lab.kernel_output(INSTANT)  # what each lesson shows does not depend on pacing
    lab.run_all(wait=False)
    lab.wait_until_cells_ran(timeout=300_000)
    lab.save()
    saved = read_when_written(lab)
    errors = [
        f"cell {i}: {output.get('ename')}: {output.get('evalue')}"
        for i, cell in enumerate(saved.cells)
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    lab.screenshot("top")
    # The notebook scrolls inside its panel: show the last cells too.
    lab.page.evaluate(
        """async () => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.activeCellIndex = notebook.widgets.length - 1;
            await notebook.scrollToCell(notebook.activeCell, 'end');
        }"""
    )
    lab.page.wait_for_timeout(1000)
    lab.screenshot("end")
    assert errors == []
    assert lab.console.widget_errors() == []
    stored = nbformat.read(source, as_version=4)
    assert sum(c.cell_type == "code" for c in saved.cells) == sum(
        c.cell_type == "code" for c in stored.cells
    )
