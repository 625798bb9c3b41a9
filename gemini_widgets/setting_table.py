"""Every setting a user can give, declared once: ``SETTINGS`` and ``READING_OPTIONS``.

Each ``Setting`` is a row: its name, type, help, check, and the ``GenerateContentConfig``
field it sets (or a transform of its value into fields). ``settings.py`` checks values
against these rows and builds the config (``build_config``, ``stream_options``);
``setting_keywords.py`` and ``magic_options.py`` make the ``stream()``/``Chat`` keywords and
the ``%%gemini`` flags and ``%config`` defaults from them. Import them from ``settings``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
from google.genai import types

from .retry import DEFAULT_RETRY
from .tool_settings import BUILT_IN_TOOLS, tool_calls_fields, tools_check, tools_fields

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_TIMEOUT",
    "READING_OPTIONS",
    "SETTINGS",
    "ReadingOption",
    "Setting",
]

DEFAULT_MODEL = "gemini-2.5-flash"
DEFAULT_TIMEOUT = 120.0
"""Seconds without a chunk (or before the first) after which a stream ends with a message.
Long enough for a thinking model's silent first minute."""


@dataclass(frozen=True)
class Setting:
    """A user-facing option: its name in every front end and the config field it sets.

    The ``stream()``/``Chat`` keyword, the ``%%gemini`` flag and the ``GeminiMagics`` default
    are all made from these fields; nothing else declares a setting.
    """

    name: str
    type: type
    """float, int, str, bool (a ``%%gemini`` switch), list (a repeatable flag) or object."""
    help: str
    check: Callable[[Any], str | None] | None = None
    """Returns the reason a value is wrong (completing "... must be ..."), or None."""
    field: str = ""
    """The ``GenerateContentConfig`` field it sets, dotted into a nested one
    (``thinking_config.thinking_budget``); empty for the field of its own name."""
    to_config: Callable[[Any], Mapping[str, Any]] | None = None
    """For a value that sets more than ``field`` (or nothing): the fields it sets, by path."""
    aliases: tuple[str, ...] = ()
    """``%%gemini`` spellings beside ``--name-with-dashes``, such as ``-t``."""
    flag: bool = True
    """False for a setting with no ``%%gemini`` flag."""
    named: bool = False
    """The ``%%gemini`` flag names variables (``--tools get_weather,google_search``): each
    comma-separated name is looked up in the user's variables, or is one of ``builtins``."""
    builtins: tuple[str, ...] = ()
    """Values a named flag takes as written (``google_search``), never looked up."""
    magic_default: bool = False
    """Also a ``%config GeminiMagics.<name>`` default, listed by ``%gemini config``."""
    interpolated: bool = False
    """``%%gemini`` fills ``{var}`` in it from the user's variables, as in the cell."""

    @property
    def config_field(self) -> str:
        return self.field or self.name

    @property
    def flags(self) -> tuple[str, ...]:
        return (*self.aliases, "--" + self.name.replace("_", "-"))

    @property
    def flag_action(self) -> str | None:
        """How the ``%%gemini`` flag reads: a switch, a repeatable option, or one value."""
        return {bool: "store_true", list: "append"}.get(self.type)

    def config_values(self, value: Any) -> Mapping[str, Any]:
        """What a checked value sets, as ``{dotted field: value}``."""
        return self.to_config(value) if self.to_config else {self.config_field: value}


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"between {low:g} and {high:g}"


def _at_least(low: int) -> Callable[[Any], str | None]:
    return lambda v: None if v >= low else f"at least {low}"


def _thinking_budget(v: int) -> str | None:
    return None if v == -1 or v >= 0 else "-1 (dynamic), 0 (off) or a positive token count"


def _json_mime(wanted: bool) -> dict[str, Any]:
    return {"response_mime_type": "application/json"} if wanted else {}


def _schema_fields(schema: Any) -> dict[str, Any]:
    """A JSON Schema dict goes to ``response_json_schema``, which Gemini reads as JSON Schema
    (``$ref``, ``additionalProperties``...); a type or ``types.Schema`` to
    ``response_schema``, which the SDK converts (``_transformers.t_schema``)."""
    field = "response_json_schema" if isinstance(schema, Mapping) else "response_schema"
    return {field: schema, "response_mime_type": "application/json"}


