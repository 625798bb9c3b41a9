"""Function calling, as Gemini answers it.

A prompt is answered with ``functionCall`` parts: the declaration whose name, description and
parameters share the most words with the prompt (several when the prompt names several
places, or each of several functions by name: parallel calls), honouring
``functionCallingConfig`` (``NONE`` never calls, ``ANY`` always does, ``allowedFunctionNames``).
Arguments are valid for the declared schema and take the values the prompt names
(``call_arguments.py``).

A follow-up in a chat ("And in Oslo?" after "What's the weather in Paris?") names no
function: as Gemini reads it from the conversation, the earlier user turns (the latest first)
choose the function, and the last turn gives the values it names, the earlier one the rest.

Once the caller sends ``functionResponse`` parts, the answer is text that uses what each
function returned, or says that the call failed for an ``{"error": ...}`` response (what the
SDK's automatic function calling sends when the function raises).

Gemini 3 sends a unique ``id`` with every call and reads it back on the response
(https://ai.google.dev/gemini-api/docs/function-calling); 2.x models send none. A thinking
model signs the first call of each step (``thoughtSignature``), and Gemini 3 answers 400 when
that signature does not come back in the history
(https://ai.google.dev/gemini-api/docs/thought-signatures): so does ``check_signatures``.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

from google.genai import types

from .call_arguments import (
    call_arguments,
    name_words,
    names_a_value,
    place_parameters,
    places,
    schema_of,
    stems,
)
from .demo_reading import READ_AT_MOST
from .schema_answer import get
from .tools import RequestTools
from .wire import ApiError, ParsedRequest, parts_text

__all__ = [
    "check_signatures",
    "fits_a_declaration",
    "function_calls",
    "function_responses",
    "results_answer",
    "turn_start",
]

_MAX_CALLS = 4


def function_calls(
    request: ParsedRequest, tools: RequestTools, rng: random.Random, *, with_ids: bool
) -> list[dict[str, Any]]:
    """The ``functionCall`` parts that answer the prompt, or ``[]`` to answer in text."""
    functions = tools.callable_functions()
    prompt = request.prompt_text
    if not functions or not prompt.strip():
        return []
    # With Gemini's own tools at hand, a place alone is searched rather than a function's.
    by_place = not tools.built_in
    chosen, asked = _choose(functions, prompt, tools.mode, by_place=by_place), prompt
    if not fits_a_declaration(prompt, functions):  # a follow-up: "And in Oslo?"
        for earlier in _earlier_questions(request):
            if fits_a_declaration(earlier, functions):
                picked = _choose(functions, earlier, "AUTO", by_place=by_place)
                if any(names_a_value(prompt, f) for f in picked):
                    chosen, asked = picked, earlier
                break
    calls: list[dict[str, Any]] = []
    for index, function in enumerate(chosen):
        found = places(prompt, function) or (places(asked, function) if asked != prompt else [])
        # One function, several places: a call for each. Several functions: a place each.
        # A function that takes two places (from, to) takes them in one call.
        mine = found if len(chosen) == 1 else found[index : index + 1]
        fans_out = len(place_parameters(function)) == 1 and bool(mine)
        for place in mine[:_MAX_CALLS] if fans_out else [None]:
            args = call_arguments(
                function,
                prompt,
                place,
                rng,
                earlier=asked if asked != prompt else None,
                reserved=found if fans_out else [],  # the other calls' places
            )
            call: dict[str, Any] = {"name": function.name, "args": args}
            if with_ids:
                call["id"] = "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))
            calls.append({"functionCall": call})
    return calls[:_MAX_CALLS]


def fits_a_declaration(
    text: str, functions: list[types.FunctionDeclaration], *, by_name: bool = False
) -> bool:
    """Whether ``text`` shares a word with a declaration's name, description or parameters
    (a place alone does not make "And in Oslo?" a question about the weather); ``by_name``:
    with a declaration's name ("weather" for ``get_weather``)."""
    words = stems(text)
    if by_name:
        return any(name_words(f) & words for f in functions)
    return any(_word_score(f, words) for f in functions)


def function_responses(request: ParsedRequest) -> list[types.FunctionResponse]:
    """The ``functionResponse`` parts of the last user turn: what the caller's functions said."""
    last = request.contents[-1]
    if last.role == "model":
        return []
    return [p.function_response for p in last.parts or [] if p.function_response]


def results_answer(request: ParsedRequest) -> str:
    """Markdown that uses each function's result, or says its call failed."""
    calls = [
        p.function_call
        for c in request.contents[turn_start(request.contents) :]
        if c.role == "model"
        for p in c.parts or []
        if p.function_call
    ]
    lines = []
    for response in function_responses(request):
        call = _matching_call(response, calls)
        about = _describe_args(call.args) if call and call.args else ""
        name = f"`{response.name}`" + (f" for {about}" if about else "")
        result = response.response or {}
        if "error" in result:
            error = _describe(result["error"])
            lines.append(f"The call to {name} failed ({error}), so I can't answer that part.")
        else:
            value = result.get("result", result.get("output", result))
            lines.append(f"{name} returned {_describe(value)}.")
    return "\n\n".join(lines) + "\n"


