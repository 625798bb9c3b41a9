"""A real ipykernel, driven through jupyter_client, with the offline server inside it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from jupyter_client.manager import KernelManager


@dataclass
class Execution:
    """What one cell sent over iopub, and its reply."""

    reply: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    wire_bytes: list[int] = field(default_factory=list)

    def of_type(self, *kinds: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["msg_type"] in kinds]

    @property
    def stdout(self) -> str:
        return "".join(
            m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stdout"
        )

    @property
    def error(self) -> dict[str, Any] | None:
        errors = self.of_type("error")
        return errors[0]["content"] if errors else None

    def bytes_of(self, *kinds: str) -> int:
        return sum(
            size
            for m, size in zip(self.messages, self.wire_bytes, strict=True)
            if m["msg_type"] in kinds
        )


class Kernel:
    def __init__(self, manager: KernelManager) -> None:
        self.manager = manager
        self.client = manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(
        self,
        code: str,
        timeout: float = 120,
        cell_id: str | None = None,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> Execution:
        """Execute ``code``; collect every iopub message of it until the kernel is idle.

        ``cell_id`` is sent in the request's metadata, as JupyterLab does for each cell.
        ``on_message`` sees each message as it comes (to act when something happens: Kernel
        -> Interrupt once the answer is streaming, say).
        """
        message = self.client.session.msg(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            metadata={"cellId": cell_id} if cell_id else {},
        )
        self.client.shell_channel.send(message)
        msg_id = message["header"]["msg_id"]
        execution = Execution(reply={})
        while True:
            message = self.client.get_iopub_msg(timeout=timeout)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            execution.messages.append(message)
            execution.wire_bytes.append(_wire_size(message))
            if on_message is not None:
                on_message(message)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        # This request's reply: a slow kernel start leaves extra kernel_info_replies queued
        # (wait_for_ready asks again when the kernel is slow), and taking the first reply
        # would then give every cell the one of the cell before.
        while True:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        execution.reply = reply["content"]
        return execution

    def run_interrupted(self, code: str, once: str, timeout: float = 120) -> Execution:
        """Run ``code`` and press Kernel -> Interrupt as soon as a widget message of it
        carries ``once`` (the answer is streaming): at an event, not after some seconds."""
        interrupted = False

        def watch(message: dict[str, Any]) -> None:
            nonlocal interrupted
            if interrupted or message["msg_type"] != "comm_msg":
                return
            if once in json.dumps(message["content"]):
                interrupted = True
                self.manager.interrupt_kernel()

        execution = self.run(code, timeout, on_message=watch)
        assert interrupted, f"no widget message carried {once!r}"
        return execution

    def ok(self, code: str, timeout: float = 120, cell_id: str | None = None) -> Execution:
        execution = self.run(code, timeout, cell_id)
        assert execution.error is None, "\n".join(execution.error["traceback"])
        return execution

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def _wire_size(message: dict[str, Any]) -> int:
    """Bytes of the message's JSON frames as ZeroMQ carries them (header, parent, meta,
    content, buffers)."""
    frames = [message["header"], message["parent_header"], message["metadata"], message["content"]]
    size = sum(len(json.dumps(frame, default=str, separators=(",", ":"))) for frame in frames)
    return size + sum(len(b) for b in message.get("buffers", []))


@pytest.fixture(scope="module")
def kernel() -> Iterator[Kernel]:
    env = dict(os.environ)
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"):
        env.pop(name, None)
    env.update(GEMINI_OFFLINE_PACING="0", GEMINI_WIDGETS_BACKEND="offline")
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=env)
    kernel = Kernel(manager)
    yield kernel
    kernel.stop()
