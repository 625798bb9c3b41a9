"""The key-leak kernel session: a kernel run through nbclient with the fake key, the offline
server in this process, and everything it produced recorded (iopub by a second client, the
execute replies, the saved notebook, the kernel's log and stderr, the server's records), with
marks where each phase ended so each phase can be scanned on its own."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client import BlockingKernelClient
from key_cells import CONTROL, REFUSE, VERBOSE_PROBE, Step, steps
from key_scanner import Scanner, message_parts
from nbclient import NotebookClient

from gemini_widgets.offline import OfflineGemini

SERVER_LOGGERS = ("tornado", "gemini_widgets", "asyncio")
"""This process's loggers the offline server (tornado on a thread) writes to."""


class Listener:
    """A second client on the kernel's iopub: every message, whatever cell it belongs to."""

    def __init__(self, connection_info: dict[str, Any]) -> None:
        self.client = BlockingKernelClient()
        self.client.load_connection_info(connection_info)
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.messages: list[dict[str, Any]] = []

    def drain(self, quiet: float = 0.1) -> None:
        """Every message the kernel published before now, then any that follow within
        ``quiet`` seconds (a background task's). "Before now" is an event, not a pause: a
        request of ours goes busy and idle on iopub after all of them, however late they
        reach this client on a busy machine."""
        asked = self.client.kernel_info()
        deadline = time.monotonic() + 60
        while True:
            message = self.client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            self.messages.append(message)
            if (
                message["parent_header"].get("msg_id") == asked
                and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"
            ):
                break
        self.client.get_shell_msg(timeout=60)  # the kernel_info_reply
        while True:
            try:
                self.messages.append(self.client.get_iopub_msg(timeout=quiet))
            except Empty:
                return

    def stop(self) -> None:
        self.client.stop_channels()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is still evidence
            self.lines.append(repr(record.__dict__))


@dataclass
class Mark:
    """How far each growing artifact had got when a phase ended."""

    messages: int
    replies: int
    requests: int
    server_logs: int
    log: int
    stderr: int


@dataclass
class Run:
    notebook: Path
    throwaway: Path
    work: Path
    log: Path
    stderr: Path
    messages: list[dict[str, Any]]
    replies: list[dict[str, Any]]
    server_logs: list[str]
    main: Mark
    """The end of the main session: everything before it must be clean."""
    probe: Mark
    """The end of the Verbose-traceback probe; the positive control follows it."""


def cell_text(cell: Any) -> str:
    """A cell's outputs as text, for a step's ``expect``. A stream's text is joined as it was
    written: on a busy machine the kernel can flush one ``print`` as two outputs ("E3", then
    " 400 ..."), and a newline put between them would hide the "E3 400" the step expects."""
    pieces: list[str] = []
    stream = None
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name == stream:
            pieces[-1] += out.text
            continue
        stream = out.name if out.output_type == "stream" else None
        if out.output_type == "stream":
            pieces.append(out.text)
        elif out.output_type == "error":
            pieces += [out.ename, out.evalue, *out.traceback]
        else:
            for mime in ("text/plain", "text/markdown"):
                value = out.get("data", {}).get(mime)
                if value:
                    pieces.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(pieces)


def kernel_env(key: str, server: OfflineGemini, work: Path, log: Path) -> dict[str, str]:
    unset = (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GEMINI_WIDGETS_BACKEND",
        "GOOGLE_GEMINI_BASE_URL",
    )
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        GEMINI_API_KEY=key,  # the SDK reads it; the package picks the 'gemini' backend
        GOOGLE_GEMINI_BASE_URL=server.base_url,  # the SDK's Gemini API base URL, redirected
        GEMINI_OFFLINE_PACING="0",
        GEMINI_OFFLINE_DETERMINISTIC="1",
        IPYTHONDIR=str(work / ".ipython"),
        LEAK_LOG=str(log),
    )
    return env


