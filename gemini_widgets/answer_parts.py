"""The non-text parts of an answer, read as users want them: code runs, tool calls, images,
grounding with character offsets. Pure: SDK types in, SDK types (paired up) out.

Gemini sends each of these as separate parts (code, then its result; a call, then, with
automatic function calling, a result the SDK never yields), and grounding as byte offsets
into UTF-8. Pairing and converting happens here, once, for the result, the views and the
saved notebook.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from google.genai import types

__all__ = [
    "CodeRun",
    "FunctionCallRecord",
    "Grounding",
    "PlacedPart",
    "Support",
    "code_runs",
    "enum_name",
    "function_call_records",
    "function_error",
    "has_payload",
    "images",
    "merge_grounding",
    "take_call",
    "unanswered_calls",
]


@dataclass(frozen=True)
class PlacedPart:
    """A non-text part of the answer and where it arrived: after ``at`` characters of text."""

    at: int
    part: types.Part


def has_payload(part: types.Part) -> bool:
    """A non-text part with something to show (not a bare thought signature)."""
    return any(
        getattr(part, name) is not None
        for name in (
            "inline_data",
            "file_data",
            "function_call",
            "executable_code",
            "code_execution_result",
            "function_response",
            "tool_call",  # Gemini's own tools, when the request asks to see their invocations
            "tool_response",
        )
    )


@dataclass(frozen=True)
class CodeRun:
    """Code the model ran with the ``code_execution`` tool, and what running it gave."""

    code: types.ExecutableCode
    result: types.CodeExecutionResult | None
    at: int
    """Characters of answer text before the code."""

    @property
    def ok(self) -> bool:
        return self.result is not None and enum_name(self.result.outcome) == "OUTCOME_OK"

    @property
    def output(self) -> str:
        return (self.result.output or "") if self.result is not None else ""


@dataclass(frozen=True)
class FunctionCallRecord:
    """A function call and its result: the SDK's when it called your function itself,
    None when the call is yours to answer."""

    call: types.FunctionCall
    response: types.FunctionResponse | None
    at: int

    @property
    def name(self) -> str:
        return self.call.name or ""

    @property
    def args(self) -> dict[str, Any]:
        return dict(self.call.args or {})

    @property
    def error(self) -> str | None:
        """Why the function failed (the SDK reports a raised exception as ``{"error": ...}``)."""
        return function_error(self.response) if self.response is not None else None

    @property
    def result(self) -> Any:
        """What the function returned (the SDK wraps it as ``{"result": ...}``); None when it
        failed or was not called."""
        body = self.response.response if self.response is not None else None
        if self.error is not None:
            return None
        if isinstance(body, dict) and set(body) == {"result"}:
            return body["result"]
        return body


def function_error(reply: types.FunctionResponse) -> str | None:
    """The error a function's response reports, or None."""
    body = reply.response
    if isinstance(body, dict) and "error" in body and "result" not in body:
        return str(body["error"])
    return None


@dataclass(frozen=True)
class Support:
    """A span of the answer and the sources that support it."""

    start: int
    """Character offset into the answer's text (Gemini sends UTF-8 byte offsets)."""
    end: int
    text: str
    sources: tuple[int, ...]
    """Indexes into ``Grounding.sources``."""
    confidence: tuple[float, ...] = ()


@dataclass(frozen=True)
class Grounding:
    """What a Google Search grounded answer rests on."""

    queries: list[str]
    sources: list[types.GroundingChunk]
    supports: list[Support]
    search_entry_point: str | None
    """Google's Search Suggestions chip (HTML and CSS), to be shown as provided."""
    metadata: types.GroundingMetadata

    @classmethod
    def read(cls, metadata: types.GroundingMetadata, text: str) -> Grounding:
        entry = metadata.search_entry_point
        return cls(
            queries=list(metadata.web_search_queries or []),
            sources=list(metadata.grounding_chunks or []),
            supports=[_support(s, text) for s in metadata.grounding_supports or [] if s.segment],
            search_entry_point=entry.rendered_content if entry is not None else None,
            metadata=metadata,
        )


def _support(support: types.GroundingSupport, text: str) -> Support:
    segment = support.segment or types.Segment()
    start, end = _char_span(text, segment.start_index or 0, segment.end_index or 0)
    quoted = segment.text
    if quoted and text[start:end] != quoted:
        # Offsets are per part by the letter of the API; a quote found elsewhere wins.
        found = text.find(quoted)
        if found >= 0:
            start, end = found, found + len(quoted)
    return Support(
        start=start,
        end=end,
        text=text[start:end],
        sources=tuple(support.grounding_chunk_indices or ()),
        confidence=tuple(support.confidence_scores or ()),
    )


def _char_span(text: str, start_byte: int, end_byte: int) -> tuple[int, int]:
    """Byte offsets into ``text``'s UTF-8 as character offsets (a cut inside a character
    counts that character as before the cut)."""
    raw = text.encode("utf-8")

    def chars(byte: int) -> int:
        return len(raw[: max(0, byte)].decode("utf-8", errors="ignore"))

    return chars(start_byte), chars(end_byte)


