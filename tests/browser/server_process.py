"""What every server the browser tests start shares: a free port, the kernels' environment,
waiting until it answers, and stopping it; and where screenshots go.

A module of its own, imported by name from jupyter_launcher.py, marimo_app.py and the
others: every conftest.py is imported as ``conftest``, so ``from conftest import ...`` may
find another one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
TIMEOUT_MS = 60_000
"""Generous: the first kernel start and the first widget render take seconds on a busy box."""
START_SECONDS = 90
"""How long a server may take to answer its first request."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kernel_env(home: Path) -> dict[str, str]:
    """The server's (and so the kernels') environment: offline backend, no key, isolated dirs."""
    env = dict(os.environ)
    for name in (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GOOGLE_GEMINI_BASE_URL",
        "GEMINI_OFFLINE_DETERMINISTIC",
    ):
        env.pop(name, None)
    env.update(
        GEMINI_WIDGETS_BACKEND="offline",
        # Gemini-like pacing, so streams are seen in stages; a cell can make it instant.
        GEMINI_OFFLINE_PACING="1",
        # The kernelspec runs "python": the venv's, whatever PATH the test run has.
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    return env


def wait_until_up(
    name: str, process: subprocess.Popen[bytes], log: Path, probe: Callable[[], object]
) -> None:
    """Call ``probe`` until it does not fail to connect; raise with the log's tail if the
    process exits first, or (the process stopped) if it does not answer in time."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            probe()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                stop_process(process)
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} did not answer in {START_SECONDS} s: {tail}") from None
            time.sleep(0.2)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill what does not end in 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
