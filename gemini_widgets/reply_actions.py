"""Stop and Continue for the view of one reply of a conversation (a ``%%gemini --chat`` cell).

The cell's ``StreamView`` calls them (its ``StreamActions``); they act on the conversation
while that reply is its last, and refuse once a later message was sent. They act on a
``conversation.Conversation``, which imports them: ``ReplyConversation`` names the part of
it they use, so this module imports nothing of it. No IPython here.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from .runner import ContinueRefused, RunSink
from .stream import StreamState
from .turns import Turn

__all__ = ["ReplyActions", "ReplyConversation"]


class ReplyConversation(Protocol):
    """What ``ReplyActions`` asks of its conversation (``Conversation`` implements it)."""

    turns: list[Turn]

    @property
    def stoppable_now(self) -> bool: ...
    def stop(self) -> None: ...
    def why_not_continue(self) -> str | None: ...
    def continue_answer(self, *, sink: RunSink | None = None) -> StreamState: ...
    def start_continuation(self, *, sink: RunSink | None = None) -> asyncio.Task[StreamState]: ...


class ReplyActions:
    """Stop and Continue for the view of one reply (a ``%%gemini --chat`` cell): they act
    while that reply (the ``index``-th exchange) is the conversation's last."""

    def __init__(self, conversation: ReplyConversation, index: int, sink: RunSink) -> None:
        self.conversation, self.index, self.sink = conversation, index, sink

    @property
    def stoppable_now(self) -> bool:
        return self._is_last() and self.conversation.stoppable_now

    def stop(self) -> None:
        if self._is_last():
            self.conversation.stop()

    def why_not_continue(self) -> str | None:
        if not self._is_last():
            return "A later message was sent in this conversation; only its last reply goes on."
        return self.conversation.why_not_continue()

    def continue_answer(self) -> StreamState:
        self._check()
        return self.conversation.continue_answer(sink=self.sink)

    def start_continuation(self) -> asyncio.Task[StreamState]:
        self._check()
        return self.conversation.start_continuation(sink=self.sink)

    def _is_last(self) -> bool:
        return len(self.conversation.turns) - 1 == self.index

    def _check(self) -> None:
        refused = self.why_not_continue()
        if refused:
            raise ContinueRefused(refused)
