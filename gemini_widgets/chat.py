"""``Chat``: a conversation in a cell = a ``Conversation`` + a ``ChatView`` + the registry.

Re-running the cell that made a chat restores its conversation: conversations are kept per
kernel under a key, by default the id of the cell that made them (JupyterLab and Notebook 7
send it with every execution; marimo's runtime knows it); ``key=`` overrides it, and
``%%gemini --chat KEY`` goes on with the same conversation.

Where no widget front end runs (``text_views.front_end``: a terminal, a script), the chat is
not shown: a ``TextView`` among the conversation's views prints each reply as it streams,
however it was asked for (``send``, ``send_async``, ``regenerate``, ``retry``,
``continue_reply``). There the ``ChatView`` is made only if ``chat.view`` is asked for, so a
script that chats loads no widget library.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google import genai
from google.genai import types

from .client import current_backend, get_client
from .conversation import BUSY, Conversation, conversations
from .cost import Cost
from .retry import RetrySetting
from .setting_keywords import takes_settings
from .settings import DEFAULT_MODEL, DEFAULT_TIMEOUT, build_config, stream_options
from .stream import StreamState
from .text_views import TextView, front_end, in_marimo_notebook
from .turns import Turn

if TYPE_CHECKING:  # made where it is shown, or when asked for
    from .widgets.chat_view import ChatView

__all__ = ["Chat"]


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
        model = model or DEFAULT_MODEL
        config = build_config(config, system=system, **settings)
        options = stream_options(retry, timeout)
        self.key = key if key is not None else _current_cell_id()
        previous = conversations.get(self.key) if self.key else None
        if previous is not None and history is None:
            previous.stop()
            previous.reconfigure(
                client=client or previous.client, model=model, config=config, options=options
            )
            self.conversation = previous
        else:
            self.conversation = Conversation(
                client or get_client(),
                model,
                config,
                history=[_as_content(c) for c in history or []],
                options=options,
            )
        self._backend = current_backend().label if client is None else "custom client"
        self._view: ChatView | None = None
        self._printer = TextView(backend=self._backend) if front_end() == "text" else None
        """Prints each reply where no widget can show it."""
        # An earlier run's views of the conversation stop updating.
        self.conversation.views = [self._printer] if self._printer else [self.view]
        if self.key:
            conversations[self.key] = self.conversation

    @property
    def view(self) -> ChatView:
        """The chat's widget (what ``chat`` shows in a notebook). In text mode it is made on
        first use and follows the conversation from then on."""
        if self._view is None:
            from .widgets.chat_view import ChatView

            turns = [turn.to_json() for turn in self.conversation.turns]
            self._view = ChatView(self, model_name=self.model, backend=self._backend, turns=turns)
            # Printed replies go on; not if a newer Chat (its cell run again) took over.
            if self._printer in self.conversation.views:
                self.conversation.views = [self._view, *self.conversation.views]
        return self._view

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
    def model(self) -> str:
        return self.conversation.model

    @property
    def history(self) -> list[types.Content]:
        """The SDK's curated history: the turns the model will see next time."""
        return self.conversation.history

    @property
    def turns(self) -> list[Turn]:
        """One entry per exchange, as shown (failed and stopped replies too)."""
        return list(self.conversation.turns)

    @property
    def cost(self) -> Cost | None:
        """The replies' estimated cost so far (each reply's is ``turn.cost``; docs/cost.md)."""
        return self.conversation.cost

    def send(self, message: Any, *, attachments: Sequence[Any] = ()) -> StreamState:
        """Send a message and stream the reply into the view; return it when it ends.

        ``message`` is text or anything the SDK takes as a message (Parts, images);
        ``attachments`` are more parts sent with it.
        """
        return self.conversation.send(message, attachments=attachments)

    async def send_async(self, message: Any, *, attachments: Sequence[Any] = ()) -> StreamState:
        """``send`` for async code: the kernel stays free while the reply streams."""
        return await self.conversation.send_async(message, attachments=attachments)

    def stop(self) -> None:
        """Stop the streaming reply; it is kept in the view, not in the history."""
        self.conversation.stop()

    @property
    def busy(self) -> bool:
        """A reply is streaming: a second message waits (``send`` raises, the box refuses)."""
        return self.conversation.busy

    def regenerate(self) -> str | None:
        """Ask again for the last reply (in the background). Returns why it cannot, or None."""
        return self.conversation.regenerate()

    def retry(self) -> str | None:
        """Send again the message of a last reply the history never got (in the background).
        Returns why it cannot, or None."""
        return self.conversation.retry()

    def continue_reply(self) -> str | None:
        """Ask the model to go on from a cut-short last reply, in the background. Returns
        why it cannot, or None."""
        refused = self.conversation.why_not_continue()
        if refused is None:
            self.conversation.start_continuation()
        return refused

    def clear(self) -> None:
        """Forget the conversation: a new, empty SDK chat."""
        self.conversation.clear()

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
        """The conversation as shown, failed replies with their error or notice."""
        return self.conversation.to_markdown()

    # ---- what the view asks (ChatActions) ----------------------------------------------

    def submit(self, text: str, attachments: list[tuple[str, str, bytes]]) -> str | None:
        if self.busy:
            return BUSY
        if not text.strip() and not attachments:
            return "Type a message first."
        parts = [types.Part.from_bytes(data=data, mime_type=mime) for _, mime, data in attachments]
        labels = [name for name, _, _ in attachments]
        self.conversation.start(text, attachments=parts, labels=labels)
        return None

    def streaming_answer(self) -> StreamState | None:
        return self.conversation.streaming_answer()

    @property
    def task(self) -> asyncio.Task[StreamState] | None:
        """The reply streaming in the background (the input box, Retry, Continue): await it."""
        return self.conversation.task

    def _ipython_display_(self) -> None:
        if self._printer is not None:  # a terminal: no widget, and never its repr
            print(repr(self))
            return
        from IPython.display import display

        display(self.view)

    def _display_(self) -> ChatView:
        """marimo's display protocol: a chat that is a cell's value shows as its view."""
        return self.view

    def __repr__(self) -> str:
        exchanges = sum(1 for c in self.history if c.role == "user")
        return f"<Chat {self.model}, {exchanges} exchanges>"


def _current_cell_id() -> str | None:
    """The id of the cell being run, where the front end sends one (JupyterLab, Notebook 7)
    or the notebook has one (marimo)."""
    if in_marimo_notebook():
        return _marimo_cell_id()
    if "IPython" not in sys.modules:  # a script: no cell, and no need to load IPython
        return None
    from IPython import get_ipython

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


def _marimo_cell_id() -> str | None:
    # marimo 0.25 has no public name for it: the runtime context's cell id is what marimo's
    # own cell lifecycle (closing a re-run cell's widgets) is keyed by. Stable for a session
    # in `marimo edit` and `marimo run`.
    try:
        from marimo._runtime.context import get_context

        cell_id = get_context().cell_id
    except Exception:  # a marimo that moved it: no key, so a re-run cell starts afresh
        return None
    return f"marimo:{cell_id}" if cell_id else None


def _as_content(content: types.Content | dict[str, Any]) -> types.Content:
    return content if isinstance(content, types.Content) else types.Content.model_validate(content)
