"""Run the code a code-execution answer shows, for real, in a limited Python subprocess.

The code is always the server's own (``code_execution.py`` writes it from templates; numbers
from the prompt enter only as ``repr`` of an int or float). It still runs as if it were not:
a separate interpreter in isolated mode without ``site`` (``-I -S``: no environment
variables, no user or site packages, no current directory on ``sys.path``), no shell, an
empty environment, stdin closed, a wall-clock limit (then ``OUTCOME_DEADLINE_EXCEEDED``), and
on POSIX an address-space and CPU-time limit (``resource.setrlimit``).

The limits are set by a fixed bootstrap in the child before it reads the code from stdin,
not by ``preexec_fn``: the server runs on a thread of a process that has others (a kernel,
pytest), and Python documents ``preexec_fn`` as unsafe in the presence of threads (the child
can deadlock before ``exec``). The subprocess is waited for on a worker thread, so the
server's event loop keeps serving other streams meanwhile.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import dataclass

__all__ = ["CodeLimits", "CodeRun", "run_python"]

# Runs in the child: limits first, then the program from stdin, as `python -c` would run it.
_BOOTSTRAP = """\
import sys
try:
    import resource
except ImportError:  # not POSIX: the wall-clock limit still applies
    pass
else:
    memory, seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
source = sys.stdin.read()
del sys.argv[1:]
exec(compile(source, "<string>", "exec"), {"__name__": "__main__"})
"""
_MAX_OUTPUT = 4000  # characters of stdout kept, as a tool result a model reads is cut too


@dataclass(frozen=True)
class CodeLimits:
    """What one run may use. ``OfflineGemini(code_limits=CodeLimits(seconds=1))`` makes a
    long template end in ``OUTCOME_DEADLINE_EXCEEDED`` sooner (tests)."""

    seconds: float = 5.0
    memory_bytes: int = 512 * 2**20


@dataclass(frozen=True)
class CodeRun:
    outcome: str  # OUTCOME_OK, OUTCOME_FAILED or OUTCOME_DEADLINE_EXCEEDED
    output: str  # stdout; on failure, stdout then the traceback's last line


async def run_python(code: str, limits: CodeLimits) -> CodeRun:
    return await asyncio.to_thread(_run, code, limits)


def _run(code: str, limits: CodeLimits) -> CodeRun:
    cpu_seconds = max(1, int(limits.seconds) + 1)  # a backstop: the wall clock ends it first
    command = [sys.executable, "-I", "-S", "-c", _BOOTSTRAP]
    command += [str(limits.memory_bytes), str(cpu_seconds)]
    try:
        done = subprocess.run(
            command,
            input=code.encode(),
            capture_output=True,
            timeout=limits.seconds,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        partial = _decode(expired.stdout)
        stopped = f"Execution stopped after {limits.seconds:g} seconds (time limit)."
        return CodeRun("OUTCOME_DEADLINE_EXCEEDED", f"{partial}{stopped}")
    output = _decode(done.stdout)
    if done.returncode == 0:
        return CodeRun("OUTCOME_OK", output)
    lines = _decode(done.stderr).strip().splitlines()
    reason = lines[-1] if lines else f"The process ended with exit code {done.returncode}."
    return CodeRun("OUTCOME_FAILED", f"{output}{reason}")


def _decode(data: bytes | str | None) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""
    return text[:_MAX_OUTPUT]
