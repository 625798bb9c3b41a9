"""``.parsed`` for JSON answers: what the SDK does for ``generate_content``, for streams too.

The SDK fills ``response.parsed`` only for non-streamed responses; a streamed JSON answer
is text until the last chunk, so it is parsed here, once, at the end.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import pydantic
import pydantic_core
from google.genai import types

__all__ = ["AnswerParseError", "attach_parsed", "parse_answer", "parsed_frame"]


class AnswerParseError(ValueError):
    """The answer is not valid JSON for the schema; one sentence says where."""


def parse_answer(text: str, schema: Any = None, *, mime_type: str = "application/json") -> Any:
    """Parse a JSON (or ``text/x.enum``) answer, validated against ``schema`` when it is a
    Python type (a pydantic model, a dataclass, a TypedDict, ``list`` of one, an Enum...);
    a JSON Schema dict and ``types.Schema`` give the plain JSON value."""
    if mime_type == "text/x.enum" and isinstance(schema, type) and issubclass(schema, enum.Enum):
        try:
            return schema(text.strip().strip('"'))
        except ValueError:
            raise AnswerParseError(f"{text.strip()!r} is not a {schema.__name__}.") from None
    try:
        value = json.loads(_without_fence(text))
    except json.JSONDecodeError as exc:
        raise AnswerParseError(f"The answer is not valid JSON: {exc}.") from None
    if schema is None or isinstance(schema, dict | types.Schema):
        return value
    try:
        return pydantic.TypeAdapter(schema).validate_python(value)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "the answer"
        raise AnswerParseError(
            f"The JSON does not fit the schema at {where}: {error['msg']}."
        ) from None


def _without_fence(text: str) -> str:
    """Models sometimes wrap JSON in a ```json fence even when asked for JSON."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    return stripped


def attach_parsed(state: Any, config: types.GenerateContentConfig) -> str | None:
    """Set ``state.parsed`` when ``config`` asked for JSON or an enum and the answer ended
    normally; return why it could not be parsed, or None."""
    mime = config.response_mime_type
    if mime not in ("application/json", "text/x.enum") or not state.ok:
        return None
    schema = (
        config.response_schema
        if config.response_schema is not None
        else (config.response_json_schema)
    )
    try:
        state.parsed = parse_answer(state.text, schema, mime_type=mime)
    except AnswerParseError as exc:
        return str(exc)
    return None


def parsed_frame(parsed: Any, parse_error: str | None = None, key: str | None = None) -> Any:
    """A pandas DataFrame of a parsed JSON answer: a row per item of a list (models,
    dataclasses and dicts alike), or of the list under ``key`` when the answer's rows come
    from one (``json_rows.rows_key``: ``{"recipes": [...]}``), one row for any other
    object; nested values stay objects."""
    try:
        import pandas
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install pandas.") from None
    if parsed is None:
        if parse_error:
            raise ValueError(f"Nothing to put in a DataFrame: {parse_error}")
        raise ValueError("Nothing to put in a DataFrame: ask for JSON with schema= or json=True.")
    rows = pydantic_core.to_jsonable_python(parsed)
    if key is not None and isinstance(rows, dict):
        rows = _wrapped(parsed, rows, key)
    if not isinstance(rows, list):
        rows = [rows]
    if not all(isinstance(row, dict) for row in rows):
        return pandas.DataFrame({"value": rows})
    return pandas.DataFrame(rows)


def _wrapped(parsed: Any, value: dict[str, Any], key: str) -> Any:
    """The list under ``key`` (the JSON's key: a model's alias, when it has one)."""
    if isinstance(value.get(key), list):
        return value[key]
    by_alias = pydantic_core.to_jsonable_python(parsed, by_alias=True)
    if isinstance(by_alias, dict) and isinstance(by_alias.get(key), list):
        return by_alias[key]
    return value
