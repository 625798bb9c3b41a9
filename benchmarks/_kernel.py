"""A real ipykernel driven through jupyter_client, its iopub read raw off the wire.

``tests/kernel/conftest.py`` reads iopub through jupyter_client, which decodes every
message and keeps it. Here a display variant sends up to ~1 GB over iopub in one cell, so
this driver has its own SUB socket with no high-water mark (ZeroMQ's default of 1,000
messages would let the PUB side drop messages from a slow reader without a word), and a
thread that only sums frame sizes and decodes the small frames (header, parent header,
and the content of ``stream``/``error`` messages). Sizes are every frame of the multipart
message as ZeroMQ carries it: topic, delimiter, HMAC signature, header, parent header,
metadata, content and buffers.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import zmq
from jupyter_client.manager import KernelManager

__all__ = ["Cell", "Kernel"]

_DELIMITER = b"<IDS|MSG>"
_DECODED = {"stream", "error", "status"}  # message types whose content is kept


@dataclass
class Cell:
    """What one cell sent over iopub."""

    code: str
    sent_at: float
    idle_at: float = 0.0
    messages: int = 0
    wire_bytes: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    bytes_by_type: Counter[str] = field(default_factory=Counter)
    stdout_parts: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def wall(self) -> float:
        """Seconds from the execute request to the kernel's idle status, as a client sees it."""
        return self.idle_at - self.sent_at

    @property
    def stdout(self) -> str:
        return "".join(self.stdout_parts)

    def report(self) -> dict[str, Any]:
        """The ``@@BENCH {json}`` line the cell printed (see ``Kernel.REPORT``)."""
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("@@BENCH "):
                return json.loads(line[len("@@BENCH ") :])
        raise RuntimeError(f"The cell printed no @@BENCH line; stdout ends {self.stdout[-500:]!r}")


class Kernel:
    """``python3`` kernel with the offline backend, started with the given environment."""

    REPORT = (
        "def _bench_report(**figures):\n"
        "    print('\\n@@BENCH ' + __import__('json').dumps(figures), flush=True)\n"
    )

    def __init__(self, env: dict[str, str] | None = None) -> None:
        environment = dict(os.environ)
        for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"):
            environment.pop(name, None)
        environment.update(env or {})
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=environment)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.client.iopub_channel.stop()  # ours reads iopub; a second reader would only buffer

        info = self.manager.get_connection_info()
        self._context = zmq.Context()
        self._socket = self._context.socket(zmq.SUB)
        self._socket.setsockopt(zmq.RCVHWM, 0)
        self._socket.setsockopt(zmq.SUBSCRIBE, b"")
        self._socket.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")
        self._cells: dict[str, Cell] = {}
        self._lock = threading.Lock()
        self._closing = False
        self._reader = threading.Thread(target=self._read, name="iopub-reader", daemon=True)
        self._reader.start()
        self._wait_until_subscribed()
        self.ok(self.REPORT)

    # ---- running cells ------------------------------------------------------------------

    def run(self, code: str, timeout: float = 900) -> Cell:
        """Execute ``code``; return when the kernel reports idle for it."""
        cell = Cell(code=code, sent_at=time.perf_counter())
        with self._lock:
            msg_id = self.client.execute(code, store_history=False)
            self._cells[msg_id] = cell
        if not cell.done.wait(timeout):
            raise TimeoutError(f"The cell did not finish in {timeout} s:\n{code}")
        reply = self.client.get_shell_msg(timeout=timeout)
        if reply["content"]["status"] != "ok" and cell.error is None:
            cell.error = reply["content"]
        with self._lock:
            del self._cells[msg_id]
        return cell

    def ok(self, code: str, timeout: float = 900) -> Cell:
        cell = self.run(code, timeout)
        if cell.error is not None:
            raise RuntimeError("\n".join(cell.error.get("traceback", [str(cell.error)])))
        return cell

    def stop(self) -> None:
        self._closing = True
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        self._reader.join(timeout=5)
        self._socket.close(linger=0)
        self._context.term()

    # ---- iopub --------------------------------------------------------------------------

    def _wait_until_subscribed(self) -> None:
        # A SUB socket sees nothing until its subscription reached the PUB side: run a
        # no-op cell until ours sees it go idle.
        for _ in range(100):
            cell = Cell(code="pass", sent_at=time.perf_counter())
            with self._lock:
                msg_id = self.client.execute("pass", store_history=False)
                self._cells[msg_id] = cell
            self.client.get_shell_msg(timeout=30)
            seen = cell.done.wait(1.0)
            with self._lock:
                del self._cells[msg_id]
            if seen:
                return
        raise RuntimeError("Could not subscribe to the kernel's iopub channel.")

    def _read(self) -> None:
        poller = zmq.Poller()
        poller.register(self._socket, zmq.POLLIN)
        while not self._closing:
            if not poller.poll(200):
                continue
            frames = self._socket.recv_multipart(copy=False)
            now = time.perf_counter()
            size = sum(len(f) for f in frames)
            at = next(i for i, f in enumerate(frames) if len(f) == 9 and f.bytes == _DELIMITER)
            header = json.loads(frames[at + 2].bytes)
            parent = json.loads(frames[at + 3].bytes)
            with self._lock:
                cell = self._cells.get(parent.get("msg_id", ""))
            if cell is None:
                continue
            kind = header["msg_type"]
            cell.messages += 1
            cell.wire_bytes += size
            cell.by_type[kind] += 1
            cell.bytes_by_type[kind] += size
            if kind not in _DECODED:
                continue
            content = json.loads(frames[at + 5].bytes)
            if kind == "stream" and content.get("name") == "stdout":
                cell.stdout_parts.append(content["text"])
            elif kind == "error":
                cell.error = content
            elif kind == "status" and content["execution_state"] == "idle":
                cell.idle_at = now
                cell.done.set()
