"""A conversation's turns: one typed entry per exchange, and turns read from SDK history.

The SDK keeps one ``Content`` per streamed chunk (two exchanges give ~50 entries); a
``Turn`` is what a person sees: a message and its reply, with how the reply ended.
``Turn.to_json()`` is the one shape the browser reads (``js/src/chat.js``). No IPython here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from google.genai import types

from .outcome import final_status, notice_for
from .stream import StreamState

__all__ = ["Turn", "message_text", "part_label", "turns_from_history"]


@dataclass
class Turn:
    """One exchange: what the user sent and how the model replied.

    ``to_json()`` is the one shape the browser reads (``js/src/chat.js``).
    """

    message: str
    """The message's text (attachments are in ``attachments``)."""
    attachments: list[str] = field(default_factory=list)
    """A label for each attached part: ``image/png (1,024 bytes)``, a file URI."""
    reply: str = ""
    thoughts: str = ""
    status: str = "streaming"
    """streaming, done, error, stopped or blocked."""
    notice: str = ""
    error: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    recorded: bool = False
    """The SDK history holds this exchange (False: a failed, stopped or blocked reply)."""
    can_continue: bool = False
    """The reply was cut short and can be continued."""
    usage: types.GenerateContentResponseUsageMetadata | None = field(default=None, repr=False)
    contents: Any = field(default=None, repr=False)
    """What was sent (text, parts): sent again by ``retry``."""

    def finish(self, state: StreamState, *, recorded: bool, can_continue: bool) -> None:
        self.reply, self.thoughts = state.text, state.thoughts
        self.status = final_status(state)
        self.notice = notice_for(state)
        self.error = state.error.message if state.error else ""
        self.stats, self.usage = state.stats(), state.usage
        self.recorded, self.can_continue = recorded, can_continue

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "attachments": list(self.attachments),
            "reply": self.reply,
            "thoughts": self.thoughts,
            "status": self.status,
            "notice": self.notice,
            "error": self.error,
            "stats": self.stats,
            "recorded": self.recorded,
            "can_continue": self.can_continue,
        }


def turns_from_history(history: Sequence[types.Content]) -> list[Turn]:
    """Turns for SDK contents; consecutive contents of one role are one message, since the
    SDK stores one per streamed chunk."""
    turns: list[Turn] = []
    role = None
    for content in history:
        text = "".join(p.text or "" for p in content.parts or [] if not p.thought)
        if content.role == "model":
            if not turns:
                turns.append(Turn(message="", status="done", recorded=True))
            turns[-1].reply += text
        elif role == "user":
            turns[-1].message += text
        else:
            parts = list(content.parts or [])
            turns.append(Turn(message=text, status="done", recorded=True, contents=parts))
        role = content.role
    return turns


def message_text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, types.Part):
        return message.text or ""
    if isinstance(message, list | tuple):
        return " ".join(t for t in (message_text(m) for m in message) if t)
    return ""


def part_label(part: Any) -> str:
    if isinstance(part, types.Part):
        if part.inline_data is not None:
            size = len(part.inline_data.data or b"")
            return f"{part.inline_data.mime_type} ({size:,} bytes)"
        if part.file_data is not None:
            return part.file_data.file_uri or "file"
    return type(part).__name__
