"""What a request's ``tools``, ``toolConfig`` and history ask of the tool answers.

Read from the SDK's own types (``types.Tool``, ``types.ToolConfig``, parsed in ``wire.py``),
so both spellings the SDK sends are understood: it passes a function's declaration through
untouched (``parameters_json_schema``, snake_case, for a Python function in ``tools=``).
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

from google.genai import types

from .catalogue import OfflineModel
from .wire import ParsedRequest

__all__ = ["RequestTools", "read_tools", "thought_signature", "wants_image"]


@dataclass(frozen=True)
class RequestTools:
    google_search: bool = False
    code_execution: bool = False
    url_context: bool = False
    functions: tuple[types.FunctionDeclaration, ...] = ()
    mode: str = "AUTO"  # functionCallingConfig.mode: AUTO, ANY, NONE or VALIDATED
    allowed: frozenset[str] | None = None  # allowedFunctionNames

    def callable_functions(self) -> list[types.FunctionDeclaration]:
        """The declarations the model may call now: none in mode NONE, as Gemini reads it."""
        if self.mode == "NONE":
            return []
        return [f for f in self.functions if self.allowed is None or f.name in self.allowed]


def read_tools(request: ParsedRequest) -> RequestTools:
    tools = request.tools
    calling = request.tool_config.function_calling_config if request.tool_config else None
    mode = calling.mode if calling and calling.mode else None
    allowed = calling.allowed_function_names if calling else None
    return RequestTools(
        google_search=any(t.google_search or t.google_search_retrieval for t in tools),
        code_execution=any(t.code_execution is not None for t in tools),
        url_context=any(t.url_context is not None for t in tools),
        functions=tuple(f for t in tools for f in t.function_declarations or [] if f.name),
        mode=str(getattr(mode, "value", mode or "AUTO")).upper(),
        allowed=frozenset(allowed) if allowed else None,
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
