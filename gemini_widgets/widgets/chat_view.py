"""ChatView: the view of a conversation (the logic lives in ``gemini_widgets.conversation``).

Turns are a synced trait (``turns``, each ``Turn.to_json()``), so a page reload shows the
whole conversation; the reply being streamed travels as ``delta`` messages, like
StreamView's. Buttons and the input box reach Python through anywidget commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import anywidget
import traitlets
from anywidget.experimental import command

from ..answer_wire import answer_json
from ..json_rows import JSON_MIME
from ..retry import RetryNotice
from ..stream import Delta, StreamState
from .assets import RendersMarkdown
from .deltas import DeltaSender
from .fallback import StaticFallback

__all__ = ["ChatView"]

STATIC = Path(__file__).resolve().parent.parent / "static"
ACTIONS = frozenset({"stop", "regenerate", "retry", "continue_reply", "clear"})
"""The ``ChatActions`` the browser may call by name through ``_act``."""


class ChatActions(Protocol):
    """What the view asks of its chat (``gemini_widgets.chat.Chat`` implements it)."""

    def submit(self, text: str, attachments: list[tuple[str, str, bytes]]) -> str | None: ...
    def stop(self) -> None: ...
    def regenerate(self) -> str | None: ...
    def retry(self) -> str | None: ...
    def continue_reply(self) -> str | None: ...
    def clear(self) -> None: ...
    def to_markdown(self) -> str:
        """The conversation as Markdown (also the saved notebook's fallback)."""
        ...

    def streaming_answer(self) -> StreamState | None: ...


class ChatView(StaticFallback, RendersMarkdown, anywidget.AnyWidget):
    _esm = STATIC / "chat.js"
    _css = STATIC / "chat.css"

    model_name = traitlets.Unicode("").tag(sync=True)
    backend = traitlets.Unicode("").tag(sync=True)
    turns = traitlets.List(traitlets.Dict()).tag(sync=True)
    """One entry per exchange, as ``conversation.Turn.to_json()`` documents it."""
    busy = traitlets.Bool(False).tag(sync=True)
    """A reply is streaming (the input refuses a second message until it ends)."""
    background = traitlets.Bool(False).tag(sync=True)
    """The reply streams as a task (Stop acts at once) rather than in a running cell."""
    notice = traitlets.Unicode("").tag(sync=True)
    cost = traitlets.Float(None, allow_none=True).tag(sync=True)
    """The conversation's estimated USD so far; None when unknown (docs/cost.md)."""

    def __init__(self, actions: ChatActions, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._actions = actions
        self._deltas = DeltaSender(self)

    # ---- what the conversation tells the view (ConversationView) ------------------------

    def show_turns(self, turns: list[dict[str, Any]], *, busy: bool, cost: float | None) -> None:
        with self.hold_sync():
            self.turns = turns
            self.busy = busy
            self.cost = cost
            if busy:
                self.notice = ""
        if not busy:
            self.show_static()

    def on_start(self, state: StreamState, *, background: bool) -> None:
        """A reply begins streaming; a continued one starts with its text so far."""
        self._deltas.resume(state, rows=state.mime_type == JSON_MIME)
        self.background = background
        self.send({"type": "reply_start", **answer_json(state)})

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self._deltas.send(delta, state)

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        """The reply's request failed before its first token and waits to be retried."""
        self.send({"type": "retry", **notice.to_json()})

    def on_end(self, state: StreamState) -> None:
        """Nothing: the turn ends (``show_turns``) once the SDK has recorded it."""

    # ---- what the browser asks ---------------------------------------------------------

    @command
    def _submit(self, msg: dict[str, Any], buffers: list[bytes]) -> tuple[dict[str, Any], list]:
        files = msg.get("attachments", [])
        attachments = [
            (f["name"], f["mime"] or "application/octet-stream", bytes(data))
            for f, data in zip(files, buffers, strict=False)
        ]
        refused = self._actions.submit(str(msg.get("text", "")), attachments)
        return {"refused": refused}, []

    @command
    def _act(self, msg: dict[str, Any], buffers: list[bytes]) -> tuple[dict[str, Any], list]:
        """Stop, Regenerate, Retry, Continue and Clear: each answers why it cannot, or None."""
        action = msg.get("action")
        if action not in ACTIONS:
            return {"refused": f"Unknown action {action!r}."}, []
        return {"refused": getattr(self._actions, action)()}, []

    @command
    def _export(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list]:
        return {"markdown": self._actions.to_markdown()}, []

    @command
    def _snapshot(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, Any], list]:
        return answer_json(self._actions.streaming_answer()), []

    def static_markdown(self) -> str | None:
        return self._actions.to_markdown() if self.turns else None

    def __repr__(self) -> str:
        return f"<ChatView {self.model_name} {len(self.turns)} turns>"
