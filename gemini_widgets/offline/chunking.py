"""Turn an answer into the chunk sequence Gemini streams, honouring the generation config.

Every chunk carries ``usageMetadata`` as Gemini sends it: the prompt count and a running
total on each, the candidate and thought counts complete on the last one (with the finish
reason), so code that reads ``chunk.usage_metadata.total_token_count`` on every chunk works.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from google.genai import types

from .wire import ParsedRequest, count_tokens

__all__ = ["Answer", "Piece", "build_chunks", "merge_chunks", "split_into_pieces"]


Piece = str | dict[str, Any] | tuple[dict[str, Any], ...]
"""What one chunk carries: a stretch of text, or whole parts sent as they are (an
``executableCode``, an ``inlineData``, text with a ``thoughtSignature``, parallel calls)."""
IMAGE_TOKENS = 1290  # what Gemini counts for a generated image, whatever its size


@dataclass
class Answer:
    """One candidate's answer, already split into the pieces it streams in."""

    pieces: list[Piece]
    thoughts: list[str] = field(default_factory=list)
    finish_reason: str = "STOP"
    metadata: dict[str, Any] = field(default_factory=dict)
    """Candidate fields sent on the last chunk, as Gemini does (``groundingMetadata``,
    ``urlContextMetadata``)."""
    tool_prompt_tokens: int = 0
    """What the tools' results cost as input (``toolUsePromptTokenCount``)."""

    @property
    def text(self) -> str:
        return "".join(_piece_text(p) or "" for p in self.pieces)


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
    if end == len(text) and finish == answer.finish_reason:
        return answer
    kept: list[Piece] = []
    for piece in answer.pieces:
        if end <= 0:
            break
        if isinstance(piece, str):
            kept.append(piece[:end])
        elif isinstance(piece, dict) and "text" in piece:
            kept.append({**piece, "text": piece["text"][:end]})
        else:
            kept.append(piece)
        end -= len(_piece_text(piece) or "")
    cut = Answer(kept, answer.thoughts, finish, answer.metadata, answer.tool_prompt_tokens)
    cut.metadata = _supports_within(answer.metadata, len(cut.text.encode()))
    return cut


def _supports_within(metadata: dict[str, Any], size: int) -> dict[str, Any]:
    """The metadata without the grounding supports of text that was cut off (their segments
    are byte offsets into the text sent)."""
    grounding = metadata.get("groundingMetadata")
    if not grounding or "groundingSupports" not in grounding:
        return metadata
    supports = [s for s in grounding["groundingSupports"] if s["segment"]["endIndex"] <= size]
    return {**metadata, "groundingMetadata": {**grounding, "groundingSupports": supports}}


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
    # Each step is one chunk: the i-th thought or piece of every candidate.
    steps: list[list[tuple[int, dict[str, Any]]]] = []
    thoughts = [([a.thoughts for a in answers], {"thought": True})] if include_thoughts else []
    for texts, extra in [*thoughts, ([a.pieces for a in answers], {})]:
        for i in range(max(map(len, texts), default=0)):
            step = [(n, t[i]) for n, t in enumerate(texts) if i < len(t)]
            steps.append([(n, part) for n, piece in step for part in _parts(piece, extra)])
    if not steps:
        steps.append([])  # an empty answer still ends with a finish reason
    chunks: list[dict[str, Any]] = []
    candidate_tokens = image_tokens = 0
    tool_tokens = sum(a.tool_prompt_tokens for a in answers)
    for step_number, step in enumerate(steps):
        last = step_number == len(steps) - 1
        candidate_tokens += sum(_part_tokens(p) for _, p in step if not p.get("thought"))
        image_tokens += sum(IMAGE_TOKENS for _, p in step if "inlineData" in p)
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
                candidate.update(answer.metadata)
            candidates.append(candidate)
        usage: dict[str, Any] = {
            "promptTokenCount": prompt_tokens,
            "totalTokenCount": prompt_tokens + tool_tokens + thought_tokens + candidate_tokens,
        }
        if tool_tokens:
            usage["toolUsePromptTokenCount"] = tool_tokens
        if last:
            usage["candidatesTokenCount"] = candidate_tokens
            if thought_tokens:
                usage["thoughtsTokenCount"] = thought_tokens
            usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt_tokens}]
            if image_tokens:
                usage["candidatesTokensDetails"] = [
                    {"modality": "TEXT", "tokenCount": candidate_tokens - image_tokens},
                    {"modality": "IMAGE", "tokenCount": image_tokens},
                ]
        chunks.append(
            {
                "candidates": candidates,
                "usageMetadata": usage,
                "modelVersion": model_version,
                "responseId": response_id,
            }
        )
    return chunks


def _parts(piece: Piece, extra: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    if isinstance(piece, str):
        return ({"text": piece, **extra},)
    return piece if isinstance(piece, tuple) else (piece,)


def _piece_text(piece: Piece) -> str | None:
    if isinstance(piece, str):
        return piece
    return piece.get("text") if isinstance(piece, dict) else None


def _part_tokens(part: dict[str, Any]) -> int:
    if "text" in part:
        return count_tokens(part["text"])
    if "inlineData" in part:
        return IMAGE_TOKENS
    if "toolResponse" in part:
        return 0  # what a built-in tool returned: counted as tool use, not as output
    # A call's name and arguments, code, its output: counted as the JSON they are.
    return count_tokens(json.dumps({k: v for k, v in part.items() if k != "thoughtSignature"}))


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
                parts[-1] = {**last, **part, "text": last["text"] + part["text"]}
            else:
                parts.append(dict(part))
        into.update((k, v) for k, v in candidate.items() if k != "content")
    for candidate in candidates.values():
        if not candidate["content"]["parts"]:
            del candidate["content"]["parts"]
    if candidates:
        merged["candidates"] = [candidates[i] for i in sorted(candidates)]
    return merged
