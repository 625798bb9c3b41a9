"""One validated path from user options to ``google.genai.types.GenerateContentConfig``.

Users (``stream(..., temperature=0.2)``, ``%%gemini -t 0.2``, ``Chat(system=...)``) speak in
short names; the SDK speaks ``GenerateContentConfig``. ``SETTINGS`` is the table between the
two, and every front end is made from it: the ``stream()``/``Chat`` keywords (their
signatures and docstrings: ``setting_keywords.py``), the ``%%gemini`` flags and the
``%config GeminiMagics`` defaults (``magic_options.py``). A setting added to the table alone
is all of them. Any other ``GenerateContentConfig`` field passes through by its own name and
the SDK's pydantic model validates it. ``READING_OPTIONS`` does the same for how a stream is
read (retries, timeout). The tables are declared in ``setting_table.py``; import them from
here, the one place the settings are read from.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
from google.genai import types

from .retry import RetryPolicy, RetrySetting, retry_policy
from .setting_table import DEFAULT_MODEL as DEFAULT_MODEL
from .setting_table import (
    DEFAULT_TIMEOUT,
    READING_OPTIONS,
    SETTINGS,
    ReadingOption,
    Setting,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "NO_RETRY",
    "READING_OPTIONS",
    "SETTINGS",
    "ReadingOption",
    "Setting",
    "SettingsError",
    "StreamOptions",
    "build_config",
    "stream_options",
]


class SettingsError(ValueError):
    """A setting with a bad name or value; the message is one sentence saying which."""


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
    for name, value in options.items():
        if value is None:
            continue
        setting = SETTINGS.get(name)
        if setting is not None:
            for path, field_value in setting.config_values(_checked(setting, value)).items():
                _set_field(fields, path, field_value)
        elif name in _CONFIG_FIELDS:
            fields[name] = value
        else:
            raise SettingsError(_unknown_message(name))
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


def _set_field(fields: dict[str, Any], path: str, value: Any) -> None:
    """``fields["thinking_config"]["thinking_budget"] = value`` for
    ``thinking_config.thinking_budget``, keeping what the nested field already holds."""
    *parents, leaf = path.split(".")
    node = fields
    for part in parents:
        child = node.get(part)
        if isinstance(child, pydantic.BaseModel):
            child = child.model_dump(exclude_unset=True)
        node[part] = dict(child) if isinstance(child, Mapping) else {}
        node = node[part]
    node[leaf] = value


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


NO_RETRY = StreamOptions(retry=None, timeout=None)
"""How a bare stream is read unless told: no retries, no timeout."""


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
