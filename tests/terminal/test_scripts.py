"""A plain script, ``python script.py``: on a pty, with stderr apart, and piped to a file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON = Path(sys.executable)
SCRIPT = """\
import sys
from gemini_widgets import stream
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Fault

server = offline_server()
server.script("one ", "two ", "three ", "four", prompt="count")
if "--drop" in sys.argv:
    server.fail_next(Fault.drop(after=2))
if "--stall" in sys.argv:
    server.fail_next(Fault(chunk_delay=600))
result = stream("count")
print(type(result).__name__, result.ok, file=sys.stderr)
"""
OFFLINE = re.compile(r"^\[offline server \(http://127\.0\.0\.1:\d+\) answers, not Gemini: ")


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "script.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_a_script_prints_the_answer_on_a_terminal(spawn, script):
    terminal = spawn(PYTHON, str(script))
    terminal.expect_exit()
    terminal.child.close()
    assert terminal.child.exitstatus == 0
    lines = terminal.screen.splitlines()
    assert OFFLINE.match(lines[0])
    assert lines[1:] == ["one two three four", "StreamState True"]


def test_text_is_on_the_terminal_before_the_stream_ends(spawn, script):
    terminal = spawn(PYTHON, str(script), "--stall")
    terminal.expect("one ")
    assert terminal.child.isalive() and "two" not in terminal.screen
    terminal.child.sendintr()  # Ctrl-C
    terminal.expect("gemini: Stopped; the partial answer is kept.")
    terminal.expect_exit()
    assert re.search(
        r"\none (\^C)?\ngemini: Stopped; the partial answer is kept\.\n", terminal.screen
    )
    assert "KeyboardInterrupt" in terminal.screen


def test_a_dropped_stream_is_one_error_line_and_the_kept_text(spawn, script, tmp_path):
    # stdout on the pty, stderr in a file: which line went where.
    terminal = spawn(Path("/bin/sh"), "-c", f'exec "{PYTHON}" "{script}" --drop 2>err.txt')
    terminal.expect_exit()
    assert terminal.screen == "one two \n"
    err = (tmp_path / "err.txt").read_text(encoding="utf-8").splitlines()
    errors = [line for line in err if line.startswith("gemini:")]
    assert len(errors) == 1 and "connection" in errors[0].lower(), err
    assert OFFLINE.match(err[0]) and err[1:] == [errors[0], "StreamState False"]


def test_a_script_piped_to_a_file_writes_the_answer(terminal_env, script, tmp_path):
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as stdout:
        done = subprocess.run(
            [str(PYTHON), str(script)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=terminal_env,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "one two three four\n"
    assert done.stderr.splitlines()[1:] == ["StreamState True"]
    for text in (out.read_text(encoding="utf-8"), done.stderr):
        assert "<StreamView" not in text
