"""Running a cell in the test IPython shell as a notebook would, for the magic's tests.

A module of its own (not conftest.py): every conftest.py is imported as ``conftest``, so a
test module cannot import a helper from one by name.
"""

from __future__ import annotations

from typing import Any


def run(ip: Any, code: str) -> Any:
    """Run ``code`` as a cell; raise what it raised, else return its result."""
    result = ip.run_cell(code)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result
