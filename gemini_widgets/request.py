"""One answer's request, kept so it can be sent again: retried, or continued when cut short.

A dropped connection, a timeout or ``MAX_TOKENS`` can cut a long answer short. Gemini has no
"resume", so a continuation is a new request: the conversation so far, the partial answer
as the model's turn, and a user turn asking it to go on (``CONTINUE_PROMPT``). Its text is
appended to the partial answer; nothing already shown is sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from google import genai
from google.genai import types

__all__ = ["CONTINUE_PROMPT", "StreamRequest", "as_contents"]

CONTINUE_PROMPT = (
    "Continue your previous answer exactly where it stopped, mid-sentence if need be. "
    "Do not repeat anything you already wrote and do not add an introduction."
)


class _StreamedCallingAdvice(logging.Filter):
    """Drops the SDK's advice to run automatic function calling through a chat instead of
    ``generate_content_stream``: ``stream(tools=[fn])`` means it, and shows each call and
    result, so the warning would only be noise under every answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Direct use of automatic function calling")


logging.getLogger("google_genai.models").addFilter(_StreamedCallingAdvice())


@dataclass(frozen=True)
class StreamRequest:
    """``generate_content_stream``'s arguments, plus the earlier turns of a conversation."""

    client: genai.Client
    model: str
    contents: Any
    """What the user sent this time: anything ``generate_content_stream`` takes."""
    config: types.GenerateContentConfig | None = None
    history: tuple[types.Content, ...] = ()
    """Turns before ``contents`` (a chat's history, or an answer being continued)."""
    session: Any = None
    """An SDK chat (sync or async) whose history is ``history``: the request is then sent
    through it, so the SDK records the turn when it ends."""

    def opener(self) -> Callable[[], Iterable[types.GenerateContentResponse]]:
        """A function that starts this request (each call a new one: retries need that)."""
        if self.session is not None:
            return lambda: self.session.send_message_stream(self.contents, config=self.config)
        return lambda: self.client.models.generate_content_stream(
            model=self.model, contents=self._all_contents(), config=self.config
        )

    def async_opener(
        self,
    ) -> Callable[[], Awaitable[AsyncIterable[types.GenerateContentResponse]]]:
        if self.session is not None:
            return lambda: self.session.send_message_stream(self.contents, config=self.config)
        return lambda: self.client.aio.models.generate_content_stream(
            model=self.model, contents=self._all_contents(), config=self.config
        )

    def recorded_call_results(self) -> list[types.Part]:
        """The function results a chat session recorded for this request.

        With Python functions as tools, the SDK's chat runs them itself but, unlike
        ``generate_content_stream``, lists their results on no chunk: they are only in its
        history, once the reply has ended.
        """
        if self.session is None:
            return []
        recorded = self.session.get_history(curated=True)[len(self.history) :]
        return [p for c in recorded for p in c.parts or [] if p.function_response is not None]

    def continued(self, partial: str) -> StreamRequest:
        """The request that asks the model to go on from ``partial``, its cut-short answer.

        It goes around any chat session, so the session never records the request to
        continue: whoever owns the chat records the whole answer when it ends
        (``answered_turns``).
        """
        answered = types.ModelContent(parts=[types.Part.from_text(text=partial)])
        return replace(
            self,
            history=(*self.turns(), answered),
            contents=CONTINUE_PROMPT,
            session=None,
        )

    def answered_turns(self, answer: str) -> list[types.Content]:
        """The conversation with this request answered by ``answer`` (a chat's next history)."""
        return [*self.turns(), types.ModelContent(parts=[types.Part.from_text(text=answer)])]

    def turns(self) -> list[types.Content]:
        """The whole conversation this request sends, as SDK contents."""
        return [*self.history, *as_contents(self.contents)]

    def _all_contents(self) -> Any:
        return self.turns() if self.history else self.contents


def as_contents(contents: Any) -> list[types.Content]:
    """SDK contents for what a user passes as ``contents``: a ``Content`` list as it is,
    anything else (text, parts, images, or a list of them) as one user turn."""
    items = (
        contents if isinstance(contents, Sequence) and not isinstance(contents, str) else [contents]
    )
    if items and all(_is_content(item) for item in items):
        return [
            item if isinstance(item, types.Content) else types.Content.model_validate(item)
            for item in items
        ]
    return [types.UserContent(parts=list(items))]


def _is_content(item: Any) -> bool:
    return isinstance(item, types.Content) or (
        isinstance(item, dict) and "parts" in item and "role" in item
    )
