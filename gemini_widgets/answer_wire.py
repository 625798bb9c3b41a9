"""The JSON the browser reads for an answer's parts and annotations (``js/src/answer_parts.js``).

One function per shape, used by every sender: a StreamView's deltas and snapshot, a chat's
live reply and its turns. Every value here is model- or tool-controlled: the browser shows
it as text or through its sanitiser, never as markup.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from google.genai import types

from .answer_parts import PlacedPart, enum_name, function_error
from .json_rows import json_fields
from .stream import StreamState

__all__ = ["annotations_json", "answer_json", "part_json", "parts_json"]


def part_json(placed: PlacedPart) -> dict[str, Any]:
    """``{kind, at, ...}``: ``at`` is the characters of answer text before the part."""
    part, at = placed.part, placed.at
    if part.executable_code is not None:
        code = part.executable_code
        return {"kind": "code", "at": at, "language": enum_name(code.language), "code": code.code}
    if part.code_execution_result is not None:
        ran = part.code_execution_result
        return {
            "kind": "code_result",
            "at": at,
            "outcome": enum_name(ran.outcome),
            "output": ran.output or "",
        }
    if part.function_call is not None:
        call = part.function_call
        args = _jsonable(call.args or {})
        return {"kind": "call", "at": at, "id": call.id, "name": call.name, "args": args}
    if part.function_response is not None:
        reply = part.function_response
        return {
            "kind": "call_result",
            "at": at,
            "id": reply.id,
            "name": reply.name,
            "response": _jsonable(reply.response or {}),
            "error": function_error(reply),
        }
    if part.tool_call is not None:  # a built-in tool Gemini ran itself (search, URL context)
        server = part.tool_call
        name = enum_name(server.tool_type)
        args = _jsonable(server.args or {})
        return {"kind": "call", "at": at, "id": server.id, "name": name, "args": args}
    if part.tool_response is not None:
        done = part.tool_response
        return {
            "kind": "call_result",
            "at": at,
            "id": done.id,
            "name": enum_name(done.tool_type),
            "response": _jsonable(done.response or {}),
            "error": None,
        }
    blob = part.inline_data
    if blob is not None and (blob.mime_type or "").startswith("image/"):
        data = base64.b64encode(blob.data or b"").decode("ascii")
        return {"kind": "image", "at": at, "mime_type": blob.mime_type, "data": data}
    uri = part.file_data.file_uri if part.file_data is not None else None
    mime = (blob or part.file_data or types.Blob()).mime_type
    return {"kind": "file", "at": at, "mime_type": mime, "uri": uri}


def parts_json(placed: Iterable[PlacedPart]) -> list[dict[str, Any]]:
    return [part_json(p) for p in placed]


def answer_json(state: StreamState | None) -> dict[str, Any]:
    """An answer so far, whole: what a view that starts late (or a continued reply) begins
    from; deltas then go on from it."""
    if state is None:
        return {"text": "", "thoughts": "", "parts": [], "annotations": None}
    return {
        "text": state.text,
        "thoughts": state.thoughts,
        "parts": parts_json(state.placed_parts),
        "annotations": annotations_json(state),
        **json_fields(state.mime_type, state.text),
    }


def annotations_json(state: StreamState) -> dict[str, Any] | None:
    """Grounding (supports in character offsets of ``state.text``), fetched URLs and
    citations; None when the answer has none."""
    grounding = state.grounding
    if grounding is None and not state.url_context and not state.citations:
        return None
    found: dict[str, Any] = {
        "queries": [],
        "sources": [],
        "supports": [],
        "search_entry_point": None,
    }
    if grounding is not None:
        found.update(
            queries=list(grounding.queries),
            sources=[_source(chunk) for chunk in grounding.sources],
            supports=[
                {"start": s.start, "end": s.end, "sources": list(s.sources)}
                for s in grounding.supports
            ],
            search_entry_point=grounding.search_entry_point,
        )
    found["urls"] = [
        {"url": u.retrieved_url, "status": enum_name(u.url_retrieval_status)}
        for u in state.url_context
    ]
    found["citations"] = [
        {
            "start": c.start_index,
            "end": c.end_index,
            "uri": c.uri,
            "title": c.title,
            "license": c.license,
        }
        for c in state.citations
    ]
    return found


def _source(chunk: types.GroundingChunk) -> dict[str, Any]:
    web = chunk.web
    if web is not None:
        return {"title": web.title, "uri": web.uri, "domain": web.domain}
    context = chunk.retrieved_context
    if context is not None:
        return {"title": context.title, "uri": context.uri, "domain": None}
    return {"title": None, "uri": None, "domain": None}


def _jsonable(value: Any) -> Any:
    """A function's arguments and result as plain JSON (a result may hold any Python object,
    which the comm could not send)."""
    return json.loads(json.dumps(value, default=str))
