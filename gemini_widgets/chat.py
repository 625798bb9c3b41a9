"""``Chat``: a streamed conversation inside a cell, built on the SDK's own chat.

The history is the SDK's (``chat.history`` is ``get_history(curated=True)`` of the SDK chat
session), never a copy. The SDK records a turn only when its stream is read to the end, so
a failed or stopped turn leaves the history as it was: the view keeps it, marked, with a
Retry button, and nothing half-recorded is ever sent back to the model.

Re-running the cell that made a chat restores its conversation: chats are kept per kernel
under a key, by default the id of the cell that made them (JupyterLab and Notebook 7 send
it with every execution); ``key=`` overrides it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google import genai
from google.genai import types
from google.genai.chats import AsyncChat

from .client import current_backend, get_client
from .consume import StopSignal, aconsume, consume
from .request import StreamRequest
from .retry import RetryNotice, RetrySetting
from .setting_keywords import takes_settings
from .settings import DEFAULT_MODEL, DEFAULT_TIMEOUT, build_config, stream_options
from .stream import Delta, StreamState
from .widgets.chat_view import ChatView
from .widgets.outcome import final_status, notice_for

__all__ = ["Chat", "continue_session"]

BUSY = "A reply is streaming: stop it or wait for it before sending another message."

_CHATS: dict[str, Chat] = {}


class Chat:
    """A conversation with Gemini, shown as a chat in the cell and drivable from Python.

    >>> chat = Chat(model="gemini-2.5-flash", system="You are concise.")
    >>> chat                     # shows the chat; type in it, or:
    >>> reply = chat.send("Hello")
    """

    @takes_settings
    def __init__(
        self,
        model: str | None = None,
        *,
        system: str | None = None,
        key: str | None = None,
        history: Sequence[types.Content | dict[str, Any]] | None = None,
        client: genai.Client | None = None,
        config: types.GenerateContentConfig | dict[str, Any] | None = None,
        retry: RetrySetting = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        **settings: Any,
    ) -> None:
        self.model = model or DEFAULT_MODEL
        self.config = build_config(config, system=system, **settings)
        self.options = stream_options(retry, timeout)
        """Retries before the first token (429/503 by default) and the no-chunk timeout."""
        self._client = client or get_client()
        self.key = key if key is not None else _current_cell_id()
        previous = _CHATS.get(self.key) if self.key else None
        if previous is not None and history is None:
            previous.stop()
            history = previous.history
            self._turns: list[dict[str, Any]] = list(previous._turns)
        else:
            history = [_as_content(c) for c in history or []]
            self._turns = _turns_from_history(history)
        self._session: Any = self._client.chats.create(
            model=self.model, config=self.config, history=list(history)
        )
        self._state: StreamState | None = None
        self._recorded_before = 0
        self._request: StreamRequest | None = None
        """The last turn's request, kept to continue its reply if it is cut short."""
        self._stop = StopSignal()
        self._task: asyncio.Task[StreamState] | None = None
        label = current_backend().label if client is None else "custom client"
        self.view = ChatView(self, model_name=self.model, backend=label, turns=self._turns)
        if self.key:
            _CHATS[self.key] = self

    @classmethod
    def from_history(
        cls, history: Sequence[types.Content | dict[str, Any]] | str | Path, **kwargs: Any
    ) -> Chat:
        """A chat that continues ``history`` (SDK contents, or a ``.json`` from ``export``)."""
        if isinstance(history, str | Path):
            history = json.loads(Path(history).read_text(encoding="utf-8"))
        return cls(history=history, **kwargs)

    # ---- the conversation --------------------------------------------------------------

    @property
    def history(self) -> list[types.Content]:
        """The SDK's curated history: the turns the model will see next time."""
        return list(self._session.get_history(curated=True))

    @property
    def busy(self) -> bool:
        return self._state is not None and not self._state.done

    def send(self, message: Any, *, attachments: Sequence[Any] = ()) -> StreamState:
        """Send a message and stream the reply into the view; return it when it ends.

        ``message`` is text or anything the SDK takes as a message (Parts, images);
        ``attachments`` are more parts sent with it.
        """
        contents = self._begin_turn(message, attachments, background=False)
        request = self._request_for(contents, asynchronous=False)
        state = self._state
        try:  # Kernel -> Interrupt still ends the turn (as stopped) before it propagates
            consume(request.opener(), **self._reading(state))
        finally:
            self._end_turn(state)
        return state

    async def send_async(self, message: Any, *, attachments: Sequence[Any] = ()) -> StreamState:
        """``send`` for async code: the kernel stays free while the reply streams."""
        return await self._stream_async(self._begin_turn(message, attachments))

    def stop(self) -> None:
        """Stop the streaming reply; it is kept in the view, not in the history."""
        self._stop.set()

    def regenerate(self) -> str | None:
        """Ask again for the last reply: the last exchange leaves the history and the view,
        and its message is sent again. Returns why it cannot, or None.

        A last reply the history never got (an error, a stop, a blocked prompt, SAFETY) is
        asked again as ``retry`` does: the exchange before it stays."""
        if self.busy:
            return BUSY
        if self._last_reply_unrecorded():
            return self.retry()
        history = self.history
        last_user = max((i for i, c in enumerate(history) if c.role == "user"), default=None)
        if last_user is None:
            return "There is no reply to regenerate yet."
        self._session = continue_session(
            self._client, None, self.model, self.config, history=history[:last_user]
        )
        self._drop_last_exchange()
        parts = list(history[last_user].parts or [])
        labels = [_part_label(p) for p in parts if p.text is None]
        self._start_in_background(parts, (), labels)
        return None

    def retry(self) -> str | None:
        """Send again the message of the last turn, when its reply never reached the history
        (it failed, was stopped, blocked, or ended without an answer)."""
        if self.busy:
            return BUSY
        if not self._last_reply_unrecorded():
            return "The last reply is in the history; use Regenerate for another answer."
        failed = self._turns[-2]
        self._drop_last_exchange()
        self._start_in_background(failed["message"], (), failed["attachments"])
        return None

    def continue_reply(self) -> str | None:
        """Ask the model to go on from a reply that was cut short (a dropped connection, a
        timeout, a stop, ``max_output_tokens``); the rest streams into the same reply, in
        the background. When it ends whole, the history gets the whole reply. Returns why
        it cannot, or None."""
        if self.busy:
            return BUSY
        state, request = self._state, self._request
        if state is None or request is None or not self._turns or not state.cut_short:
            return "Nothing to continue: the last reply is complete, or has no text yet."
        if self._turns[-1].get("role") != "model":
            return "Nothing to continue: the last reply is complete, or has no text yet."
        self._turns.pop()
        continuation = request.continued(state.text)
        state.resume()
        self._stop.clear()
        self.view.reply_started(
            self._public_turns(), background=True, resume_from=(state.text, state.thoughts)
        )
        self._task = asyncio.ensure_future(self._stream_continuation(request, continuation, state))
        return None

    def clear(self) -> None:
        """Forget the conversation: a new, empty SDK chat."""
        self.stop()
        self._session = continue_session(self._client, None, self.model, self.config, history=[])
        self._turns = []
        self.view.reply_ended(self._public_turns())

    def export(self, path: str | Path) -> Path:
        """Write the conversation: ``.json`` as SDK contents (``from_history`` reads it back),
        anything else as Markdown."""
        path = Path(path)
        if path.suffix == ".json":
            data = [c.model_dump(mode="json", exclude_none=True) for c in self.history]
            path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        else:
            path.write_text(self.to_markdown(), encoding="utf-8")
        return path

    def to_markdown(self) -> str:
        """The conversation as shown: every turn, with a failed reply's partial text and
        its error or notice (``chat.history`` holds only what the model will see)."""
        lines = [f"# Chat with {self.model}", ""]
        for turn in self._turns:
            who = "You" if turn["role"] == "user" else "Gemini"
            lines += [f"**{who}:**", "", turn["text"], ""]
            for attachment in turn.get("attachments") or []:
                lines += [f"*(attached: {attachment})*", ""]
            for note in (turn.get("notice"), turn.get("error")):
                if note:
                    lines += [f"> {note}", ""]
        return "\n".join(lines)

    # ---- what the view asks (ChatActions) ----------------------------------------------

    def submit(self, text: str, attachments: list[tuple[str, str, bytes]]) -> str | None:
        if self.busy:
            return BUSY
        if not text.strip() and not attachments:
            return "Type a message first."
        parts = [types.Part.from_bytes(data=data, mime_type=mime) for _, mime, data in attachments]
        self._start_in_background(text, parts, [name for name, _, _ in attachments])
        return None

    def streaming_text(self) -> tuple[str, str]:
        state = self._state
        return (state.text, state.thoughts) if state is not None and not state.done else ("", "")

    # ---- internals ---------------------------------------------------------------------

    def _start_in_background(
        self, message: Any, attachments: Sequence[Any], labels: Sequence[str] | None = None
    ) -> None:
        # The turn begins now, not when the task first runs, so a second message sent in
        # between is refused.
        contents = self._begin_turn(message, attachments, labels)
        self._task = asyncio.ensure_future(self._stream_async(contents))

    async def _stream_async(self, contents: Any) -> StreamState:
        request = self._request_for(contents, asynchronous=True)
        state = self._state
        try:  # a cancelled task still ends the turn (as stopped)
            await aconsume(request.async_opener(), **self._reading(state))
        finally:
            self._end_turn(state)
        return state

    async def _stream_continuation(
        self, request: StreamRequest, continuation: StreamRequest, state: StreamState
    ) -> StreamState:
        try:
            await aconsume(continuation.async_opener(), **self._reading(state))
        finally:
            if state.error is None and not state.stopped:
                # The SDK chat saw only the cut-short reply (and recorded it only if it ended
                # with a finish reason); the history gets the whole reply instead.
                self._session = continue_session(
                    self._client,
                    None,
                    self.model,
                    self.config,
                    history=request.answered_turns(state.text),
                )
            self._end_turn(state)
        return state

    def _reading(self, state: StreamState) -> dict[str, Any]:
        """How every reply is read: into the view, stoppable, with the chat's retries and
        timeout."""
        return {
            "sink": _Sink(self.view),
            "state": state,
            "stop": self._stop,
            "retry": self.options.retry,
            "idle_timeout": self.options.timeout,
        }

    def _request_for(self, contents: Any, *, asynchronous: bool) -> StreamRequest:
        session = self._session_of_kind(asynchronous=asynchronous)
        self._request = StreamRequest(
            self._client,
            self.model,
            contents,
            self.config,
            history=tuple(session.get_history(curated=True)),
            session=session,
        )
        return self._request

    def _begin_turn(
        self,
        message: Any,
        attachments: Sequence[Any],
        labels: Sequence[str] | None = None,
        *,
        background: bool = True,
    ) -> Any:
        if self.busy:
            raise RuntimeError(BUSY)
        contents = [*attachments, message] if attachments else message
        self._recorded_before = len(self._session.get_history(curated=True))
        self._stop.clear()
        self._state = StreamState(model=self.model)
        self._turns.append(
            {
                "role": "user",
                "text": _message_text(message),
                "attachments": list(labels) if labels else [_part_label(a) for a in attachments],
                "message": contents,
            }
        )
        self.view.reply_started(self._public_turns(), background=background)
        return contents

    def _end_turn(self, state: StreamState) -> None:
        turn: dict[str, Any] = {
            "role": "model",
            "text": state.text,
            "thoughts": state.thoughts,
            "status": final_status(state),
            "can_continue": state.cut_short and self._request is not None,
            "recorded": len(self._session.get_history(curated=True)) > self._recorded_before,
            "notice": notice_for(state),
            "error": state.error.message if state.error else "",
            "stats": state.stats(),
        }
        self._turns.append(turn)
        self.view.reply_ended(self._public_turns())

    def _last_reply_unrecorded(self) -> bool:
        return bool(self._turns) and self._turns[-1].get("recorded") is False

    def _drop_last_exchange(self) -> None:
        while self._turns and self._turns[-1]["role"] == "model":
            self._turns.pop()
        if self._turns:
            self._turns.pop()

    def _session_of_kind(self, *, asynchronous: bool) -> Any:
        if isinstance(self._session, AsyncChat) != asynchronous:
            self._session = continue_session(
                self._client, self._session, self.model, self.config, asynchronous=asynchronous
            )
        return self._session

    def _public_turns(self) -> list[dict[str, Any]]:
        """The turns as the view shows them (no SDK objects: they are synced as JSON)."""
        return [{k: v for k, v in t.items() if k != "message"} for t in self._turns]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.view)

    def __repr__(self) -> str:
        exchanges = sum(1 for c in self.history if c.role == "user")
        return f"<Chat {self.model}, {exchanges} exchanges>"


