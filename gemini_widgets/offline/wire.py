"""The Gemini REST wire format, read and written with the SDK's own types.

Request bodies are validated by ``google.genai.types`` (which accept both camelCase and
snake_case, as the SDK itself sends a mix), so a body the real API would reject for an
unknown field is rejected here too. Responses are ``types.GenerateContentResponse`` objects
dumped by alias, i.e. exactly the JSON the SDK parses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pydantic
import tornado.web
from google.genai import types

__all__ = ["ApiError", "ParsedRequest", "count_tokens", "error_body", "parse_generate_request"]

# Google's canonical status names for the HTTP codes the server sends.
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_FIELDS = "contents systemInstruction generationConfig safetySettings tools toolConfig"
_FIELDS += " cachedContent labels model"
# Each in camelCase and in snake_case, as the SDK may send either.
_TOP_LEVEL_KEYS = {k for f in _FIELDS.split() for k in (f, re.sub("([A-Z])", r"_\1", f).lower())}


class ApiError(tornado.web.HTTPError):
    """An error the server answers with, in Google's JSON error shape: raised in a handler,
    tornado sends it (``write_error``) with its status, and logs nothing."""

    def __init__(
        self, code: int, message: str, *, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.details = details or []

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(
    code: int, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "status": STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return {"error": error}


@dataclass
class ParsedRequest:
    """A generate/countTokens request body, as SDK types."""

    model: str
    contents: list[types.Content]
    system_instruction: types.Content | None = None
    config: types.GenerationConfig = field(default_factory=types.GenerationConfig)
    tools: list[types.Tool] = field(default_factory=list)
    tool_config: types.ToolConfig | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt_text(self) -> str:
        """The text of the last user turn: what a responder answers."""
        for content in reversed(self.contents):
            if content.role in (None, "user"):
                return parts_text(content.parts or [])
        return ""

    @property
    def system_text(self) -> str:
        if self.system_instruction is None:
            return ""
        return parts_text(self.system_instruction.parts or [])

    def prompt_token_count(self) -> int:
        """Gemini's published rates: 258 tokens an image or file, text by its tokenizer."""
        total = count_tokens(self.system_text)
        for part in (p for c in self.contents for p in c.parts or []):
            if part.text is not None:
                total += count_tokens(part.text)
            else:
                total += 258 if part.inline_data or part.file_data else 8
        return total


def parts_text(parts: list[types.Part]) -> str:
    return "".join(p.text for p in parts if p.text is not None and not p.thought)


_TOKEN_PATTERN = re.compile(r"\w{1,4}|[^\w\s]")


def count_tokens(text: str) -> int:
    """An approximation of Gemini's tokenizer: about four characters a token, punctuation apart.

    Deterministic and cheap; close to the real ratio for English prose and code.
    """
    return len(_TOKEN_PATTERN.findall(text))


def parse_generate_request(model: str, body: Any) -> ParsedRequest:
    """Validate a generateContent/streamGenerateContent/countTokens body."""
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    unknown = sorted(set(body) - _TOP_LEVEL_KEYS - {"generateContentRequest"})
    if unknown:
        raise ApiError(
            400,
            f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.',
        )
    if "generateContentRequest" in body:  # countTokens may wrap a full request
        return parse_generate_request(model, body["generateContentRequest"])
    try:
        contents = body.get("contents") or []
        contents = contents if isinstance(contents, list) else [contents]
        contents = [types.Content.model_validate(c) for c in contents]
        system = _first(body, "systemInstruction", "system_instruction")
        config = _first(body, "generationConfig", "generation_config")
        tools = _first(body, "tools") or []
        tools = tools if isinstance(tools, list) else [tools]
        tool_config = _first(body, "toolConfig", "tool_config")
        parsed = ParsedRequest(
            model=model,
            contents=contents,
            system_instruction=types.Content.model_validate(system) if system else None,
            config=types.GenerationConfig.model_validate(config or {}),
            tools=[types.Tool.model_validate(t) for t in tools],
            tool_config=types.ToolConfig.model_validate(tool_config) if tool_config else None,
            raw=body,
        )
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ApiError(
            400, f"Invalid JSON payload received. {first['msg']} at '{where}'."
        ) from None
    if not parsed.contents:
        raise ApiError(400, "* GenerateContentRequest.contents: contents is not specified")
    if not all(content.parts for content in parsed.contents):
        raise ApiError(400, "* GenerateContentRequest.contents: contents.parts must not be empty.")
    return parsed


def check_input_tokens(request: ParsedRequest, limit: int) -> None:
    """Gemini's 400 for a prompt over the model's input token limit.

    Checked before an answer is written: the demo reads the whole prompt (about 5 s a MB,
    measured), on the server's one thread, so a 20 MB prompt would stall every other stream
    for minutes. Counting it takes 2-4 s; refusing it is what Gemini does too.
    """
    tokens = request.prompt_token_count()
    if tokens > limit:
        raise ApiError(
            400,
            f"The input token count ({tokens}) exceeds the maximum number of tokens "
            f"allowed ({limit}).",
        )


def loads_body(data: bytes) -> Any:
    """The JSON body; anything that is not strict JSON (NaN too) is Gemini's 400."""
    try:
        return json.loads(data or b"{}", parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "Invalid JSON payload received. Nesting too deep.") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN/Infinity
        raise ApiError(400, f"Invalid JSON payload received. {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Unexpected token {name}: not a JSON value.")


def _first(body: dict[str, Any], *names: str) -> Any:
    for name in names:
        if body.get(name) is not None:
            return body[name]
    return None
