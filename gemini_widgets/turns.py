"""A conversation's turns: one typed entry per exchange, and turns read from SDK history.

The SDK keeps one ``Content`` per streamed chunk (two exchanges give ~50 entries); a
``Turn`` is what a person sees: a message and its reply, with how the reply ended.
``Turn.to_json()`` is the one shape the browser reads (``js/src/chat.js``). No IPython here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from google.genai import types

from .answer_markdown import answer_markdown, json_answer_markdown
from .answer_parts import PlacedPart, has_payload
from .answer_wire import annotations_json, parts_json
from .cost import Cost
from .json_rows import JSON_MIME, json_fields
from .outcome import final_status, notice_for
from .stream import StreamState

__all__ = ["Turn", "conversation_markdown", "message_text", "part_label", "turns_from_history"]


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
    parts: list[PlacedPart] = field(default_factory=list)
    """The reply's code runs, images, function calls and results, placed in its text."""
    annotations: dict[str, Any] | None = None
    """The reply's grounding, fetched URLs and citations, as the browser reads them."""
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
    cost: Cost | None = field(default=None, repr=False)
    """The reply's estimated cost when it ended (``StreamState.cost``)."""
    mime_type: str | None = None
    """The reply's ``response_mime_type`` (``application/json``: shown as a table)."""
    contents: Any = field(default=None, repr=False)
    """What was sent (text, parts): sent again by ``retry``."""

    def finish(self, state: StreamState, *, recorded: bool, can_continue: bool) -> None:
        self.reply, self.thoughts = state.text, state.thoughts
        self.parts, self.annotations = list(state.placed_parts), annotations_json(state)
        self.status = final_status(state)
        self.notice = notice_for(state)
        self.error = state.error.message if state.error else ""
        self.stats, self.usage, self.cost = state.stats(), state.usage, state.cost
        self.recorded, self.can_continue = recorded, can_continue
        self.mime_type = state.mime_type

    def answer_json(self) -> dict[str, Any]:
        """The reply as ``answer_wire.answer_json`` shapes an answer."""
        return {
            "text": self.reply,
            "parts": parts_json(self.parts),
            "annotations": self.annotations,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "attachments": list(self.attachments),
            "reply": self.reply,
            "thoughts": self.thoughts,
            "parts": parts_json(self.parts),
            "annotations": self.annotations,
            "status": self.status,
            "notice": self.notice,
            "error": self.error,
            "stats": self.stats,
            "recorded": self.recorded,
            "can_continue": self.can_continue,
            **json_fields(self.mime_type, self.reply),
        }


def conversation_markdown(model: str, turns: Sequence[Turn]) -> str:
    """Every turn as Markdown, replies with their parts (a chat's export and saved form)."""
    lines = [f"# Chat with {model}", ""]
    for turn in turns:
        lines += ["**You:**", "", turn.message, ""]
        lines += [f"*(attached: {label})*\n" for label in turn.attachments]
        if turn.status != "streaming" and (
            turn.reply or turn.parts or turn.stats or turn.notice or turn.error
        ):
            if turn.mime_type == JSON_MIME and not turn.parts:
                reply = json_answer_markdown(turn.reply)
            else:
                reply = answer_markdown(turn.answer_json())
            lines += ["**Gemini:**", "", reply, ""]
            lines += [f"> {note}\n" for note in (turn.notice, turn.error) if note]
    return "\n".join(lines)


def turns_from_history(history: Sequence[types.Content]) -> list[Turn]:
    """Turns for SDK contents; consecutive contents of one role are one message, since the
    SDK stores one per streamed chunk."""
    turns: list[Turn] = []
    role = None
    for content in history:
        parts = list(content.parts or [])
        answers_calls = bool(parts) and all(p.function_response for p in parts)
        if content.role == "model" or (answers_calls and turns):
            # Function results (automatic calling) are part of the model's reply.
            if not turns:
                turns.append(Turn(message="", status="done", recorded=True))
            _add_to_reply(turns[-1], parts)
            role = "model"
            continue
        text = "".join(p.text or "" for p in parts if not p.thought)
        if role == "user":
            turns[-1].message += text
        else:
            turns.append(Turn(message=text, status="done", recorded=True, contents=parts))
        role = content.role
    return turns


def _add_to_reply(turn: Turn, parts: list[types.Part]) -> None:
    for part in parts:
        if part.text is not None and not part.thought:
            turn.reply += part.text
        elif part.text is None and has_payload(part):
            turn.parts.append(PlacedPart(len(turn.reply), part))


def message_text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, types.Part):
        reply = message.function_response
        if reply is not None:  # answering a call yourself (automatic calling off)
            returned = json.dumps(reply.response, ensure_ascii=False, default=str)
            return f"(result of {reply.name}: {returned})"
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
