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
    text, finish = answer.text, answer.finish_reason
    cuts = [text.find(s) for s in config.stop_sequences or [] if s and s in text]
    end = min(cuts, default=len(text))
    if config.max_output_tokens is not None:
        used = 0
        for word in _WORD.finditer(text[:end]):  # a token never spans two words
            used += count_tokens(word.group())
            if used > config.max_output_tokens:
                end, finish = word.start(), "MAX_TOKENS"
                break
    kept: list[str] = []
    for piece in answer.pieces:
        if end <= 0:
            break
        kept.append(piece[:end])
        end -= len(piece)
    return Answer(pieces=kept, thoughts=answer.thoughts, finish_reason=finish)


def build_chunks(
    request: ParsedRequest,
    answers: Sequence[Answer],
    *,
    model_version: str,
    include_thoughts: bool,
) -> list[dict[str, Any]]:
    """The streamed responses for ``answers`` (one per candidate), as REST JSON, in order.

    Plain dicts rather than SDK objects: building a pydantic response per chunk cost
    110-250 us (benchmarks/README.md), paid before the first byte and on the server's loop.
    The SDK tests parse every shape built here.
    """
    response_id = uuid.uuid4().hex[:22]
    prompt_tokens = request.prompt_token_count()
    thought_tokens = sum(count_tokens("".join(a.thoughts)) for a in answers)
    # Each step is one chunk: the i-th thought or text piece of every candidate.
    steps: list[list[tuple[int, dict[str, Any]]]] = []
    thoughts = [([a.thoughts for a in answers], {"thought": True})] if include_thoughts else []
    for texts, extra in [*thoughts, ([a.pieces for a in answers], {})]:
        for i in range(max(map(len, texts), default=0)):
            steps.append([(n, {"text": t[i], **extra}) for n, t in enumerate(texts) if i < len(t)])
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
    merged = dict(chunks[-1])
    candidates: dict[int, dict[str, Any]] = {}
    for candidate in (c for chunk in chunks for c in chunk.get("candidates", [])):
        into = candidates.setdefault(candidate.get("index", 0), {"content": {"role": "model"}})
        parts = into["content"].setdefault("parts", [])
        for part in candidate.get("content", {}).get("parts", []):
            last = parts[-1] if parts else {}
            same_kind = bool(last.get("thought")) == bool(part.get("thought"))
            if "text" in last and "text" in part and same_kind:
                parts[-1] = {**last, "text": last["text"] + part["text"]}
            else:
                parts.append(dict(part))
        into.update((k, v) for k, v in candidate.items() if k != "content")
    for candidate in candidates.values():
        if not candidate["content"]["parts"]:
            del candidate["content"]["parts"]
    if candidates:
        merged["candidates"] = [candidates[i] for i in sorted(candidates)]
    return merged