def _schema_check(schema: Any) -> str | None:
    """A Python type must be one pydantic can validate (the answer is parsed into it)."""
    if isinstance(schema, Mapping | types.Schema):
        return None
    try:
        pydantic.TypeAdapter(schema)
    except (pydantic.PydanticUserError, pydantic.PydanticSchemaGenerationError) as exc:
        first = str(exc).split("\n", 1)[0].rstrip(".")
        return f"a type pydantic can validate ({first})"
    return None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "temperature",
            float,
            "randomness of sampling, 0-2",
            _between(0, 2),
            aliases=("-t",),
            magic_default=True,
        ),
        Setting("top_p", float, "nucleus sampling mass, 0-1", _between(0, 1), magic_default=True),
        Setting(
            "top_k", int, "sample from the k most likely tokens", _at_least(1), magic_default=True
        ),
        Setting(
            "max_output_tokens",
            int,
            "stop after this many output tokens",
            _at_least(1),
            magic_default=True,
        ),
        Setting(
            "system",
            str,
            "system instruction",
            field="system_instruction",
            aliases=("-s",),
            magic_default=True,
            interpolated=True,
        ),
        Setting(
            "seed", int, "sampling seed: same seed and prompt, same answer", magic_default=True
        ),
        Setting("stop", list, "stop sequences (at most 5)", field="stop_sequences"),
        Setting(
            "candidates",
            int,
            "number of candidate answers, 1-8",
            _between(1, 8),
            field="candidate_count",
        ),
        Setting(
            "thinking_budget",
            int,
            "thinking tokens: -1 dynamic, 0 off, N at most N",
            _thinking_budget,
            field="thinking_config.thinking_budget",
            magic_default=True,
        ),
        Setting(
            "show_thoughts",
            bool,
            "stream the model's thought summaries",
            field="thinking_config.include_thoughts",
            magic_default=True,
        ),
        Setting(
            "json",
            bool,
            "answer in JSON; the result's .parsed holds the value",
            field="response_mime_type",
            to_config=_json_mime,
        ),
        Setting(
            "schema",
            object,
            "JSON schema: a pydantic model, dataclass, TypedDict (or a list of one), "
            "a JSON Schema dict or types.Schema",
            _schema_check,
            field="response_schema",
            to_config=_schema_fields,
            named=True,
        ),
        Setting(
            "tools",
            object,
            "tools the model may use: Python functions (called for it), "
            + ", ".join(BUILT_IN_TOOLS),
            tools_check,
            to_config=tools_fields,
            named=True,
            builtins=tuple(BUILT_IN_TOOLS),
        ),
        Setting(
            "max_tool_calls",
            int,
            "rounds of Python function calls run for the model (0: none, the calls are "
            "returned to you)",
            _at_least(0),
            field="automatic_function_calling.maximum_remote_calls",
            to_config=tool_calls_fields,
            magic_default=True,
        ),
    )
}


@dataclass(frozen=True)
class ReadingOption:
    """How a stream is read, beside what is asked: a ``%%gemini`` flag and a ``GeminiMagics``
    default, validated by ``stream_options`` as the ``stream()``/``Chat`` keyword is."""

    name: str
    """The ``%%gemini`` flag and the ``%config`` default."""
    keyword: str
    """The ``stream_options`` argument: the ``stream()``/``Chat`` keyword, which those
    signatures declare with its Python-only forms (``retry=False``, ``HttpRetryOptions``)."""
    type: type
    default: Any
    """The ``GeminiMagics`` default."""
    help: str
    metavar: str
    allow_none: bool = False
    """The default may be None (the flag always takes a value)."""


READING_OPTIONS: dict[str, ReadingOption] = {
    o.name: o
    for o in (
        ReadingOption(
            "retries",
            "retry",
            int,
            DEFAULT_RETRY.attempts,
            "attempts for a request refused with 429/503 before its first token (1: no retry)",
            "N",
        ),
        ReadingOption(
            "timeout",
            "timeout",
            float,
            DEFAULT_TIMEOUT,
            "seconds without a chunk before a stream ends with a message",
            "S",
            allow_none=True,
        ),
    )
}