def continue_session(
    client: genai.Client,
    session: Any,
    model: str,
    config: types.GenerateContentConfig | None,
    *,
    asynchronous: bool = False,
    history: list[types.Content] | None = None,
) -> Any:
    """A new SDK chat (sync or async) that goes on from ``session``'s curated history.

    The SDK's sync and async chats keep separate histories; a conversation that moves from
    one to the other hands its history over, so there is always one list of record.
    """
    if history is None:
        history = list(session.get_history(curated=True)) if session is not None else []
    factory = client.aio.chats if asynchronous else client.chats
    return factory.create(model=model, config=config, history=history)


class _Sink:
    def __init__(self, view: ChatView) -> None:
        self.view = view

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.view.on_delta(delta, state)

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        self.view.on_retry(notice)

    def on_end(self, state: StreamState) -> None:
        pass  # the chat records the turn (``_end_turn``) once the SDK has recorded it


def _current_cell_id() -> str | None:
    """The id of the cell being run, where the front end sends one (JupyterLab, Notebook 7)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    try:
        parent = kernel.get_parent("shell")
    except TypeError:
        parent = kernel.get_parent()
    cell_id = (parent or {}).get("metadata", {}).get("cellId")
    return f"cell:{cell_id}" if cell_id else None


def _as_content(content: types.Content | dict[str, Any]) -> types.Content:
    return content if isinstance(content, types.Content) else types.Content.model_validate(content)


def _merged_turns(history: Sequence[types.Content]) -> list[dict[str, str]]:
    """Consecutive contents of one role joined: the SDK stores one per streamed chunk."""
    turns: list[dict[str, str]] = []
    for content in history:
        text = "".join(p.text or "" for p in content.parts or [] if not p.thought)
        if turns and turns[-1]["role"] == content.role:
            turns[-1]["text"] += text
        else:
            turns.append({"role": content.role or "user", "text": text})
    return turns


def _turns_from_history(history: Sequence[types.Content]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for turn in _merged_turns(history):
        record: dict[str, Any] = {"role": turn["role"], "text": turn["text"]}
        if turn["role"] == "model":
            record["status"] = "done"
        turns.append(record)
    return turns


def _message_text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, types.Part):
        return message.text or ""
    if isinstance(message, list | tuple):
        return " ".join(t for t in (_message_text(m) for m in message) if t)
    return ""


def _part_label(part: Any) -> str:
    if isinstance(part, types.Part):
        if part.inline_data is not None:
            size = len(part.inline_data.data or b"")
            return f"{part.inline_data.mime_type} ({size:,} bytes)"
        if part.file_data is not None:
            return part.file_data.file_uri or "file"
    return type(part).__name__
