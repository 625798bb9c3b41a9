"""The parts that show what Gemini's own tools did: ``toolCall`` and ``toolResponse``.

With ``toolConfig.includeServerSideToolInvocations`` a Gemini 3 model shows each step its
built-in tools took, before the text (https://ai.google.dev/gemini-api/docs/tool-combination):
a ``toolCall`` with a ``toolType`` (``types.ToolType``: ``GOOGLE_SEARCH_WEB`` with
``args.queries``, ``URL_CONTEXT`` with ``args.urls``), then the ``toolResponse`` with the same
``id`` (``search_suggestions``; ``urls_metadata``). Code execution has no tool type: its
``executableCode`` and ``codeExecutionResult`` parts already show it.

A prompt that asks for a declared function and for something else ("What is the northernmost
city in the United States? What's the weather like there today?") gets the search for the
sentences no declaration fits, then the function call; the answer to the function's result is
then grounded on that search.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

from google.genai import types

from .catalogue import OfflineModel
from .function_calls import fits_a_declaration, turn_start
from .tools import RequestTools
from .wire import ParsedRequest, parts_text

__all__ = [
    "invocation",
    "search_invocation",
    "searched_before",
    "shows_invocations",
    "unasked_sentences",
    "url_invocation",
]

_SENTENCE_END = re.compile(r"(?<=[.?!;。？！])\s*|\n+")
_SEARCH = types.ToolType.GOOGLE_SEARCH_WEB.value
_URLS = types.ToolType.URL_CONTEXT.value


def shows_invocations(tools: RequestTools, model: OfflineModel) -> bool:
    """Gemini 3 with ``include_server_side_tool_invocations``; 2.x models never show them."""
    return tools.server_side_invocations and model.name.startswith("gemini-3")


def invocation(
    tool_type: str, args: dict[str, Any], response: dict[str, Any], rng: random.Random
) -> list[dict[str, Any]]:
    """A ``toolCall`` and its ``toolResponse``, one id between them."""
    call_id = "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))
    return [
        {"toolCall": {"id": call_id, "toolType": tool_type, "args": args}},
        {"toolResponse": {"id": call_id, "toolType": tool_type, "response": response}},
    ]


def search_invocation(metadata: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The search behind a ``groundingMetadata``: its queries, and the suggestions chip."""
    grounding = metadata["groundingMetadata"]
    return invocation(
        _SEARCH,
        {"queries": grounding["webSearchQueries"]},
        {"search_suggestions": grounding["searchEntryPoint"]["renderedContent"]},
        rng,
    )


def url_invocation(metadata: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The fetch behind a ``urlContextMetadata``: its URLs, and how each went."""
    listed = metadata["urlContextMetadata"]["urlMetadata"]
    return invocation(
        _URLS,
        {"urls": [m["retrievedUrl"] for m in listed]},
        {"urls_metadata": [
            {"retrieved_url": m["retrievedUrl"], "url_retrieval_status": m["urlRetrievalStatus"]}
            for m in listed
        ]},
        rng,
    )  # fmt: skip


def unasked_sentences(prompt: str, functions: list[types.FunctionDeclaration]) -> str:
    """The prompt's sentences that ask for no declared function: what the built-in tools
    answer. A sentence asks for a function that it names ("weather"); when none does, the
    sentences that share words with a declaration do."""
    sentences = [s.strip() for s in _SENTENCE_END.split(prompt) if s and s.strip()]
    asking = [s for s in sentences if fits_a_declaration(s, functions, by_name=True)]
    asking = asking or [s for s in sentences if fits_a_declaration(s, functions)]
    return " ".join(s for s in sentences if s not in asking and re.search(r"\w{3}", s))


def searched_before(request: ParsedRequest, functions: list[types.FunctionDeclaration]) -> str:
    """What this turn searched before calling the functions whose results come back now
    (the question's sentences no declaration fits), or '' when it did not search."""
    contents = request.contents
    start = turn_start(contents)
    searched = any(
        p.tool_call and p.tool_call.tool_type == types.ToolType.GOOGLE_SEARCH_WEB
        for c in contents[start:]
        if c.role == "model"
        for p in c.parts or []
    )
    if not searched or start == 0:
        return ""
    return unasked_sentences(parts_text(contents[start - 1].parts or []), functions)
