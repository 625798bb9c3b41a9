"""Function calling, as Gemini answers it.

A prompt is answered with ``functionCall`` parts: the declaration whose name, description and
parameters share the most words with the prompt (several when the prompt names several
places, or each of several functions by name: parallel calls), honouring
``functionCallingConfig`` (``NONE`` never calls, ``ANY`` always does, ``allowedFunctionNames``).
Arguments are valid for the declared schema (``schema_answer.py`` writes them) and taken
from the prompt where it says them: a place for a ``city``/``location`` string, its numbers
for number parameters in order, an ``enum`` value it names.

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
import re
import string
from typing import Any

from google.genai import types

from .code_execution import numbers_in
from .demo_reading import SKIPPED
from .schema_answer import answer_for_schema, get
from .tools import RequestTools
from .wire import ApiError, ParsedRequest

__all__ = ["check_signatures", "function_calls", "function_responses", "results_answer"]

_WORD = re.compile(r"[a-z0-9]+")
_PLACE_PARAM = re.compile(r"city|location|place|town|country|destination|region|where", re.I)
_CODE_PARAM = re.compile(r"symbol|ticker|code", re.I)
_CODE = re.compile(r"\b[A-Z]{2,6}\b")  # GOOG, USD, LAX
# A run of capitalised words that is not the first word of a sentence: "Paris", "New York".
_PLACE = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)")
_MAX_CALLS = 4


def function_calls(
    request: ParsedRequest, tools: RequestTools, rng: random.Random, *, with_ids: bool
) -> list[dict[str, Any]]:
    """The ``functionCall`` parts that answer the prompt, or ``[]`` to answer in text."""
    functions = tools.callable_functions()
    prompt = request.prompt_text
    if not functions or not prompt.strip():
        return []
    words = _stems(prompt)
    ranked = sorted(functions, key=lambda f: -_score(f, words, prompt))
    if _score(ranked[0], words, prompt) == 0 and tools.mode != "ANY":
        return []
    # Functions the prompt names (a word of the name), each for its own words: parallel.
    named = [f for f in ranked if _name_words(f) & words]
    chosen, claimed = [], set()
    for function in named or ranked[:1]:
        if chosen and not _name_words(function) & (words - claimed):
            continue
        chosen.append(function)
        claimed |= _name_words(function) & words
    chosen.sort(key=lambda f: _first_mention(f, prompt))
    calls: list[dict[str, Any]] = []
    for index, function in enumerate(chosen):
        places = _places(prompt, function)
        # One function, several places: a call for each. Several functions: a place each.
        mine = places if len(chosen) == 1 else places[index : index + 1]
        for place in mine[:_MAX_CALLS] if _takes_place(function) and mine else [None]:
            call: dict[str, Any] = {
                "name": function.name,
                "args": _args(function, prompt, place, rng),
            }
            if with_ids:
                call["id"] = "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))
            calls.append({"functionCall": call})
    return calls[:_MAX_CALLS]


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
        for c in request.contents[_turn_start(request.contents) :]
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
    for index in range(_turn_start(contents), len(contents)):
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


def _stems(text: str) -> set[str]:
    words = (w.removesuffix("s") for w in _WORD.findall(text.lower()))
    return {w for w in words if len(w) > 2 and w not in SKIPPED}


def _name_words(function: types.FunctionDeclaration) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", function.name or "").replace("_", " ")
    return _stems(spaced)


def _score(function: types.FunctionDeclaration, words: set[str], prompt: str) -> int:
    """Three for each word of the name the prompt uses, one for each of the description's
    and the parameters' names, one for a place when the function takes one."""
    params = " ".join((get(_schema(function) or {}, "properties") or {}).keys())
    described = _stems(f"{function.description or ''} {params}") - _name_words(function)
    place = _takes_place(function) and bool(_places(prompt, function))
    return 3 * len(_name_words(function) & words) + len(described & words) + place


def _first_mention(function: types.FunctionDeclaration, prompt: str) -> int:
    low = prompt.lower()
    found = [low.find(w) for w in _name_words(function) if w in low]
    return min(found, default=len(prompt))


def _schema(function: types.FunctionDeclaration) -> dict[str, Any] | None:
    if function.parameters_json_schema is not None:
        return function.parameters_json_schema
    if function.parameters is not None:
        return function.parameters.model_dump(mode="json", exclude_none=True)
    return None


# -- arguments --------------------------------------------------------------------------------


def _places(prompt: str, function: types.FunctionDeclaration) -> list[str]:
    """Capitalised names in the prompt that are not a word of the function's name or one of
    its enum values ("in Paris, in Celsius": Paris)."""
    properties = (get(_schema(function) or {}, "properties") or {}).values()
    enums = {
        str(v).lower() for n in properties if isinstance(n, dict) for v in get(n, "enum") or []
    }
    taken = SKIPPED | enums | _name_words(function)
    found = (m.group(1) for m in _PLACE.finditer(prompt.strip()))
    return list(dict.fromkeys(p for p in found if not {p.lower(), *_stems(p)} & taken))


def _takes_place(function: types.FunctionDeclaration) -> bool:
    properties = get(_schema(function) or {}, "properties") or {}
    return any(_PLACE_PARAM.search(name) for name in properties)


def _args(
    function: types.FunctionDeclaration, prompt: str, place: str | None, rng: random.Random
) -> dict[str, Any]:
    """Schema-valid arguments, with the values the prompt names where they fit."""
    schema = _schema(function)
    if not schema:
        return {}  # Gemini sends empty args; the SDK only calls a function whose args are set
    args = answer_for_schema(schema, rng, prompt)
    if not isinstance(args, dict):
        return {}
    numbers = numbers_in(prompt)
    for name, node in (get(schema, "properties") or {}).items():
        if not isinstance(node, dict) or "$ref" in node:
            continue
        value = _from_prompt(name, node, prompt, place, numbers)
        if value is not None:
            args[name] = value
    return args


def _from_prompt(
    name: str, node: dict[str, Any], prompt: str, place: str | None, numbers: list[Any]
) -> Any:
    """The value the prompt gives for one parameter, if it fits the parameter's schema."""
    kinds = node.get("type") or []
    kind = next((str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])
                 if str(k).lower() != "null"), "")  # fmt: skip
    enum = get(node, "enum")
    if enum:
        named = [
            v
            for v in enum
            if isinstance(v, str) and re.search(rf"\b{re.escape(v)}\b", prompt, re.I)
        ]
        return named[0] if named else None
    if kind == "string" and not get(node, "pattern"):
        value = place if _PLACE_PARAM.search(name) else None
        if _CODE_PARAM.search(name):
            value = next(iter(_CODE.findall(prompt)), None)
        low, high = get(node, "min_length") or 0, get(node, "max_length")
        fits = value and len(value) >= low and (high is None or len(value) <= high)
        return value if fits else None
    if kind in ("number", "integer") and numbers:
        value = numbers[0]
        if kind == "integer" and value != int(value):
            return None
        if not _within(value, node):
            return None
        numbers.pop(0)
        return int(value) if kind == "integer" else value
    return None


def _within(value: float, node: dict[str, Any]) -> bool:
    low, high = get(node, "minimum"), get(node, "maximum")
    above, below = get(node, "exclusive_minimum"), get(node, "exclusive_maximum")
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (not isinstance(above, (int, float)) or isinstance(above, bool) or value > above)
        and (not isinstance(below, (int, float)) or isinstance(below, bool) or value < below)
    )


# -- results ----------------------------------------------------------------------------------


def _turn_start(contents: list[types.Content]) -> int:
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
