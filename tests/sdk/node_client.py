"""Running a Node client of ``js_client/`` (the official JS SDK, ``@google/genai``, pinned
there and installed by ``scripts/setup`` with ``npm ci``) against the offline server.

A module of its own, imported by name from the JS SDK tests (as tests/browser does with
server_process.py): the one place that skips them without Node and that keeps this shell's
Gemini settings and keys away from the client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CLIENT_DIR = Path(__file__).parent / "js_client"
NODE = shutil.which("node")


def skip_without_the_js_sdk() -> None:
    """Skip the calling test module where Node or the client's packages are missing."""
    if NODE is None:
        pytest.skip("node is not installed: the JS SDK tests need Node.js", allow_module_level=True)
    if not (CLIENT_DIR / "node_modules" / "@google" / "genai").is_dir():
        pytest.skip(
            f"{CLIENT_DIR}/node_modules is missing: run scripts/setup (npm ci in that folder)",
            allow_module_level=True,
        )


def run_node_client(script: str, *args: str) -> list[dict[str, Any]]:
    """Run ``js_client/<script>`` once and return the JSON lines it printed, in order."""
    # Nothing from this shell may point the client at a real Gemini or lend it a real key.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    done = subprocess.run(
        [NODE or "node", script, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=CLIENT_DIR,
    )
    assert done.returncode == 0, f"node exited {done.returncode}:\n{done.stderr}"
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert events, f"the JS client printed nothing:\n{done.stderr}"
    return events
