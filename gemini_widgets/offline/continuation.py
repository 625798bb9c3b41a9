"""Continuing a cut-short answer, as the model that wrote it would.

The server remembers the answers it wrote, whole (before a fault, ``max_output_tokens`` or a
stop sequence cut them). A request whose contents end with a model turn holding the start of
one of them, then a user turn, is a request to go on: it is answered with exactly the rest,
so a dropped 5,000-word answer can be completed and tested for nothing lost or repeated.

It is recognised from the request alone, as a real model sees it: whatever the user turn
says (a server can be given the exact wordings to accept, ``continue_prompts``). A model turn
that is a whole answer the server wrote is a finished answer, not the start of one.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field

from .catalogue import OfflineModel
from .chunking import Answer, split_into_pieces
from .responders import Reply, reply_for_answers
from .wire import ParsedRequest, parts_text

__all__ = ["AnswerMemory", "ContinuationResponder"]


@dataclass
class AnswerMemory:
    """The newest answers written, to find the one a partial answer is the start of."""

    _answers: deque[str] = field(default_factory=lambda: deque(maxlen=256))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, reply: Reply) -> None:
        text = reply.whole_text or "".join(
            part.get("text", "")
            for chunk in reply.chunks
            for candidate in chunk.get("candidates", [])[:1]
            for part in candidate.get("content", {}).get("parts", [])
            if not part.get("thought")
        )
        if text:
            with self._lock:
                self._answers.append(text)

    def rest_of(self, partial: str) -> str | None:
        """What follows ``partial`` in the newest answer it starts; ``None`` when it starts
        none, or is itself a whole answer."""
        if not partial.strip():
            return None
        with self._lock:
            if partial in self._answers:
                return None
            for answer in reversed(self._answers):
                if len(answer) > len(partial) and answer.startswith(partial):
                    return answer[len(partial) :]
        return None

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


@dataclass
class ContinuationResponder:
    memory: AnswerMemory
    prompts: frozenset[str] | None = None
    """The user turns that ask to go on; ``None``: any user turn after a cut-short answer."""

    def respond(
        self, request: ParsedRequest, model: OfflineModel, rng: random.Random
    ) -> Reply | None:
        *earlier, asked = request.contents
        answered: list[str] = []  # a streamed answer may come back as one turn per chunk
        while earlier and earlier[-1].role == "model":
            answered.insert(0, parts_text(earlier.pop().parts or []))
        if asked.role == "model" or not answered:
            return None
        if self.prompts is not None and parts_text(asked.parts or []).strip() not in self.prompts:
            return None
        rest = self.memory.rest_of("".join(answered))
        if rest is None:
            return None
        answer = Answer(pieces=split_into_pieces(rest, rng))
        return reply_for_answers(request, model, [answer], include_thoughts=False)
