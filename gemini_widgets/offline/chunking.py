"""Turn an answer into the chunk sequence Gemini streams, honouring the generation config.

Every chunk carries ``usageMetadata`` as Gemini sends it: the prompt count and a running
total on each, the candidate and thought counts complete on the last one (with the finish
reason), so code that reads ``chunk.usage_metadata.total_token_count`` on every chunk works.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.genai import types

from .wire import ParsedRequest, count_tokens

__all__ = ["Answer", "build_chunks", "merge_chunks", "split_into_pieces"]


@dataclass
class Answer:
    """One candidate's answer, already split into the pieces it streams in."""

    pieces: list[str]
    thoughts: list[str] = field(default_factory=list)
    finish_reason: str = "STOP"

    @property
    def text(self) -> str:
        return "".join(self.pieces)


_WORD = re.compile(r"\S+\s*|\s+")


def split_into_pieces(
    text: str, rng: random.Random, words_per_chunk: tuple[int, int] = (2, 8)
) -> list[str]:
    """Split text at word boundaries into pieces of a few words, as Gemini's chunks are."""
    words = _WORD.findall(text)
    pieces: list[str] = []
    low, high = words_per_chunk
    i = 0
    while i < len(words):
        n = rng.randint(low, high)
        pieces.append("".join(words[i : i + n]))
        i += n
    return pieces


def apply_config(answer: Answer, config: types.GenerationConfig) -> Answer:
    """Cut the answer where ``stop_sequences`` or ``max_output_tokens`` would stop Gemini."""
    pieces = answer.pieces
    finish = answer.finish_reason
    if config.stop_sequences:
        text = "".join(pieces)
        cuts = [text.find(s) for s in config.stop_sequences if s and s in text]
        if cuts:
            pieces = _cut_pieces(pieces, min(cuts))
    if config.max_output_tokens is not None:
        budget = config.max_output_tokens
        kept: list[str] = []
        used = 0
        for piece in pieces:
            cost = count_tokens(piece)
            if used + cost > budget:
                words = _WORD.findall(piece)
                partial = ""
                for word in words:
                    if used + count_tokens(partial + word) > budget:
                        break
                    partial += word
                if partial:
                    kept.append(partial)
                finish = "MAX_TOKENS"
                break
            kept.append(piece)
            used += cost
        pieces = kept
    return Answer(pieces=pieces, thoughts=answer.thoughts, finish_reason=finish)


def _cut_pieces(pieces: Sequence[str], at: int) -> list[str]:
    kept: list[str] = []
    position = 0
    for piece in pieces:
        if position + len(piece) >= at:
            if at > position:
                kept.append(piece[: at - position])
            break
        kept.append(piece)
        position += len(piece)
    return kept


def build_chunks(
    request: ParsedRequest,
    answers: Sequence[Answer],
    *,
    model_version: str,
    include_thoughts: bool,
    response_id: str | None = None,
) -> list[types.GenerateContentResponse]:
    """The streamed responses for ``answers`` (one per candidate), in order."""
    response_id = response_id or uuid.uuid4().hex[:22]
    prompt_tokens = request.prompt_token_count()
    thought_tokens = sum(count_tokens("".join(a.thoughts)) for a in answers)
    # Each step is one chunk: the i-th thought or text piece of every candidate.
    steps: list[list[tuple[int, types.Part]]] = []
    if include_thoughts:
        for i in range(max((len(a.thoughts) for a in answers), default=0)):
            steps.append(
                [
                    (index, types.Part(text=a.thoughts[i], thought=True))
                    for index, a in enumerate(answers)
                    if i < len(a.thoughts)
                ]
            )
    for i in range(max((len(a.pieces) for a in answers), default=0)):
        steps.append(
            [
                (index, types.Part(text=a.pieces[i]))
                for index, a in enumerate(answers)
                if i < len(a.pieces)
            ]
        )
    if not steps:
        steps.append([])  # an empty answer still ends with a finish reason
    chunks: list[types.GenerateContentResponse] = []
    candidate_tokens = 0
    for step_number, step in enumerate(steps):
        last = step_number == len(steps) - 1
        candidate_tokens += sum(count_tokens(p.text or "") for _, p in step if not p.thought)
        candidates = []
        for index, answer in enumerate(answers):
            parts = [p for i, p in step if i == index]
            if not parts and not last:
                continue
            candidates.append(
                types.Candidate(
                    content=types.Content(role="model", parts=parts or None),
                    finish_reason=answer.finish_reason if last else None,
                    index=index,
                )
            )
        usage = types.GenerateContentResponseUsageMetadata(
            prompt_token_count=prompt_tokens,
            total_token_count=prompt_tokens + thought_tokens + candidate_tokens,
        )
        if last:
            usage.candidates_token_count = candidate_tokens
            usage.thoughts_token_count = thought_tokens or None
            usage.prompt_tokens_details = [
                types.ModalityTokenCount(
                    modality=types.MediaModality.TEXT, token_count=prompt_tokens
                )
            ]
        chunks.append(
            types.GenerateContentResponse(
                candidates=candidates,
                usage_metadata=usage,
                model_version=model_version,
                response_id=response_id,
            )
        )
    return chunks


def merge_chunks(chunks: Sequence[types.GenerateContentResponse]) -> types.GenerateContentResponse:
    """The single response ``generateContent`` answers with: the stream's parts joined."""
    if not chunks:
        return types.GenerateContentResponse()
    last = chunks[-1]
    by_index: dict[int, list[types.Part]] = {}
    finish: dict[int, types.Candidate] = {}
    for chunk in chunks:
        for candidate in chunk.candidates or []:
            index = candidate.index or 0
            parts = by_index.setdefault(index, [])
            for part in (candidate.content.parts if candidate.content else None) or []:
                if (
                    parts
                    and parts[-1].text is not None
                    and part.text is not None
                    and (bool(parts[-1].thought) == bool(part.thought))
                ):
                    parts[-1] = types.Part(text=parts[-1].text + part.text, thought=part.thought)
                else:
                    parts.append(part)
            if candidate.finish_reason is not None:
                finish[index] = candidate
    if not by_index:
        return last
    candidates = [
        types.Candidate(
            content=types.Content(role="model", parts=by_index[i] or None),
            finish_reason=finish[i].finish_reason if i in finish else None,
            safety_ratings=finish[i].safety_ratings if i in finish else None,
            citation_metadata=finish[i].citation_metadata if i in finish else None,
            index=i,
        )
        for i in sorted(by_index)
    ]
    return types.GenerateContentResponse(
        candidates=candidates,
        usage_metadata=last.usage_metadata,
        prompt_feedback=last.prompt_feedback,
        model_version=last.model_version,
        response_id=last.response_id,
    )
