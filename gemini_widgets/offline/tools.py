"""What a request's ``tools``, ``toolConfig`` and history ask of the tool answers.

Read from the SDK's own types (``types.Tool``, ``types.ToolConfig``, parsed in ``wire.py``),
so both spellings the SDK sends are understood: it passes a function's declaration through
untouched (``parameters_json_schema``, snake_case, for a Python function in ``tools=``).

Gemini's built-in tools and function declarations in one request: Gemini 2.x refuses them
(400, reported in google/adk-python#134, googleapis/go-genai#323); Gemini 3 takes them when
``toolConfig.includeServerSideToolInvocations`` is true, and then shows what its own tools
did as ``toolCall``/``toolResponse`` parts
(https://ai.google.dev/gemini-api/docs/tool-combination). ``check_tool_combination`` is that
400, raised before anything is written.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

from google.genai import types

from .catalogue import OfflineModel
from .wire import ApiError, ParsedRequest

__all__ = [
    "RequestTools",
    "check_tool_combination",
    "read_tools",
    "thought_signature",
    "wants_image",
]


@dataclass(frozen=True)
class RequestTools:
    google_search: bool = False
    code_execution: bool = False
    url_context: bool = False
    functions: tuple[types.FunctionDeclaration, ...] = ()
    mode: str = "AUTO"  # functionCallingConfig.mode: AUTO, ANY, NONE or VALIDATED
    allowed: frozenset[str] | None = None  # allowedFunctionNames
    server_side_invocations: bool = False  # toolConfig.includeServerSideToolInvocations

    @property
    def built_in(self) -> bool:
        """Google Search, code execution or URL context: tools Gemini runs itself."""
        return self.google_search or self.code_execution or self.url_context

    def callable_functions(self) -> list[types.FunctionDeclaration]:
        """The declarations the model may call now: none in mode NONE, as Gemini reads it."""
        if self.mode == "NONE":
            return []
        return [f for f in self.functions if self.allowed is None or f.name in self.allowed]


def read_tools(request: ParsedRequest) -> RequestTools:
    tools = request.tools
    config = request.tool_config
    calling = config.function_calling_config if config else None
    mode = calling.mode if calling and calling.mode else None
    allowed = calling.allowed_function_names if calling else None
    return RequestTools(
        google_search=any(t.google_search or t.google_search_retrieval for t in tools),
        code_execution=any(t.code_execution is not None for t in tools),
        url_context=any(t.url_context is not None for t in tools),
        functions=tuple(f for t in tools for f in t.function_declarations or [] if f.name),
        mode=str(getattr(mode, "value", mode or "AUTO")).upper(),
        allowed=frozenset(allowed) if allowed else None,
        server_side_invocations=bool(config and config.include_server_side_tool_invocations),
    )


def check_tool_combination(request: ParsedRequest, model_name: str) -> None:
    """Gemini's 400 for built-in tools with function declarations: 2.x models never take
    them, Gemini 3 only with ``include_server_side_tool_invocations``."""
    tools = read_tools(request)
    if not (tools.built_in and tools.functions):
        return
    if not model_name.startswith("gemini-3"):
        raise ApiError(400, "Tool use with function calling is unsupported by the model.")
    if not tools.server_side_invocations:
        raise ApiError(
            400,
            "Please enable tool_config.include_server_side_tool_invocations to use Built-in "
            "tools with Function calling.",
        )


def wants_image(request: ParsedRequest, model: OfflineModel) -> bool:
    """An image model, or ``responseModalities`` that ask for ``IMAGE``."""
    modalities = request.config.response_modalities or []
    asked = any(str(getattr(m, "value", m)).upper() == "IMAGE" for m in modalities)
    return asked or model.makes_images


def thought_signature(rng: random.Random) -> str:
    """An opaque signature, as a thinking model attaches to a call (base64, as on the wire).

    Gemini's are encrypted thoughts; this one is random bytes (from the request's rng, so a
    seeded request gets the same one) that nothing reads back.
    """
    return base64.b64encode(rng.randbytes(48)).decode("ascii")
