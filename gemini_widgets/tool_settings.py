"""What ``tools=[...]`` and ``max_tool_calls=`` set in the SDK's config (two ``SETTINGS``).

Gemini's own tools are named (``"google_search"``); a Python function is left as it is, for
the SDK to declare from its signature and docstring and to call for the model (automatic
function calling), as often as ``max_tool_calls`` allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.genai import types

__all__ = ["BUILT_IN_TOOLS", "tool_calls_fields", "tools_check", "tools_fields"]


BUILT_IN_TOOLS: dict[str, Callable[[], types.Tool]] = {
    "google_search": lambda: types.Tool(google_search=types.GoogleSearch()),
    "code_execution": lambda: types.Tool(code_execution=types.ToolCodeExecution()),
    "url_context": lambda: types.Tool(url_context=types.UrlContext()),
}
"""Gemini's own tools, by the names ``tools=[...]`` and ``--tools`` take."""


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def tools_check(value: Any) -> str | None:
    for tool in _as_list(value):
        known = tool in BUILT_IN_TOOLS if isinstance(tool, str) else True
        if not known or not (isinstance(tool, str | types.Tool) or callable(tool)):
            return f"Python functions, types.Tool or {', '.join(BUILT_IN_TOOLS)}"
    return None


def tools_fields(value: Any) -> dict[str, Any]:
    """Built-in names become ``types.Tool``s; functions stay functions, which the SDK
    declares from their signatures and docstrings, and calls itself."""
    tools = [BUILT_IN_TOOLS[t]() if isinstance(t, str) else t for t in _as_list(value)]
    return {"tools": tools}


def tool_calls_fields(limit: int) -> dict[str, Any]:
    # The SDK counts requests, and does not run the calls of the last one it may send.
    if limit == 0:
        return {"automatic_function_calling.disable": True}
    return {"automatic_function_calling.maximum_remote_calls": limit + 1}