def check_signatures(request: ParsedRequest, model_name: str) -> None:
    """Gemini 3's 400 for a call of the current turn sent back without its thought signature.

    The current turn is everything after the last user turn that is not function results;
    each step (a run of model turns: the SDK keeps one per streamed chunk) must carry the
    signature on its first call. A history from another model may use Google's documented
    placeholder signature, which any non-empty value stands for here.
    """
    if not model_name.startswith("gemini-3"):
        return
    contents = request.contents
    signed_step = False
    for index in range(turn_start(contents), len(contents)):
        content = contents[index]
        if content.role != "model":
            signed_step = False
            continue
        calls = [p for p in content.parts or [] if p.function_call]
        if calls and not signed_step:
            signed_step = True
            if not calls[0].thought_signature:
                name = calls[0].function_call.name  # type: ignore[union-attr]
                raise ApiError(
                    400,
                    f"Function call `{name}` in the `{index}.` content block is missing a "
                    "`thought_signature`. Learn more: "
                    "https://ai.google.dev/gemini-api/docs/thought-signatures",
                )


# -- choosing ---------------------------------------------------------------------------------


def _choose(
    functions: list[types.FunctionDeclaration], prompt: str, mode: str, *, by_place: bool
) -> list[types.FunctionDeclaration]:
    """The declarations that answer ``prompt``, in the order it mentions them; ``by_place``:
    a place the prompt names counts for a function that takes one."""
    words = stems(prompt)
    ranked = sorted(functions, key=lambda f: -_score(f, words, prompt, by_place))
    if _score(ranked[0], words, prompt, by_place) == 0 and mode != "ANY":
        return []
    # Functions the prompt names (a word of the name), each for its own words: parallel.
    named = [f for f in ranked if name_words(f) & words]
    chosen: list[types.FunctionDeclaration] = []
    claimed: set[str] = set()
    for function in named or ranked[:1]:
        if chosen and not name_words(function) & (words - claimed):
            continue
        chosen.append(function)
        claimed |= name_words(function) & words
    chosen.sort(key=lambda f: _first_mention(f, prompt))
    return chosen


def _word_score(function: types.FunctionDeclaration, words: set[str]) -> int:
    """Three for each word of the name the prompt uses, one for each of the description's
    and the parameters' names."""
    params = " ".join((get(schema_of(function) or {}, "properties") or {}).keys())
    described = stems(f"{function.description or ''} {params}") - name_words(function)
    return 3 * len(name_words(function) & words) + len(described & words)


def _score(
    function: types.FunctionDeclaration, words: set[str], prompt: str, by_place: bool
) -> int:
    """The words shared, and one for a place when the function takes one."""
    place = by_place and bool(place_parameters(function)) and bool(places(prompt, function))
    return _word_score(function, words) + place


def _first_mention(function: types.FunctionDeclaration, prompt: str) -> int:
    low = prompt.lower()
    found = [low.find(w) for w in name_words(function) if w in low]
    return min(found, default=len(prompt))


def _earlier_questions(request: ParsedRequest) -> list[str]:
    """The text of the user turns before the last one, the latest first."""
    asked = [
        parts_text(c.parts or [])[:READ_AT_MOST]
        for c in request.contents
        if c.role != "model" and not _only_results(c)
    ]
    return [text for text in reversed(asked[:-1]) if text.strip()]


# -- results ----------------------------------------------------------------------------------


def turn_start(contents: list[types.Content]) -> int:
    """Where the current turn starts: after the last user turn that is not function results."""
    asked = (i for i, c in enumerate(contents) if c.role != "model" and not _only_results(c))
    return max(asked, default=-1) + 1


def _only_results(content: types.Content) -> bool:
    return all(p.function_response for p in content.parts or [])


def _matching_call(
    response: types.FunctionResponse, calls: list[types.FunctionCall]
) -> types.FunctionCall | None:
    """The call a response answers, taken from ``calls``: by id (Gemini 3), else the first
    call of that name not answered yet (the SDK answers parallel calls in order, no ids)."""
    if response.id:
        found = next((c for c in calls if c.id == response.id), None)
    else:
        found = next((c for c in calls if c.name == response.name), None)
    if found is not None:
        calls.remove(found)
    return found


def _describe_args(args: dict[str, Any]) -> str:
    shown = [str(v) for v in args.values() if isinstance(v, (str, int, float))]
    return ", ".join(shown[:3])


def _describe(value: Any) -> str:
    """A result in words: ``{"temperature_c": 21, "condition": "sunny"}`` reads
    "temperature c 21 and condition sunny"."""
    if isinstance(value, dict):
        items = [f"{str(k).replace('_', ' ')} {_describe(v)}" for k, v in value.items()]
        return (
            " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 2 else items)
            or "nothing"
        )
    if isinstance(value, list):
        return ", ".join(_describe(v) for v in value[:10]) or "an empty list"
    if isinstance(value, str):
        return value
    return json.dumps(value)
