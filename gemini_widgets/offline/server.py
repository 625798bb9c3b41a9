"""``OfflineGemini``: the server on a thread of its own, bound to loopback on a free port.

A thread (not the caller's event loop) because the caller is often a notebook cell that
blocks its kernel's loop while it iterates a synchronous stream from this very server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.netutil

from .app import RecordedRequest, ServerState, make_app
from .code_runner import CodeLimits
from .faults import Fault, FaultQueue
from .pacing import Pacing
from .replay import ReplayResponder
from .responders import DemoResponder, PromptMatch, Script, ScriptedResponder

__all__ = ["OfflineGemini"]


class OfflineGemini:
    """A Gemini-compatible HTTP server the real google-genai SDK streams from, offline.

    >>> with OfflineGemini() as server:
    ...     client = genai.Client(api_key="offline",
    ...                           http_options=types.HttpOptions(base_url=server.base_url))
    """

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        pacing: Pacing | None = None,
        require_key: bool = True,
        api_keys: Iterable[str] | None = None,
        deterministic: bool = False,
        scripts: str | Path | None = None,
        allow_remote: bool = False,
        continue_prompts: Iterable[str] | None = None,
        code_limits: CodeLimits | None = None,
    ) -> None:
        """``continue_prompts``: the exact user turns (stripped) that ask to continue a
        cut-short answer; by default any user turn after one is answered with its rest.
        ``code_limits``: the time and memory the code of a code-execution answer may use."""
        if not allow_remote and not _is_loopback(host):
            raise ValueError(
                f"The offline server binds loopback only; {host!r} is not a loopback address. "
                "Pass allow_remote=True if you really mean to expose it."
            )
        self.host = host
        self._requested_port = port
        if continue_prompts is not None:
            continue_prompts = frozenset(p.strip() for p in continue_prompts)
        self.state = ServerState(
            pacing=pacing if pacing is not None else Pacing.from_env(),
            require_key=require_key,
            api_keys=frozenset(api_keys) if api_keys is not None else None,
            deterministic=deterministic,
            continue_prompts=continue_prompts,
            demo=DemoResponder(code_limits or CodeLimits()),
        )
        if scripts is not None:
            self.state.scripts = ScriptedResponder.from_file(scripts)
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """What ``types.HttpOptions(base_url=...)`` takes."""
        if self.port is None:
            raise RuntimeError("The offline server is not running: call start() or use `with`.")
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (API keys redacted)."""
        return list(self.state.requests)

    @property
    def faults(self) -> FaultQueue:
        return self.state.faults

    def fail_next(self, fault: Fault, **kwargs: Any) -> None:
        """Arm ``fault`` for the next matching request (see ``FaultQueue.add``)."""
        self.state.faults.add(fault, **kwargs)

    def script(
        self,
        *chunks: str,
        prompt: PromptMatch = None,
        thoughts: Iterable[str] = (),
        finish_reason: str = "STOP",
    ) -> Script:
        """Answer ``prompt`` (``None``: any prompt) with exactly these chunks."""
        script = Script(
            list(chunks), match=prompt, thoughts=list(thoughts), finish_reason=finish_reason
        )
        self.state.scripts.add(script)
        return script

    def replay(self, path: str | Path) -> ReplayResponder:
        """Answer the requests recorded in a replay file with their recorded chunks."""
        responder = ReplayResponder.from_file(path)
        self.state.replays.append(responder)
        return responder

    def reset(self) -> None:
        """Forget requests, scripts, replays, armed faults and remembered answers."""
        self.state.requests.clear()
        self.state.answers.clear()
        self.state.scripts.clear()
        self.state.replays.clear()
        self.state.faults.clear()

    def start(self) -> OfflineGemini:
        if self._thread is not None:
            return self
        sockets = tornado.netutil.bind_sockets(self._requested_port, self.host)
        self.port = sockets[0].getsockname()[1]
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._server = tornado.httpserver.HTTPServer(make_app(self.state))
            self._server.add_sockets(sockets)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=serve, name="gemini-offline", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        loop, server = self._loop, self._server

        async def shutdown() -> None:
            if server is not None:
                server.stop()
                await server.close_all_connections()
            loop.stop()

        loop.call_soon_threadsafe(lambda: asyncio.ensure_future(shutdown()))
        self._thread.join(timeout=5)
        self._thread = self._loop = self._server = None
        self.port = None

    def __enter__(self) -> OfflineGemini:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.port is not None else "stopped"
        return f"<OfflineGemini {where}, {len(self.state.requests)} requests>"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(re.sub(r"^\[|\]$", "", host)).is_loopback
    except ValueError:
        return False
