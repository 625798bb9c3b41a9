"""The pure streaming core: chunks in, one ``StreamState`` and the ``Delta`` each adds.

No IPython here. ``StreamState.feed`` is the one state machine; ``consume.py`` drives it
from a sync or an async iterator (``coalesce.py`` merges its deltas to one per frame);
widgets only ever see ``Delta``s and the final state. The answer's measures (times, tokens,
cost, ``stats()``) are read by its base, ``answer_stats.AnswerStats``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from google.genai import types

from .answer_parts import (
    CodeRun,
    FunctionCallRecord,
    Grounding,
    PlacedPart,
    code_runs,
    enum_name,
    function_call_records,
    has_payload,
    images,
    merge_grounding,
    take_call,
    unanswered_calls,
)
from .answer_stats import MIN_RATE_SPAN as MIN_RATE_SPAN
from .answer_stats import AnswerStats, Clock
from .errors import StreamError
from .json_rows import partial_value, rows_key
from .parsing import parsed_frame
from .retry import RetryNotice

__all__ = ["Delta", "StreamState"]


@dataclass(frozen=True)
class Delta:
    """What arrived since the last delta: each character, and each part, in exactly one."""

    text: str = ""
    thoughts: str = ""
    parts: tuple[PlacedPart, ...] = ()
    """Non-text parts of the answer (code run, images, function calls and their results)."""
    annotated: bool = False
    """The answer-level metadata changed (grounding, URL context, citations)."""

    def __bool__(self) -> bool:
        return bool(self.text or self.thoughts or self.parts or self.annotated)


@dataclass
class StreamState(AnswerStats):
    """Everything known about one streamed answer; also the result users get back.

    Iterate a stream, or read ``.text`` when it is done: the partial text is kept when the
    stream fails or is stopped (``.error``, ``.stopped``).
    """

    model: str | None = None
    clock: Clock = field(default=time.monotonic, repr=False)
    started_at: float = field(default=0.0, repr=False)
    first_token_at: float | None = field(default=None, repr=False)
    ended_at: float | None = field(default=None, repr=False)
    responses: list[types.GenerateContentResponse] = field(default_factory=list, repr=False)
    usage: types.GenerateContentResponseUsageMetadata | None = field(default=None, repr=False)
    finish_reason: types.FinishReason | None = None
    finish_message: str | None = None
    block_reason: types.BlockedReason | None = None
    block_message: str | None = None
    safety_ratings: list[types.SafetyRating] = field(default_factory=list, repr=False)
    placed_parts: list[PlacedPart] = field(default_factory=list, repr=False)
    """The non-text parts in the order they came, each with its place in the text."""
    grounding_metadata: types.GroundingMetadata | None = field(default=None, repr=False)
    """Grounding merged over every chunk that carried some (usually the last)."""
    url_context: list[types.UrlMetadata] = field(default_factory=list, repr=False)
    citations: list[types.Citation] = field(default_factory=list, repr=False)
    error: StreamError | None = None
    stopped: bool = False
    mime_type: str | None = field(default=None, repr=False)
    """The ``response_mime_type`` asked for: an ``application/json`` answer shows as a table."""
    parsed: Any = field(default=None, repr=False)
    """The parsed value of a JSON answer (set by whoever asked for JSON)."""
    parse_error: str | None = field(default=None, repr=False)
    """Why a JSON answer could not be parsed into ``parsed`` (one sentence), or None."""
    retry: RetryNotice | None = field(default=None, repr=False)
    """The last retry waited for before the first chunk (None: the first attempt answered)."""
    continuations: int = 0
    """How many times the answer was continued after it was cut short (``resume``)."""
    _tokens_before: int = field(default=0, repr=False)
    _earlier_usage: list[types.GenerateContentResponseUsageMetadata] = field(
        default_factory=list, repr=False
    )
    _tokens_at_first: int = field(default=0, repr=False)
    _text: list[str] = field(default_factory=list, repr=False)
    _thoughts: list[str] = field(default_factory=list, repr=False)
    _text_length: int = field(default=0, repr=False)
    _afc_seen: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if not self.started_at:
            self.started_at = self.clock()

    # ---- the state machine --------------------------------------------------------------

    def feed(self, response: types.GenerateContentResponse) -> Delta:
        """Take one chunk; return what it added. Parts are read directly, not via ``.text``
        (which joins only text parts, and warns when there are others)."""
        self.responses.append(response)
        if response.usage_metadata is not None:
            self.usage = response.usage_metadata
        if self.model is None and response.model_version:
            self.model = response.model_version
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            self.block_reason = feedback.block_reason
            self.block_message = feedback.block_reason_message
            self.safety_ratings = list(feedback.safety_ratings or [])
        text: list[str] = []
        thoughts: list[str] = []
        at = self._text_length
        # Results of calls the SDK ran come before this chunk, which the model wrote after.
        placed = [PlacedPart(at, p) for p in self._function_responses(response)]
        annotated = False
        candidate = _first_candidate(response)
        if candidate is not None:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.text is not None and part.thought:
                    thoughts.append(part.text)
                elif part.text is not None:
                    text.append(part.text)
                    at += len(part.text)
                elif has_payload(part):  # a bare thought signature carries nothing to show
                    placed.append(PlacedPart(at, part))
            if candidate.finish_reason is not None:
                self.finish_reason = candidate.finish_reason
                self.finish_message = candidate.finish_message
            if candidate.safety_ratings:
                self.safety_ratings = list(candidate.safety_ratings)
            annotated = self._annotate(candidate)
        delta = Delta("".join(text), "".join(thoughts), tuple(placed), annotated)
        if delta.text or delta.thoughts or delta.parts:
            if self.first_token_at is None:
                self.first_token_at = self.clock()
                self._tokens_at_first = self.output_tokens or 0
            self._text.append(delta.text)
            self._thoughts.append(delta.thoughts)
            self._text_length = at
            self.placed_parts.extend(placed)
        return delta

    def add_call_results(self, parts: list[types.Part]) -> Delta:
        """Results of this answer's calls learnt after its chunks (a chat session records
        them only when the reply ends); each is placed with its call."""
        unanswered = unanswered_calls(self.parts)
        places = {id(p.part.function_call): p.at for p in self.placed_parts}
        added = []
        for part in parts:
            reply = part.function_response
            call = take_call(unanswered, reply) if reply is not None else None
            if call is not None:
                added.append(PlacedPart(places.get(id(call), self._text_length), part))
        self.placed_parts.extend(added)
        return Delta(parts=tuple(added))

    def _annotate(self, candidate: types.Candidate) -> bool:
        """Fold the candidate's answer-level metadata in; True if any came."""
        came = False
        if candidate.grounding_metadata is not None:
            self.grounding_metadata = merge_grounding(
                self.grounding_metadata, candidate.grounding_metadata
            )
            came = True
        urls = candidate.url_context_metadata
        if urls is not None and urls.url_metadata:
            known = {u.retrieved_url for u in self.url_context}
            self.url_context.extend(u for u in urls.url_metadata if u.retrieved_url not in known)
            came = True
        cited = candidate.citation_metadata
        if cited is not None and cited.citations:
            self.citations.extend(c for c in cited.citations if c not in self.citations)
            came = True
        return came

    def _function_responses(self, response: types.GenerateContentResponse) -> list[types.Part]:
        """The results of calls in this answer that the SDK ran itself (automatic function
        calling): it never yields them, only lists them in each later chunk's
        ``automatic_function_calling_history``."""
        history = response.automatic_function_calling_history or []
        if len(history) <= self._afc_seen:
            return []
        new, self._afc_seen = history[self._afc_seen :], len(history)
        unanswered = unanswered_calls(self.parts)
        answers = []
        for content in new:
            for part in content.parts or []:
                reply = part.function_response
                if reply is not None and take_call(unanswered, reply) is not None:
                    answers.append(part)
        return answers

    def fail(self, error: StreamError) -> None:
        self.error = error
        self.end()

    def stop(self) -> None:
        self.stopped = True
        self.end()

    def end(self) -> None:
        if self.ended_at is None:
            self.ended_at = self.clock()

    def resume(self) -> None:
        """Reopen a cut-short answer so a continuation's chunks append to its text.

        The outcome of the cut (error, stop, finish reason) is cleared; the text, the
        chunks and the output tokens counted so far stay.
        """
        self._tokens_before = self.output_tokens or 0
        if self.usage is not None:
            self._earlier_usage.append(self.usage)
        self.usage = None
        self.error = None
        self.stopped = False
        self.finish_reason = self.finish_message = None
        self.retry = None
        self.parsed = self.parse_error = None
        self.ended_at = None
        self.continuations += 1

    # ---- what users read ----------------------------------------------------------------

    @property
    def text(self) -> str:
        return "".join(self._text)

    @property
    def thoughts(self) -> str:
        return "".join(self._thoughts)

    @property
    def parts(self) -> list[types.Part]:
        """The non-text parts (code run and its result, images, function calls and their
        results), in order; ``code_runs``, ``images``, ``function_calls`` read them typed."""
        return [placed.part for placed in self.placed_parts]

    @property
    def code_runs(self) -> list[CodeRun]:
        """Code the model ran (``code_execution``), each with its result."""
        return code_runs(self.placed_parts)

    @property
    def function_calls(self) -> list[FunctionCallRecord]:
        """Each function call with the result the SDK sent back, or None when the call is
        yours to answer (automatic calling off, or its limit reached)."""
        return function_call_records(self.placed_parts)

    @property
    def images(self) -> list[Any]:
        """Images in the answer: PIL images when Pillow is installed, else ``types.Image``."""
        return images(self.parts)

    @property
    def grounding(self) -> Grounding | None:
        """Search grounding: queries, sources, and the text each supports (character offsets
        into ``text``); None when the answer was not grounded."""
        if self.grounding_metadata is None:
            return None
        return Grounding.read(self.grounding_metadata, self.text)

    @property
    def partial(self) -> Any:
        """A JSON answer so far, read in pydantic-core's partial mode (the unfinished object
        with its fields so far); None before any of it can be read."""
        return partial_value(self.text)

    def to_pandas(self) -> Any:
        """``parsed`` as a pandas DataFrame: a row per item of a list (or of the list an
        object wraps, ``{"recipes": [...]}``, as the view shows it), one for an object."""
        return parsed_frame(self.parsed, self.parse_error, rows_key(self.text))

    @property
    def done(self) -> bool:
        return self.ended_at is not None

    @property
    def ok(self) -> bool:
        """Ended normally: no error, not stopped, not blocked."""
        return self.done and self.error is None and not self.stopped and self.block_reason is None

    @property
    def cut_short(self) -> bool:
        """Ended with some text but not the whole answer: an error, a stop, or
        ``max_output_tokens``. Such an answer can be continued (``request.py``)."""
        return (
            self.done
            and any(self._text)
            and (
                self.error is not None
                or self.stopped
                or enum_name(self.finish_reason) == "MAX_TOKENS"
            )
        )

    def __repr__(self) -> str:
        status = (
            "error"
            if self.error
            else "stopped"
            if self.stopped
            else "blocked"
            if self.block_reason
            else enum_name(self.finish_reason) or "streaming"
        )
        preview = self.text[:60].replace("\n", " ")
        more = "…" if len(self.text) > 60 else ""
        return f"<StreamState {status}, {len(self.text)} chars: {preview!r}{more}>"


def _first_candidate(response: types.GenerateContentResponse) -> types.Candidate | None:
    for candidate in response.candidates or []:
        if (candidate.index or 0) == 0:
            return candidate
    return None
