"""A real pseudo-terminal (pexpect): terminal IPython and scripts as a user runs them.

The child gets no API key, so its own offline server answers (``client.py``), and no
``GEMINI_WIDGETS_DISPLAY``, so it chooses its front end by itself.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

PYTHON = Path(sys.executable)
NEVER = 60.0
"""Seconds to wait for what comes at once unless the code is broken."""
# CSI (colours, cursor moves, modes), OSC (the window title), and the keypad modes.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>]")
_UNSET = (
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GEMINI_BASE_URL",
    "GEMINI_WIDGETS_BACKEND",
    "GEMINI_WIDGETS_DISPLAY",
    "PYTHONUNBUFFERED",  # the text view must flush by itself
)


class Terminal:
    """A program on a pty, and everything it wrote there."""

    def __init__(self, command: Path, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self._written = io.StringIO()
        self.child = pexpect.spawn(
            str(command),
            args,
            env=env,
            cwd=str(cwd),
            encoding="utf-8",
            timeout=NEVER,
            dimensions=(50, 200),
        )
        self.child.logfile_read = self._written

    @property
    def screen(self) -> str:
        """What was written, escape sequences and carriage returns removed."""
        return _ESCAPES.sub("", self._written.getvalue()).replace("\r", "")

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def expect_exit(self) -> None:
        """Until the program has ended and everything it wrote is read."""
        self.child.expect(pexpect.EOF)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env.update(
        GEMINI_OFFLINE_PACING="0",
        GEMINI_OFFLINE_DETERMINISTIC="1",
        IPYTHONDIR=str(tmp_path / "ipython"),  # no user config, no history of the user's
        PROMPT_TOOLKIT_NO_CPR="1",  # pexpect answers no cursor-position request
        TERM="xterm",
    )
    return env


@pytest.fixture
def spawn(terminal_env: dict[str, str], tmp_path: Path) -> Iterator:
    started: list[Terminal] = []

    def start(command: Path, *args: str) -> Terminal:
        terminal = Terminal(command, list(args), terminal_env, tmp_path)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()
