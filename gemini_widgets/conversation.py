"""One conversation model: the SDK's chat, a list of typed turns, one runner, any views.

``Chat`` (a chat in a cell) and ``%%gemini --chat NAME`` both keep their conversations here,
in one registry (``conversations``), so ``Chat(key="x")`` and ``%%gemini --chat x`` are the
same conversation. No IPython here: views are whatever listens (``ConversationView``). The
Stop and Continue of one reply's view (a ``%%gemini --chat`` cell) are ``ReplyActions``
(``reply_actions.py``), handed on from here.

The history is the SDK's (``get_history(curated=True)``), never a copy. The SDK records a
turn only when its stream is read to the end, so a failed or stopped reply leaves the
history as it was; the turn stays in ``turns``, marked, and can be retried. ``turns`` holds
one entry per exchange, where the SDK keeps one ``Content`` per streamed chunk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from google import genai
from google.genai import types
from google.genai.chats import AsyncChat

from .cost import Cost, total_cost
from .reply_actions import ReplyActions
from .request import StreamRequest
from .runner import NOTHING_TO_CONTINUE, ContinueRefused, Runner, RunSink, SinkGroup
from .settings import NO_RETRY, StreamOptions
from .stream import StreamState
from .turns import Turn, conversation_markdown, message_text, part_label, turns_from_history

__all__ = [
    "BUSY",
    "Conversation",
    "ConversationView",
    "ReplyActions",
    "continue_session",
    "conversations",
]

BUSY = "A reply is streaming: stop it or wait for it before sending another message."


class ConversationView(RunSink, Protocol):
    """A view of a conversation: hears each reply stream (``RunSink``), the turns, and
    what they cost so far (USD, ``Conversation.cost``)."""

    def show_turns(
        self, turns: list[dict[str, Any]], *, busy: bool, cost: float | None
    ) -> None: ...


class Conversation:
    """A conversation with one model on the SDK's chat; every reply runs on one ``Runner``."""

    def __init__(
        self,
        client: genai.Client,
        model: str,
        config: types.GenerateContentConfig | None = None,
        *,
        history: Sequence[types.Content] = (),
        options: StreamOptions = NO_RETRY,
    ) -> None:
        self.client = client
        self.model = model
        self.config = config
        self.views: list[ConversationView] = []
        """Shown every turn and every reply (a ``ChatView``)."""
        self.turns: list[Turn] = turns_from_history(history)
        self._sinks = SinkGroup()
        self.runner = Runner(self._sinks, options=options, model=model)
        self._session: Any = self._new_session(list(history))
        self.task: asyncio.Task[StreamState] | None = None
        """The reply streaming in the background (input box, Retry, Continue): await it."""
        self._open: Turn | None = None
        """The turn from its message until it is finished (``busy``)."""

    @property
    def history(self) -> list[types.Content]:
        """The SDK's curated history: the turns the model will see next time."""
        return list(self._session.get_history(curated=True))

    @property
    def cost(self) -> Cost | None:
        """The replies' estimated cost so far; None when one had usage but no price. Replies
        with no usage (failed before their first chunk, read from history) count nothing."""
        costs = [t.cost for t in self.turns if t.cost is not None or t.usage is not None]
        return total_cost(costs) if costs else None

    @property
    def busy(self) -> bool:
        """A turn is open: from its message until the turn is finished, which is a step
        after its answer ends (a background reply finishes in its task's ``finally``)."""
        return self._open is not None or self.runner.busy

    @property
    def stoppable_now(self) -> bool:
        return self.runner.stoppable_now

    def reconfigure(
        self,
        *,
        client: genai.Client,
        model: str,
        config: types.GenerateContentConfig | None,
        options: StreamOptions,
    ) -> None:
        """Go on with another model, config or client (a re-run ``Chat`` cell); the history
        and the turns stay."""
        history = self.history
        self.client, self.model, self.config = client, model, config
        self.runner.options, self.runner.model = options, model
        self._session = self._new_session(history)

    # ---- a message ---------------------------------------------------------------------

    def send(
        self,
        message: Any,
        *,
        attachments: Sequence[Any] = (),
        config: types.GenerateContentConfig | None = None,
        sink: RunSink | None = None,
    ) -> StreamState:
        """Send a message, stream the reply into the views (and ``sink``), and return it
        when it ends. ``config`` overrides the conversation's for this message."""
        turn = self._begin_turn(message, attachments, sink=sink)
        with self._opening(turn):
            request = self._request_for(turn.contents, asynchronous=False, config=config)
        try:  # Kernel -> Interrupt still ends the turn (as stopped) before it propagates
            return self.runner.run(request)
        finally:
            self._end_turn(turn)

    async def send_async(self, message: Any, *, attachments: Sequence[Any] = ()) -> StreamState:
        """``send`` for async code: the kernel stays free while the reply streams."""
        turn = self._begin_turn(message, attachments, sink=None)
        with self._opening(turn):
            request = self._request_for(turn.contents, asynchronous=True, config=None)
            reading = self.runner.run_async(request)
        return await self._ending(turn, reading)

    def start(
        self,
        message: Any,
        *,
        attachments: Sequence[Any] = (),
        labels: Sequence[str] | None = None,
        config: types.GenerateContentConfig | None = None,
        sink: RunSink | None = None,
    ) -> asyncio.Task[StreamState]:
        """``send`` as a task on the running loop (the chat's input box, Retry, Regenerate).

        The turn begins now, not when the task first runs, so a second message sent in
        between is refused."""
        turn = self._begin_turn(message, attachments, labels=labels, sink=sink)
        with self._opening(turn):
            request = self._request_for(turn.contents, asynchronous=True, config=config)
            reading = self.runner.start(request)  # needs a running loop
        return self._spawn(self._ending(turn, reading))

    def stop(self) -> None:
        """Stop the streaming reply; it is kept in ``turns``, not in the history."""
        self.runner.stop()

    # ---- the last reply ----------------------------------------------------------------

    def regenerate(self) -> str | None:
        """Ask again for the last reply, in the background: the last exchange leaves the
        history and the turns, and its message is sent again. Returns why it cannot, or None.

        A last reply the history never got (an error, a stop, a blocked prompt, SAFETY) is
        asked again as ``retry`` does: the exchange before it stays."""
        if self.busy:
            return BUSY
        if self.turns and not self.turns[-1].recorded:
            return self.retry()
        history = self.history
        last_user = max((i for i, c in enumerate(history) if c.role == "user"), default=None)
        if last_user is None:
            return "There is no reply to regenerate yet."
        self._session = self._new_session(history[:last_user])
        self.turns.pop()
        parts = list(history[last_user].parts or [])
        self.start(parts, labels=[part_label(p) for p in parts if p.text is None])
        return None

    def retry(self) -> str | None:
        """Send again, in the background, the message of the last turn when its reply never
        reached the history (it failed, was stopped, blocked, or ended without an answer)."""
        if self.busy:
            return BUSY
        if not self.turns or self.turns[-1].recorded:
            return "The last reply is in the history; use Regenerate for another answer."
        failed = self.turns.pop()
        self.start(failed.contents, labels=failed.attachments)
        return None

    def why_not_continue(self) -> str | None:
        """Why the last reply cannot be continued, or None. Asked by a view when the reply
        ends, so the turn that is closing does not count as busy (``_resume_turn`` waits
        for it to close)."""
        if self.runner.busy:
            return BUSY
        if not self.turns:
            return NOTHING_TO_CONTINUE
        return self.runner.why_not_continue()  # its answer is the last turn's reply

    def continue_answer(self, *, sink: RunSink | None = None) -> StreamState:
        """Ask the model to go on from a cut-short last reply (a dropped connection, a
        timeout, a stop, ``max_output_tokens``); the rest streams into the same reply. When
        it ends whole, the history gets the whole reply."""
        turn = self._resume_turn(sink)
        try:
            return self.runner.continue_answer()
        finally:
            self._end_turn(turn, continued=True)

    def start_continuation(self, *, sink: RunSink | None = None) -> asyncio.Task[StreamState]:
        """``continue_answer`` as a task on the running loop (the Continue button)."""
        turn = self._resume_turn(sink)
        reading = self.runner.start_continuation()
        return self._spawn(self._ending(turn, reading, continued=True))

    def clear(self) -> None:
        """Forget the conversation: a new, empty SDK chat."""
        self.stop()
        self._session = self._new_session([])
        self.turns = []
        self._show(busy=False)

    def to_markdown(self) -> str:
        """The conversation as shown: every turn, with a failed reply's partial text and
        its error or notice (``history`` holds only what the model will see)."""
        return conversation_markdown(self.model, self.turns)

    def streaming_answer(self) -> StreamState | None:
        """The reply so far, while one streams (a view opened mid-reply asks for it)."""
        state = self.runner.state
        return state if state is not None and not state.done else None

    def __repr__(self) -> str:
        return f"<Conversation {self.model}, {len(self.turns)} turns>"

    # ---- internals ---------------------------------------------------------------------

    def _begin_turn(
        self,
        message: Any,
        attachments: Sequence[Any],
        *,
        labels: Sequence[str] | None = None,
        sink: RunSink | None,
    ) -> Turn:
        if self.busy:
            raise RuntimeError(BUSY)
        turn = Turn(
            message=message_text(message),
            attachments=list(labels) if labels else [part_label(a) for a in attachments],
            contents=[*attachments, message] if attachments else message,
        )
        self.turns.append(turn)
        self._open = turn
        self._sinks.sinks = [*self.views, *([sink] if sink is not None else [])]
        self._show(busy=True)
        return turn

    @contextmanager
    def _opening(self, turn: Turn) -> Iterator[None]:
        """Until its reply has begun, a failure (no running loop for a background reply,
        say) takes the turn back, so the conversation is not left busy."""
        try:
            yield
        except BaseException:
            if self.turns and self.turns[-1] is turn:
                self.turns.pop()
            self._open = None
            self._show(busy=False)
            raise

    def _resume_turn(self, sink: RunSink | None) -> Turn:
        refused = BUSY if self.busy else self.why_not_continue()
        if refused:
            raise ContinueRefused(refused)
        turn = self._open = self.turns[-1]
        turn.status, turn.can_continue = "streaming", False
        self._sinks.sinks = [*self.views, *([sink] if sink is not None else [])]
        self._show(busy=True)
        return turn

    def _end_turn(self, turn: Turn, *, continued: bool = False) -> None:
        state, asked = self.runner.state, self.runner.request
        assert state is not None and asked is not None  # every turn runs a request
        if continued and state.ok:
            # The SDK chat saw only the cut-short reply (and recorded it only if it ended
            # with a finish reason); the history gets the whole reply instead.
            self._session = self._new_session(asked.answered_turns(state.text))
        # Recorded: the SDK history grew past the history the message was sent with.
        recorded = len(self._session.get_history(curated=True)) > len(asked.history)
        turn.finish(state, recorded=recorded, can_continue=state.cut_short)
        self._open = None
        self._show(busy=False)

    async def _ending(
        self, turn: Turn, reading: Awaitable[StreamState], *, continued: bool = False
    ) -> StreamState:
        try:  # a cancelled task still ends the turn (as stopped)
            return await reading
        finally:
            self._end_turn(turn, continued=continued)

    def _spawn(self, ending: Coroutine[Any, Any, StreamState]) -> asyncio.Task[StreamState]:
        self.task = asyncio.ensure_future(ending)
        return self.task

    def _request_for(
        self, contents: Any, *, asynchronous: bool, config: types.GenerateContentConfig | None
    ) -> StreamRequest:
        if isinstance(self._session, AsyncChat) != asynchronous:
            self._session = continue_session(
                self.client, self._session, self.model, self.config, asynchronous=asynchronous
            )
        history = tuple(self._session.get_history(curated=True))
        return StreamRequest(
            self.client,
            self.model,
            contents,
            config or self.config,
            history=history,
            session=self._session,
        )

    def _new_session(self, history: list[types.Content]) -> Any:
        return continue_session(self.client, None, self.model, self.config, history=history)

    def _show(self, *, busy: bool) -> None:
        turns = [turn.to_json() for turn in self.turns]
        cost = self.cost
        for view in self.views:
            view.show_turns(turns, busy=busy, cost=None if cost is None else cost.usd)


conversations: dict[str, Conversation] = {}
"""Every named conversation of this kernel: a ``Chat``'s key (its cell's id by default) or
a ``%%gemini --chat`` name."""


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
