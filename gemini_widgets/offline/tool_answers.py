"""Which tool answers a request, and the thought signature a thinking model attaches.

Asked in the order a model acts: function results sent back are answered first; then a call,
when a declared function fits the prompt; a JSON answer (``response_mime_type``) comes next,
written as usual; then code execution; Google Search and URL context (together when both
are on); then an image (an image model, or ``responseModalities`` with ``IMAGE``). ``None``:
no tool applies, and the demo writer answers.

Built-in tools with functions reach here only on Gemini 3 with
``include_server_side_tool_invocations`` (``tools.check_tool_combination`` refuses the rest):
the built-in tools' steps then come first as ``toolCall``/``toolResponse`` parts
(``server_side.py``).
"""

from __future__ import annotations

import base64
import random
from typing import Any

from .catalogue import OfflineModel
from .chunking import Answer, Piece, split_into_pieces
from .code_execution import code_answer
from .code_runner import CodeLimits
from .demo_reading import topic_of
from .function_calls import function_calls, function_responses, results_answer
from .grounding import grounded_answer, search_results
from .png import picture_for
from .server_side import (
    search_invocation,
    searched_before,
    shows_invocations,
    unasked_sentences,
    url_invocation,
)
from .tools import RequestTools, read_tools, thought_signature, wants_image
from .url_context import url_context, urls_in
from .wire import ParsedRequest

__all__ = ["tool_answer"]


async def tool_answer(
    request: ParsedRequest,
    model: OfflineModel,
    rng: random.Random,
    *,
    thinks: bool,
    limits: CodeLimits,
) -> Answer | None:
    """The tool's answer; a thinking model's carries a signature (Gemini 3 and 2.5 sign the
    first call of a step, or the last part of a text answer)."""
    answer = await _answer(request, model, rng, thinks, limits)
    if answer is None or not thinks:
        return answer  # nothing drawn from rng: a request without tools is answered as ever
    signature = thought_signature(rng)
    calls = next((i for i, p in enumerate(answer.pieces) if isinstance(p, tuple)), None)
    if calls is not None:
        first, *others = answer.pieces[calls]  # type: ignore[misc]
        answer.pieces[calls] = ({**first, "thoughtSignature": signature}, *others)
    elif answer.pieces and isinstance(answer.pieces[-1], str):
        answer.pieces[-1] = {"text": answer.pieces[-1], "thoughtSignature": signature}
    for index, piece in enumerate(answer.pieces):  # Gemini 3 signs each server-side step
        if isinstance(piece, dict) and ("toolCall" in piece or "toolResponse" in piece):
            answer.pieces[index] = {**piece, "thoughtSignature": thought_signature(rng)}
    return answer


async def _answer(
    request: ParsedRequest,
    model: OfflineModel,
    rng: random.Random,
    thinks: bool,
    limits: CodeLimits,
) -> Answer | None:
    def thinking(text: str) -> list[str]:
        return split_into_pieces(text, rng, (6, 14)) if thinks else []

    tools = read_tools(request)
    shown = shows_invocations(tools, model)
    if function_responses(request):
        text = results_answer(request)
        searched = searched_before(request, tools.callable_functions()) if shown else ""
        answer = grounded_answer(searched, rng, text.rstrip()) if searched else None
        answer = answer or Answer(split_into_pieces(text, rng))
        answer.thoughts = thinking("The results are in; I'll use them.")
        return answer
    # Gemini 3 identifies each call; 2.x models send none (see function_calls.py).
    calls = function_calls(request, tools, rng, with_ids=model.name.startswith("gemini-3"))
    if calls:
        names = ", ".join(f"`{c['functionCall']['name']}`" for c in calls)
        answer = _searched_first(request, tools, rng) if shown else Answer([])
        answer.pieces.append(tuple(calls))
        answer.thoughts = thinking(f"This needs {names}; I'll call it with the values the "
                                   "question gives.")  # fmt: skip
        return answer
    if request.config.response_mime_type in ("application/json", "text/x.enum"):
        return None
    if tools.code_execution:
        return await code_answer(request, rng, limits, thinks)
    urls = urls_in(request.prompt_text) if tools.url_context else []
    if tools.google_search or urls:
        lead, metadata, tokens = url_context(urls) if urls else ("", {}, 0)
        if tools.google_search:
            answer = grounded_answer(request.prompt_text, rng, lead)
        else:
            answer = Answer(split_into_pieces(lead + "\n", rng))
        answer.metadata.update(metadata)
        answer.tool_prompt_tokens += tokens
        answer.thoughts = thinking("I'll look at the sources and summarise what they say.")
        if shown:
            answer.pieces[:0] = _invocations(answer.metadata, rng)
        return answer
    if wants_image(request, model):
        return _image_answer(request, rng)
    return None


def _searched_first(request: ParsedRequest, tools: RequestTools, rng: random.Random) -> Answer:
    """The built-in tools' steps for the sentences no declaration fits (Gemini 3 runs them,
    then calls the functions): ``toolCall``/``toolResponse`` parts and their metadata."""
    rest = unasked_sentences(request.prompt_text, tools.callable_functions())
    answer = Answer([])
    urls = urls_in(rest) if tools.url_context else []
    if urls:
        _, metadata, tokens = url_context(urls)
        answer.metadata.update(metadata)
        answer.tool_prompt_tokens += tokens
    if rest and tools.google_search:
        metadata, tokens = search_results(rest, rng)
        answer.metadata.update(metadata)
        answer.tool_prompt_tokens += tokens
    answer.pieces += _invocations(answer.metadata, rng)
    return answer


def _invocations(metadata: dict[str, Any], rng: random.Random) -> list[Piece]:
    """The URL fetch, then the search, behind an answer's metadata."""
    pieces: list[Piece] = []
    if "urlContextMetadata" in metadata:
        pieces += url_invocation(metadata, rng)
    if "groundingMetadata" in metadata:
        pieces += search_invocation(metadata, rng)
    return pieces


def _image_answer(request: ParsedRequest, rng: random.Random) -> Answer:
    """A PNG drawn from the prompt, after a short text unless only ``IMAGE`` was asked for."""
    prompt = request.prompt_text
    png = base64.b64encode(picture_for(prompt)).decode("ascii")
    pieces: list[Piece] = []
    modalities = [
        str(getattr(m, "value", m)).upper() for m in request.config.response_modalities or []
    ]
    if modalities != ["IMAGE"]:
        topic = topic_of(prompt) or "your prompt"
        text = (f"Here is a picture for “{topic}”: a simple scene drawn by the offline demo "
                "server (no image model was called).\n\n")  # fmt: skip
        pieces += split_into_pieces(text, rng)
    pieces.append({"inlineData": {"mimeType": "image/png", "data": png}})
    return Answer(pieces)
