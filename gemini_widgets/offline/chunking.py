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
from typing import Any

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
) -> list[dict[str, Any]]:
    """The streamed responses for ``answers`` (one per candidate), as REST JSON, in order.

    Plain dicts rather than SDK objects: building a pydantic response per chunk cost
    110-250 us (benchmarks/README.md), paid before the first byte and on the server's loop.
    The SDK tests parse every shape built here.
    """
    response_id = response_id or uuid.uuid4().hex[:22]
    prompt_tokens = request.prompt_token_count()
    thought_tokens = sum(count_tokens("".join(a.thoughts)) for a in answers)
    # Each step is one chunk: the i-th thought or text piece of every candidate.
    steps: list[list[tuple[int, dict[str, Any]]]] = []
    if include_thoughts:
        for i in range(max((len(a.thoughts) for a in answers), default=0)):
            steps.append(
                [
                    (index, {"text": a.thoughts[i], "thought": True})
                    for index, a in enumerate(answers)
                    if i < len(a.thoughts)
                ]
            )
    for i in range(max((len(a.pieces) for a in answers), default=0)):
        steps.append(
            [(index, {"text": a.pieces[i]}) for index, a in enumerate(answers) if i < len(a.pieces)]
        )
    if not steps:
        steps.append([])  # an empty answer still ends with a finish reason
    chunks: list[dict[str, Any]] = []
    candidate_tokens = 0
    for step_number, step in enumerate(steps):
        last = step_number == len(steps) - 1
        candidate_tokens += sum(count_tokens(p["text"]) for _, p in step if not p.get("thought"))
        candidates = []
        for index, answer in enumerate(answers):
            parts = [p for i, p in step if i == index]
            if not parts and not last:
                continue
            candidate: dict[str, Any] = {"content": {"role": "model"}, "index": index}
            if parts:
                candidate["content"]["parts"] = parts
            if last:
                candidate["finishReason"] = answer.finish_reason
            candidates.append(candidate)
        usage: dict[str, Any] = {
            "promptTokenCount": prompt_tokens,
            "totalTokenCount": prompt_tokens + thought_tokens + candidate_tokens,
        }
        if last:
            usage["candidatesTokenCount"] = candidate_tokens
            if thought_tokens:
                usage["thoughtsTokenCount"] = thought_tokens
            usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt_tokens}]
        chunks.append(
            {
                "candidates": candidates,
                "usageMetadata": usage,
                "modelVersion": model_version,
                "responseId": response_id,
            }
        )
    return chunks


def merge_chunks(chunks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The single response ``generateContent`` answers with: the stream's parts joined."""
    if not chunks:
        return {}
    last = chunks[-1]
    parts_by_index: dict[int, list[dict[str, Any]]] = {}
    finals: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for candidate in chunk.get("candidates", []):
            index = candidate.get("index", 0)
            parts = parts_by_index.setdefault(index, [])
            for part in candidate.get("content", {}).get("parts", []):
                previous = parts[-1] if parts else None
                if (
                    previous is not None
                    and "text" in previous
                    and "text" in part
                    and bool(previous.get("thought")) == bool(part.get("thought"))
                ):
                    parts[-1] = {**previous, "text": previous["text"] + part["text"]}
                else:
                    parts.append(dict(part))
            if "finishReason" in candidate:
                finals[index] = candidate
    if not parts_by_index:
        return dict(last)
    candidates = []
    for index in sorted(parts_by_index):
        merged: dict[str, Any] = {"content": {"role": "model"}, "index": index}
        if parts_by_index[index]:
            merged["content"]["parts"] = parts_by_index[index]
        for key in ("finishReason", "safetyRatings", "citationMetadata"):
            if key in finals.get(index, {}):
                merged[key] = finals[index][key]
        candidates.append(merged)
    merged_response = {k: v for k, v in last.items() if k != "candidates"}
    merged_response["candidates"] = candidates
    return merged_response
