"""The nbval extension: strict nbval compares the outputs a reader sees after display updates.

Unit tests of the registry, then nbval itself run on notebooks saved by nbclient (as
``execute.py`` saves the tutorials), with and without the extension.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbval_display_updates import DisplayRegistry, kernel_environment

HERE = Path(__file__).resolve().parent
pytest_plugins = ["pytester"]

# ---- the registry --------------------------------------------------------------------------


def _message(kind: str, data: dict[str, Any], display_id: str | None = "d1") -> dict[str, Any]:
    content: dict[str, Any] = {"data": data, "metadata": {"m": kind}}
    if display_id is not None:
        content["transient"] = {"display_id": display_id}
    return {"msg_type": kind, "content": content}


def _shown(outputs: list[dict[str, Any]], msg: dict[str, Any]) -> None:
    """What nbval does with a display message: append an output holding its data."""
    outputs.append({"output_type": msg["msg_type"], "data": msg["content"]["data"]})


def test_update_replaces_the_data_and_metadata_of_the_output_with_that_display_id() -> None:
    registry, outputs = DisplayRegistry(), []
    first = _message("display_data", {"text/plain": "first"})
    registry.expect(first, outputs)
    _shown(outputs, first)
    registry.settle()
    other = _message("display_data", {"text/plain": "other"}, display_id="d2")
    registry.expect(other, outputs)
    _shown(outputs, other)
    registry.settle()

    final = _message("update_display_data", {"text/plain": "final", "text/markdown": "**final**"})
    assert registry.update(final, outputs)

    assert outputs[0]["data"] == {"text/plain": "final", "text/markdown": "**final**"}
    assert outputs[0]["metadata"] == {"m": "update_display_data"}
    assert outputs[1]["data"] == {"text/plain": "other"}


def test_every_output_of_a_display_id_is_updated() -> None:
    registry, outputs = DisplayRegistry(), []
    for _ in range(2):
        msg = _message("display_data", {"text/plain": "first"})
        registry.expect(msg, outputs)
        _shown(outputs, msg)
        registry.settle()
    registry.update(_message("update_display_data", {"text/plain": "final"}), outputs)
    assert [o["data"]["text/plain"] for o in outputs] == ["final", "final"]


def test_a_message_nbval_did_not_keep_binds_nothing() -> None:
    """nbval skips messages of other cells; the next output must not be taken for it."""
    registry, outputs = DisplayRegistry(), []
    registry.expect(_message("display_data", {"text/plain": "elsewhere"}), outputs)
    registry.settle()  # nbval appended nothing
    unrelated = _message("stream", {})
    registry.expect(unrelated, outputs)
    outputs.append({"output_type": "stream", "text": "hello"})
    registry.settle()
    registry.update(_message("update_display_data", {"text/plain": "final"}), outputs)
    assert outputs == [{"output_type": "stream", "text": "hello"}]


def test_displays_without_an_id_are_never_updated() -> None:
    registry, outputs = DisplayRegistry(), []
    msg = _message("display_data", {"text/plain": "plain"}, display_id=None)
    registry.expect(msg, outputs)
    _shown(outputs, msg)
    registry.settle()
    registry.update(_message("update_display_data", {"text/plain": "final"}), outputs)
    assert outputs[0]["data"] == {"text/plain": "plain"}


def test_an_update_of_an_earlier_cells_display_is_reported() -> None:
    registry, earlier, current = DisplayRegistry(), [], []
    msg = _message("display_data", {"text/plain": "first"})
    registry.expect(msg, earlier)
    _shown(earlier, msg)
    registry.settle()
    assert not registry.update(_message("update_display_data", {"text/plain": "x"}), current)


def test_the_kernel_environment_is_offline_and_keyless_then_restored(monkeypatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "not-a-real-key")
    monkeypatch.setenv("GEMINI_WIDGETS_BACKEND", "live")
    with kernel_environment():
        assert "GEMINI_API_KEY" not in os.environ
        assert os.environ["GEMINI_WIDGETS_BACKEND"] == "offline"
        assert os.environ["GEMINI_OFFLINE_DETERMINISTIC"] == "1"
    assert os.environ["GEMINI_API_KEY"] == "not-a-real-key"
    assert os.environ["GEMINI_WIDGETS_BACKEND"] == "live"


# ---- nbval, end to end ---------------------------------------------------------------------

UPDATED_CELL = """\
from IPython.display import display
handle = display({"text/plain": "first"}, raw=True, display_id=True)
for i in range(3):
    handle.update({"text/plain": f"step {i}"}, raw=True)
handle.update({"text/plain": "final", "text/markdown": "**the final answer**"}, raw=True)
print("done")
"""


def _saved_notebook(tmp_path: Path, *sources: str) -> Path:
    """A notebook run and saved by nbclient (it applies display updates, as JupyterLab)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    path = tmp_path / "updates.ipynb"
    nbformat.write(nb, path)
    return path


def _nbval(pytester: pytest.Pytester, *, extension: bool) -> pytest.RunResult:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    if extension:
        pytester.makeconftest(
            f"import sys\nsys.path.insert(0, {str(HERE)!r})\n"
            "from nbval_display_updates import (pytest_collect_file, pytest_configure,\n"
            "                                   pytest_runtest_setup)\n"
        )
    # In process: a subprocess would pay nbformat's import again (seconds on a busy machine).
    return pytester.runpytest_inprocess("--nbval", "--nbval-current-env", "-p", "no:cacheprovider")


@pytest.fixture
def saved(pytester: pytest.Pytester) -> Path:
    path = _saved_notebook(pytester.path, UPDATED_CELL)
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert outputs[0]["data"]["text/plain"] == "final"  # what a reader of the file sees
    return path


def test_plain_nbval_fails_on_display_updates(pytester: pytest.Pytester, saved: Path) -> None:
    """The trap the extension exists for; if this starts passing, nbval handles updates."""
    run = _nbval(pytester, extension=False)
    assert run.ret == 1, run.stdout.str()
    assert "Cell outputs differ" in run.stdout.str()
    assert "unhandled iopub msg: update_display_data" in run.stdout.str()


def test_with_the_extension_strict_nbval_passes_on_the_final_outputs(
    pytester: pytest.Pytester, saved: Path
) -> None:
    run = _nbval(pytester, extension=True)
    assert run.ret == 0, run.stdout.str()
    assert "1 passed" in run.stdout.str()
    assert "unhandled iopub msg" not in run.stdout.str()


def test_with_the_extension_a_different_final_answer_still_fails(
    pytester: pytest.Pytester, saved: Path
) -> None:
    nb = nbformat.read(saved, as_version=4)
    nb.cells[0].outputs[0]["data"]["text/markdown"] = "**another answer**"
    nbformat.write(nb, saved)
    run = _nbval(pytester, extension=True)
    assert run.ret == 1, run.stdout.str()
    assert "Cell outputs differ" in run.stdout.str()
    assert "another answer" in run.stdout.str()