def merge_grounding(
    old: types.GroundingMetadata | None, new: types.GroundingMetadata
) -> types.GroundingMetadata:
    """One grounding for the answer from what each chunk carried: Gemini usually sends it
    on the last chunk but may resend or spread it; sources are kept once each, and the
    supports' indexes follow them."""
    if old is None:
        return new
    sources = list(old.grounding_chunks or [])
    index = {_source_key(chunk): i for i, chunk in enumerate(sources)}
    moved: dict[int, int] = {}
    for i, chunk in enumerate(new.grounding_chunks or []):
        key = _source_key(chunk)
        if key not in index:
            index[key] = len(sources)
            sources.append(chunk)
        moved[i] = index[key]
    supports = list(old.grounding_supports or [])
    seen = {_support_key(s) for s in supports}
    for support in new.grounding_supports or []:
        support = support.model_copy(
            update={
                "grounding_chunk_indices": [
                    moved.get(i, i) for i in support.grounding_chunk_indices or []
                ]
            }
        )
        if _support_key(support) not in seen:
            seen.add(_support_key(support))
            supports.append(support)
    queries = list(old.web_search_queries or [])
    queries += [q for q in new.web_search_queries or [] if q not in queries]
    return old.model_copy(
        update={
            "grounding_chunks": sources or None,
            "grounding_supports": supports or None,
            "web_search_queries": queries or None,
            "search_entry_point": new.search_entry_point or old.search_entry_point,
        }
    )


def _source_key(chunk: types.GroundingChunk) -> str:
    return chunk.model_dump_json(exclude_none=True)


def _support_key(support: types.GroundingSupport) -> tuple[Any, ...]:
    segment = support.segment or types.Segment()
    return (
        segment.part_index,
        segment.start_index,
        segment.end_index,
        tuple(support.grounding_chunk_indices or ()),
    )


# ---- calls and their results ----------------------------------------------------------


def _answers(call: types.FunctionCall, reply: types.FunctionResponse) -> bool:
    if call.id and reply.id:
        return call.id == reply.id
    return call.name == reply.name


def unanswered_calls(parts: Iterable[types.Part]) -> list[types.FunctionCall]:
    """The function calls among ``parts`` that no later part answers, in order."""
    pending: list[types.FunctionCall] = []
    for part in parts:
        if part.function_call is not None:
            pending.append(part.function_call)
        elif part.function_response is not None:
            take_call(pending, part.function_response)
    return pending


def take_call(
    pending: list[types.FunctionCall], reply: types.FunctionResponse
) -> types.FunctionCall | None:
    """Remove and return the call ``reply`` answers (by id when both have one, else the
    earliest call of that name); None if it answers none of ``pending``."""
    for i, call in enumerate(pending):
        if _answers(call, reply):
            return pending.pop(i)
    return None


def function_call_records(placed: Sequence[PlacedPart]) -> list[FunctionCallRecord]:
    calls: list[FunctionCallRecord] = []
    pending: list[types.FunctionCall] = []
    answered: dict[int, types.FunctionResponse] = {}
    for item in placed:
        call, reply = item.part.function_call, item.part.function_response
        if call is not None:
            pending.append(call)
            calls.append(FunctionCallRecord(call, None, item.at))
        elif reply is not None and (answering := take_call(pending, reply)) is not None:
            answered[id(answering)] = reply
    return [
        FunctionCallRecord(c.call, answered.get(id(c.call)), c.at) if id(c.call) in answered else c
        for c in calls
    ]


def code_runs(placed: Sequence[PlacedPart]) -> list[CodeRun]:
    runs: list[CodeRun] = []
    for item in placed:
        part = item.part
        if part.executable_code is not None:
            runs.append(CodeRun(part.executable_code, None, item.at))
        elif part.code_execution_result is not None:
            if runs and runs[-1].result is None:
                runs[-1] = CodeRun(runs[-1].code, part.code_execution_result, runs[-1].at)
            else:  # a result without its code (not seen from Gemini, kept all the same)
                runs.append(CodeRun(types.ExecutableCode(), part.code_execution_result, item.at))
    return runs


def images(parts: Iterable[types.Part]) -> list[Any]:
    """The answer's images: ``PIL.Image.Image`` when Pillow is installed (they show
    themselves in a notebook), else the SDK's ``types.Image``."""
    found = [image for part in parts if (image := part.as_image()) is not None]
    try:
        from PIL import Image
    except ImportError:
        return found
    return [Image.open(io.BytesIO(image.image_bytes or b"")) for image in found]


def enum_name(value: Any) -> str | None:
    """An SDK enum's wire name (``"OUTCOME_OK"``), or None."""
    return None if value is None else getattr(value, "value", str(value))