def run_session(key: str, server: OfflineGemini, root: Path) -> Run:
    """Run every cell in a kernel whose SDK sends ``key`` to ``server``, recording everything
    it produced under ``root``: the main session, the Verbose probe, the positive control."""
    work, saved = root / "work", root / "saved"
    work.mkdir()
    saved.mkdir()
    log, stderr = root / "kernel.log", root / "kernel.stderr"
    nb = nbformat.v4.new_notebook()
    replies: list[dict[str, Any]] = []
    client = NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
        on_cell_executed=lambda cell, cell_index, execute_reply: replies.append(execute_reply),
    )
    records = _Records()
    server_loggers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    old_levels = [logger.level for logger in server_loggers]
    for logger in server_loggers:
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)

    def refuse() -> None:
        server.state.api_keys = frozenset({"a-different-key"})

    def execute(steps: list[Step] | tuple[Step, ...]) -> None:
        for step in steps:
            tags = ["raises-exception"] if step.raises else []
            cell = nbformat.v4.new_code_cell(step.source, metadata={"tags": tags})
            nb.cells.append(cell)
            if step.before == REFUSE:
                refuse()
            elif step.before is not None:
                step.before()
            try:
                client.execute_cell(cell, len(nb.cells) - 1)
            finally:
                server.state.api_keys = frozenset({key})
            listener.drain()
            text = cell_text(cell)
            for expected in step.expect:
                assert expected in text, f"{step.source!r} did not show {expected!r}:\n{text}"

    def mark() -> Mark:
        listener.drain(quiet=0.5)  # whatever background tasks sent after their cell
        return Mark(
            messages=len(listener.messages),
            replies=len(replies),
            requests=len(server.requests),
            server_logs=len(records.lines),
            log=log.stat().st_size,
            stderr=stderr.stat().st_size,
        )

    env = kernel_env(key, server, work, log)
    try:
        with stderr.open("wb") as stderr_file, client.setup_kernel(env=env, stderr=stderr_file):
            listener = Listener(client.km.get_connection_info())
            try:
                execute(steps(server))
                main = mark()
                client.set_widgets_metadata()
                notebook = saved / "session.ipynb"
                nbformat.write(nb, notebook)

                execute(VERBOSE_PROBE)
                probe = mark()

                execute([Step(CONTROL, expect=("CONTROL",))])
                logging.getLogger("tornado.general").info("control %s", key[5:25])
                mark()
                client.set_widgets_metadata()
                throwaway = saved / "control.ipynb"
                nbformat.write(nb, throwaway)
                messages = listener.messages
            finally:
                listener.stop()
    finally:
        for logger, level in zip(server_loggers, old_levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)
    return Run(
        notebook=notebook,
        throwaway=throwaway,
        work=work,
        log=log,
        stderr=stderr,
        messages=messages,
        replies=replies,
        server_logs=records.lines,
        main=main,
        probe=probe,
    )


def scan_phase(scanner: Scanner, run: Run, server: OfflineGemini, start: Mark | None, end: Mark):
    """Scan what every growing artifact gained between two marks."""

    def piece(items: list[Any], attr: str) -> list[Any]:
        return items[getattr(start, attr) if start else 0 : getattr(end, attr)]

    for index, message in enumerate(piece(run.messages, "messages")):
        for part, data in message_parts(message):
            scanner.scan(f"iopub[{index}] {message['header']['msg_type']} {part}", data)
    for index, reply in enumerate(piece(run.replies, "replies")):
        scanner.scan(f"execute_reply[{index}]", json.dumps(reply, default=str))
    for index, request in enumerate(piece(server.requests, "requests")):
        scanner.scan(f"server.requests[{index}]", json.dumps(asdict(request), default=str))
        scanner.scan(f"server.requests[{index}] repr", repr(request))
    scanner.scan("server log", "\n".join(piece(run.server_logs, "server_logs")))
    log, err = run.log.read_bytes(), run.stderr.read_bytes()
    scanner.scan("kernel.log", log[start.log if start else 0 : end.log])
    scanner.scan("kernel.stderr", err[start.stderr if start else 0 : end.stderr])
