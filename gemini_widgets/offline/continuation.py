"""Continuing a cut-short answer, as the model that wrote it would.

The server remembers the answers it wrote (whole: before a fault, ``max_output_tokens`` or
a stop sequence cut them). A request whose last
turn is the package's ``CONTINUE_PROMPT``, after a model turn holding the start of one of
them, is answered with exactly the rest, so a dropped 5,000-word answer can be completed
and tested for nothing lost or repeated.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field

from ..request import CONTINUE_PROMPT
from .catalogue import OfflineModel
from .chunking import Answer, apply_config, build_chunks, split_into_pieces
from .responders import Reply
from .wire import ParsedRequest, parts_text

__all__ = ["AnswerMemory", "ContinuationResponder"]

NOT_REMEMBERED = (
    "\n\n(The offline server has no record of the answer this continues, so it ends here.)"
)


@dataclass
class AnswerMemory:
    """The newest answers written, to find the one a partial answer is the start of."""

    size: int = 256
    _answers: deque[str] = field(default_factory=deque)
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
                while len(self._answers) > self.size:
                    self._answers.popleft()

    def rest_of(self, partial: str) -> str | None:
        with self._lock:
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
    words_per_chunk: tuple[int, int] = (2, 8)

    def respond(
        self, request: ParsedRequest, model: OfflineModel, rng: random.Random
    ) -> Reply | None:
        contents = request.contents
        if len(contents) < 2 or contents[-2].role != "model":
            return None
        if parts_text(contents[-1].parts or []).strip() != CONTINUE_PROMPT:
            return None
        partial = parts_text(contents[-2].parts or [])
        rest = self.memory.rest_of(partial) or NOT_REMEMBERED
        answer = Answer(pieces=split_into_pieces(rest, rng, self.words_per_chunk))
        chunks = build_chunks(
            request,
            [apply_config(answer, request.config)],
            model_version=model.name,
            include_thoughts=False,
        )
        return Reply(chunks)
