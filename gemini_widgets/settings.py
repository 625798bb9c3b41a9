"""One validated path from user options to ``google.genai.types.GenerateContentConfig``.

Users (``stream(..., temperature=0.2)``, ``%%gemini -t 0.2``, ``Chat(system=...)``) speak in
short names; the SDK speaks ``GenerateContentConfig``. ``SETTINGS`` is the table between the
two: every front end (keyword arguments, magic options, traitlets defaults) reads it, so a
setting is declared once. Any other ``GenerateContentConfig`` field passes through by its
own name and the SDK's pydantic model validates it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
from google.genai import types

from .retry import RetryPolicy, RetrySetting, retry_policy

__all__ = [
    "DEFAULT_TIMEOUT",
    "SETTINGS",
    "Setting",
    "SettingsError",
    "StreamOptions",
    "build_config",
    "stream_options",
]

DEFAULT_MODEL = "gemini-2.5-flash"
DEFAULT_TIMEOUT = 120.0
"""Seconds without a chunk (or before the first) after which a stream ends with a message.
Long enough for a thinking model's silent first minute."""


class SettingsError(ValueError):
    """A setting with a bad name or value; the message is one sentence saying which."""


@dataclass(frozen=True)
class Setting:
    """A user-facing option and the ``GenerateContentConfig`` field it sets."""

    name: str
    type: type
    help: str
    check: Callable[[Any], str | None] | None = None
    """Returns the reason a value is wrong (completing "... must be ..."), or None."""


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"between {low:g} and {high:g}"


def _at_least(low: int) -> Callable[[Any], str | None]:
    return lambda v: None if v >= low else f"at least {low}"


def _thinking_budget(v: int) -> str | None:
    return None if v == -1 or v >= 0 else "-1 (dynamic), 0 (off) or a positive token count"


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("temperature", float, "randomness of sampling, 0-2", _between(0, 2)),
        Setting("top_p", float, "nucleus sampling mass, 0-1", _between(0, 1)),
        Setting("top_k", int, "sample from the k most likely tokens", _at_least(1)),
        Setting("max_output_tokens", int, "stop after this many output tokens", _at_least(1)),
        Setting("system", str, "system instruction"),
        Setting("seed", int, "sampling seed: same seed and prompt, same answer"),
        Setting("stop", list, "stop sequences (at most 5)"),
        Setting("candidates", int, "number of candidate answers, 1-8", _between(1, 8)),
        Setting(
            "thinking_budget",
            int,
            "thinking tokens: -1 dynamic, 0 off, N at most N",
            _thinking_budget,
        ),
        Setting("show_thoughts", bool, "stream the model's thought summaries"),
        Setting("json", bool, "answer in JSON (response_mime_type application/json)"),
        Setting("schema", object, "JSON schema: a pydantic model, dict or types.Schema"),
    )
}

_CONFIG_FIELDS = frozenset(types.GenerateContentConfig.model_fields)


def build_config(
    base: types.GenerateContentConfig | Mapping[str, Any] | None = None, **options: Any
) -> types.GenerateContentConfig:
    """Merge ``options`` (``SETTINGS`` names or config field names) over ``base``.

    ``None`` values are ignored, so front ends can pass every option they have.
    Raises ``SettingsError`` with one sentence naming the bad option.
    """
    config = _as_config(base)
    fields: dict[str, Any] = config.model_dump(exclude_unset=True)
    thinking = dict(fields.pop("thinking_config", None) or {})
    for name, value in options.items():
        if value is None:
            continue
        setting = SETTINGS.get(name)
        if setting is not None:
            value = _checked(setting, value)
            _apply(name, value, fields, thinking)
        elif name in _CONFIG_FIELDS:
            fields[name] = value
        else:
            raise SettingsError(_unknown_message(name))
    if thinking:
        fields["thinking_config"] = thinking
    if fields.get("response_schema") is not None or fields.get("response_json_schema") is not None:
        fields.setdefault("response_mime_type", "application/json")
    try:
        return types.GenerateContentConfig.model_validate(fields)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise SettingsError(f"{where}: {error['msg']}.") from None


def _as_config(
    base: types.GenerateContentConfig | Mapping[str, Any] | None,
) -> types.GenerateContentConfig:
    if base is None:
        return types.GenerateContentConfig()
    if isinstance(base, types.GenerateContentConfig):
        return base
    try:
        return types.GenerateContentConfig.model_validate(dict(base))
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        raise SettingsError(
            f"config: {'.'.join(map(str, error['loc']))}: {error['msg']}."
        ) from None


def _checked(setting: Setting, value: Any) -> Any:
    name = setting.name
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if setting.type is list:
        value = [value] if isinstance(value, str) else list(value)
        if not all(isinstance(v, str) and v for v in value):
            raise SettingsError(f"{name} must be non-empty strings, got {value!r}.")
        if len(value) > 5:
            raise SettingsError(f"{name} takes at most 5 sequences, got {len(value)}.")
        return value
    if setting.type is not object and (
        not isinstance(value, setting.type) or (setting.type is int and isinstance(value, bool))
    ):
        raise SettingsError(
            f"{name} must be {_article(setting.type)}, got {type(value).__name__} {value!r}."
        )
    if setting.check is not None:
        reason = setting.check(value)
        if reason is not None:
            raise SettingsError(f"{name} must be {reason}, got {value!r}.")
    return value


def _apply(name: str, value: Any, fields: dict[str, Any], thinking: dict[str, Any]) -> None:
    if name == "system":
        fields["system_instruction"] = value
    elif name == "stop":
        fields["stop_sequences"] = value
    elif name == "candidates":
        fields["candidate_count"] = value
    elif name == "thinking_budget":
        thinking["thinking_budget"] = value
    elif name == "show_thoughts":
        thinking["include_thoughts"] = value
    elif name == "json":
        if value:
            fields["response_mime_type"] = "application/json"
    elif name == "schema":
        fields["response_schema"] = value
        fields["response_mime_type"] = "application/json"
    else:
        fields[name] = value


def _article(kind: type) -> str:
    return {float: "a number", int: "an integer", str: "a string", bool: "true or false"}.get(
        kind, kind.__name__
    )


def _unknown_message(name: str) -> str:
    known = sorted(set(SETTINGS) | _CONFIG_FIELDS)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return f"Unknown setting {name!r}{hint}"


@dataclass(frozen=True)
class StreamOptions:
    """How a stream is read, beside what is asked: retries and the no-chunk timeout."""

    retry: RetryPolicy | None
    timeout: float | None


def stream_options(
    retry: RetrySetting = None, timeout: float | None = DEFAULT_TIMEOUT
) -> StreamOptions:
    """Validate ``retry`` (see ``retry.retry_policy``) and ``timeout`` (seconds, or None
    for none) into ``StreamOptions``; a bad value raises ``SettingsError``."""
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
    ):
        raise SettingsError(f"timeout must be a number of seconds > 0 or None, got {timeout!r}.")
    try:
        policy = retry_policy(retry)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"]))
        raise SettingsError(f"retry: {where}: {error['msg']}.") from None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return StreamOptions(policy, None if timeout is None else float(timeout))
