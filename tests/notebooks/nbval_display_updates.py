"""nbval, with display updates applied the way JupyterLab and nbclient apply them.

nbval 0.11 drops ``update_display_data`` ("unhandled iopub msg") and compares a cell's
*first* displays, while JupyterLab and nbclient replace the output that carries the
message's ``transient.display_id``. A StreamView's final answer arrives as such an update
(its ``text/markdown`` static fallback), so without this strict nbval compares a saved final
answer with an empty view and fails. With it, nbval compares what a reader sees.

How: the notebook collector is swapped for a subclass whose ``get_kernel_message`` notes
every ``display_data``/``execute_result`` with a display id, binds it to the output nbval
appends for it, and applies each ``update_display_data`` to the bound outputs (data and
metadata replaced, as JupyterLab's output area does) instead of handing it to nbval.

Loaded by ``notebooks/conftest.py``; see ``docs/notebooks.md``.
"""

from __future__ import annotations

import os
import warnings
from collections import defaultdict
from collections.abc import Iterator, MutableSequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

__all__ = [
    "KERNEL_ENV",
    "DisplayRegistry",
    "DisplayUpdatingNbFile",
    "LateDisplayUpdate",
    "kernel_environment",
]

KERNEL_ENV = {
    "GEMINI_OFFLINE_PACING": "0",
    "GEMINI_OFFLINE_DETERMINISTIC": "1",
    "GEMINI_WIDGETS_BACKEND": "offline",
}
"""What the kernel that runs the notebooks sees: the saved outputs were made with it."""
KERNEL_ENV_UNSET = (
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GEMINI_BASE_URL",
)
SANITIZE_FILE = Path(__file__).with_name("sanitize.cfg")


class LateDisplayUpdate(UserWarning):
    """A display of an earlier cell was updated after nbval had compared that cell."""


class DisplayRegistry:
    """Outputs by display id, and the updates front ends would apply to them."""

    def __init__(self) -> None:
        self.targets: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._pending: tuple[str, MutableSequence[Any], int] | None = None

    def expect(self, msg: dict[str, Any], outputs: MutableSequence[Any] | None) -> None:
        """``msg`` is about to be handed to nbval, which may append an output for it."""
        self._pending = None
        if outputs is None or msg["msg_type"] not in ("display_data", "execute_result"):
            return
        display_id = (msg["content"].get("transient") or {}).get("display_id")
        if display_id:
            self._pending = (display_id, outputs, len(outputs))

    def settle(self) -> None:
        """Bind the output nbval appended for the last expected message, if it did.

        nbval skips messages of other cells (a background task's displays), so an output
        is bound only when the list really grew by one.
        """
        if self._pending is None:
            return
        display_id, outputs, before = self._pending
        self._pending = None
        if len(outputs) == before + 1:
            self.targets[display_id].append(outputs[-1])

    def update(self, msg: dict[str, Any], current: MutableSequence[Any] | None) -> bool:
        """Apply an ``update_display_data``; False if it only reached earlier cells' outputs."""
        content = msg["content"]
        display_id = (content.get("transient") or {}).get("display_id")
        targets = self.targets.get(display_id, []) if display_id else []
        for output in targets:
            output["data"] = content["data"]
            output["metadata"] = content.get("metadata", {})
        if not targets:
            return True  # a display nbval never kept (another cell's, never shown): as Lab
        return current is not None and any(
            any(output is kept for kept in current) for output in targets
        )


class DisplayUpdatingNbFile(IPyNbFile):
    """nbval's notebook collector, with ``update_display_data`` applied by display id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.displays = DisplayRegistry()
        self.running: IPyNbCell | None = None

    def setup(self) -> None:
        with kernel_environment():
            super().setup()

    def get_kernel_message(self, timeout: float | None = None, stream: str = "iopub") -> Any:
        if stream != "iopub":
            return super().get_kernel_message(timeout=timeout, stream=stream)
        outputs = self.running.test_outputs if self.running is not None else None
        while True:
            self.displays.settle()
            msg = super().get_kernel_message(timeout=timeout, stream=stream)
            if msg["msg_type"] != "update_display_data":
                self.displays.expect(msg, outputs)
                return msg
            if not self.displays.update(msg, outputs):
                warnings.warn(
                    LateDisplayUpdate(
                        f"{self.running.name if self.running else 'A cell'} updated a display "
                        "of an earlier cell, which nbval has already compared; await the "
                        "stream in the cell that shows it."
                    ),
                    stacklevel=1,
                )


@contextmanager
def kernel_environment() -> Iterator[None]:
    """``KERNEL_ENV`` (and no key) in ``os.environ`` while a kernel is started, then restored:
    the kernel inherits it, the tests running beside it do not."""
    saved = {k: os.environ.get(k) for k in (*KERNEL_ENV, *KERNEL_ENV_UNSET)}
    try:
        for key in KERNEL_ENV_UNSET:
            os.environ.pop(key, None)
        os.environ.update(KERNEL_ENV)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---- hooks (a conftest re-exports them: notebooks/conftest.py) ----------------------------


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    if getattr(option, "nbval_sanitize_with", None) is None and hasattr(option, "nbval"):
        option.nbval_sanitize_with = str(SANITIZE_FILE)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    collected = yield
    return [
        DisplayUpdatingNbFile.from_parent(parent, path=file_path)
        if type(node) is IPyNbFile
        else node
        for node in collected or []
    ]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if isinstance(item, IPyNbCell) and isinstance(item.parent, DisplayUpdatingNbFile):
        item.parent.running = item
