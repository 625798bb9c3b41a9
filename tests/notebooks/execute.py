"""(Re)execute the tutorial notebooks and save them with their outputs.

    .venv/bin/python tests/notebooks/execute.py                  # every notebook
    .venv/bin/python tests/notebooks/execute.py notebooks/03_*.ipynb

Each runs top to bottom in a fresh kernel against the offline server, with the settings
strict nbval uses to compare them (zero pacing, deterministic answers, no key), so the saved
outputs are the ones `scripts/test` expects. nbclient applies display updates to the saved
outputs, as JupyterLab does: a StreamView's output ends with its final answer as
``text/markdown``. Widget state is not saved: a StreamView's state would carry the
~850 KB renderer bundle, and the answer is already in the output.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

OFFLINE_ENV = {
    "GEMINI_OFFLINE_PACING": "0",
    "GEMINI_OFFLINE_DETERMINISTIC": "1",
    "GEMINI_WIDGETS_BACKEND": "offline",
}
# Never let a key (or a redirect) of this shell reach the kernel that writes the outputs.
UNSET = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GEMINI_BASE_URL")


def kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(OFFLINE_ENV)
    return env


def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh kernel; save and return it with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,  # no timestamps in the files: a re-run changes only what it must
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps of an earlier run
    client.execute(env=kernel_env())
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for path in paths:
        started = time.monotonic()
        execute(path)
        print(
            f"{path.relative_to(ROOT) if path.is_absolute() else path}: "
            f"{time.monotonic() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
