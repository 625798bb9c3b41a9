"""The one place that makes a ``genai.Client``, and says which backend answers.

Backends, in the order they are chosen when ``GEMINI_WIDGETS_BACKEND`` is unset:

1. Vertex AI, when the SDK's own ``GOOGLE_GENAI_USE_VERTEXAI`` says so;
2. the Gemini API, when ``GOOGLE_API_KEY`` or ``GEMINI_API_KEY`` is set (the SDK reads it:
   the key never passes through this package's variables, reprs or logs);
3. the offline server otherwise, started once per process and stopped at exit.

Clients are cached: a ``genai.Client`` that is garbage-collected closes its HTTP client under
any stream still reading from it (tried with google-genai 3.6).
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass
from typing import Literal

from google import genai
from google.genai import types

__all__ = [
    "Backend",
    "MissingApiKeyError",
    "current_backend",
    "get_client",
    "offline_server",
    "use_backend",
]

BACKEND_ENV = "GEMINI_WIDGETS_BACKEND"
BackendKind = Literal["gemini", "vertex", "offline"]
_ALIASES: dict[str, BackendKind] = {
    "offline": "offline",
    "gemini": "gemini",
    "live": "gemini",
    "vertex": "vertex",
    "vertexai": "vertex",
}
# Sent to the offline server in place of a key, so a real key never reaches it.
OFFLINE_KEY = "offline"


class MissingApiKeyError(RuntimeError):
    """The live backend was asked for but no key is set."""


@dataclass(frozen=True)
class Backend:
    """Which service answers; safe to show (it never holds a key)."""

    kind: BackendKind
    label: str
    base_url: str | None = None

    @property
    def is_offline(self) -> bool:
        return self.kind == "offline"

    def __str__(self) -> str:
        return self.label


_lock = threading.RLock()
_chosen: BackendKind | None = None
_clients: dict[BackendKind, genai.Client] = {}
_server = None


def use_backend(kind: str | None) -> Backend:
    """Switch this process to ``offline``, ``gemini`` (alias ``live``) or ``vertex``.

    ``None`` goes back to choosing from the environment.
    """
    global _chosen
    with _lock:
        _chosen = _parse_kind(kind) if kind is not None else None
        resolved = _resolve_kind()
        if resolved == "gemini":
            _require_key()
        return _describe(resolved)


def current_backend() -> Backend:
    with _lock:
        return _describe(_resolve_kind())


def get_client(backend: str | None = None) -> genai.Client:
    """The process-wide client for ``backend`` (default: the current one)."""
    with _lock:
        kind = _parse_kind(backend) if backend is not None else _resolve_kind()
        client = _clients.get(kind)
        if client is None:
            client = _make_client(kind)
            _clients[kind] = client
        return client


def offline_server():  # -> OfflineGemini, imported lazily: the server is not always needed
    """The process's offline server, started on first use and stopped at exit."""
    global _server
    with _lock:
        if _server is None:
            from .offline import OfflineGemini

            _server = OfflineGemini(
                deterministic=os.environ.get("GEMINI_OFFLINE_DETERMINISTIC", "") == "1",
                scripts=os.environ.get("GEMINI_OFFLINE_SCRIPTS") or None,
            ).start()
            atexit.register(_server.stop)
        return _server


def _parse_kind(value: str) -> BackendKind:
    kind = _ALIASES.get(value.strip().lower())
    if kind is None:
        raise ValueError(
            f"Unknown backend {value!r}: use 'offline', 'live' (the Gemini API) or 'vertex'."
        )
    return kind


def _resolve_kind() -> BackendKind:
    if _chosen is not None:
        return _chosen
    env = os.environ.get(BACKEND_ENV, "").strip()
    if env:
        return _parse_kind(env)
    if os.environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").lower() in ("1", "true"):
        return "vertex"
    if _has_key():
        return "gemini"
    return "offline"


def _has_key() -> bool:
    return bool(os.environ.get("GOOGLE_API_KEY") or os.environ.get("GEMINI_API_KEY"))


def _require_key() -> None:
    if not _has_key():
        raise MissingApiKeyError(
            "No API key: set GEMINI_API_KEY (get one at https://aistudio.google.com/apikey), "
            "or use the offline server with `%gemini backend offline` or "
            f"{BACKEND_ENV}=offline."
        )


def _make_client(kind: BackendKind) -> genai.Client:
    if kind == "offline":
        return genai.Client(
            api_key=OFFLINE_KEY,
            http_options=types.HttpOptions(base_url=offline_server().base_url),
        )
    if kind == "vertex":
        return genai.Client(vertexai=True)
    _require_key()
    return genai.Client()


def _describe(kind: BackendKind) -> Backend:
    if kind == "offline":
        server = _server
        if server is None or not server.port:
            return Backend("offline", "offline server (starts on first use)")
        return Backend("offline", f"offline server ({server.base_url})", server.base_url)
    if kind == "vertex":
        project = os.environ.get("GOOGLE_CLOUD_PROJECT", "?")
        location = os.environ.get("GOOGLE_CLOUD_LOCATION", "?")
        return Backend("vertex", f"Vertex AI ({project}, {location})")
    return Backend("gemini", "Gemini API")


def _reset_for_tests() -> None:
    """Forget the chosen backend and cached clients (the offline server keeps running)."""
    global _chosen
    with _lock:
        _chosen = None
        _clients.clear()
