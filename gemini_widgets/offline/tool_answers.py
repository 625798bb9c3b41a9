"""Which tool answers a request, and the thought signature a thinking model attaches.

Asked in the order a model acts: function results sent back are answered first; then a call,
when a declared function fits the prompt; a JSON answer (``response_mime_type``) comes next,
written as usual; then code execution; Google Search and URL context (together when both
are on); then an image (an image model, or ``responseModalities`` with ``IMAGE``). ``None``:
no tool applies, and the demo writer answers.
"""

from __future__ import annotations

import base64
import random

from .catalogue import OfflineModel
from .chunking import Answer, Piece, split_into_pieces
from .code_execution import code_answer
from .code_runner import CodeLimits
from .demo_reading import topic_of
from .function_calls import function_calls, function_responses, results_answer
from .grounding import grounded_answer
from .png import picture_for
from .tools import read_tools, thought_signature, wants_image
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
    if function_responses(request):
        text = results_answer(request)
        return Answer(split_into_pieces(text, rng), thinking("The results are in; I'll use them."))
    # Gemini 3 identifies each call; 2.x models send none (see function_calls.py).
    calls = function_calls(request, tools, rng, with_ids=model.name.startswith("gemini-3"))
    if calls:
        names = ", ".join(f"`{c['functionCall']['name']}`" for c in calls)
        return Answer([tuple(calls)], thinking(f"This needs {names}; I'll call it with the "
                                               "values the question gives."))  # fmt: skip
    if request.config.response_mime_type in ("application/json", "text/x.enum"):
        return None
    if tools.code_execution:
        return await code_answer(request, rng, limits, thinks)
    urls = urls_in(request.prompt_text) if tools.url_context else []
    if tools.google_search or urls:
        lead, metadata, tokens = url_context(urls) if urls else ("", {}, 0)
        if tools.google_search:
            answer = grounded_answer(request, rng, lead)
        else:
            answer = Answer(split_into_pieces(lead + "\n", rng))
        answer.metadata.update(metadata)
        answer.tool_prompt_tokens += tokens
        answer.thoughts = thinking("I'll look at the sources and summarise what they say.")
        return answer
    if wants_image(request, model):
        return _image_answer(request, rng)
    return None


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
