"""The ``stream()``/``Chat`` keywords, listed from ``settings.SETTINGS``.

Both take the settings as ``**settings`` and hand them to ``build_config``, which reads the
table at each call; ``takes_settings`` writes the table into their signature and docstring
when they are defined, so ``help(stream)``, ``stream?`` and keyword completion show every
setting with its help.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .settings import SETTINGS

__all__ = ["settings_doc", "takes_settings"]

_Function = TypeVar("_Function", bound=Callable[..., Any])


def takes_settings(function: _Function) -> _Function:
    """Marks a function that takes ``SETTINGS`` as keywords (its ``**settings`` goes to
    ``build_config``): its signature and docstring list them, so ``help()`` and ``?`` do."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    taken = {p.name for p in parameters}
    extra = [
        inspect.Parameter(
            setting.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=_annotation(setting.type),
        )
        for setting in SETTINGS.values()
        if setting.name not in taken
    ]
    at = next(
        (i for i, p in enumerate(parameters) if p.kind is inspect.Parameter.VAR_KEYWORD),
        len(parameters),
    )
    function.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*parameters[:at], *extra, *parameters[at:]]
    )
    function.__doc__ = f"{inspect.cleandoc(function.__doc__ or '')}\n\n{settings_doc()}"
    return function


def settings_doc() -> str:
    """The settings as a docstring section: name, type, the field it sets, help."""
    lines = [
        "Settings (keywords; any other ``GenerateContentConfig`` field passes by its own name):",
        "",
    ]
    for setting in SETTINGS.values():
        kind = _annotation(setting.type).removesuffix(" | None")
        sets = "" if setting.config_field == setting.name else f", sets {setting.config_field}"
        lines.append(f"    {setting.name} ({kind}{sets}): {setting.help}")
    return "\n".join(lines)


def _annotation(kind: type) -> str:
    if kind is list:
        return "list[str] | str | None"
    return "Any" if kind is object else f"{kind.__name__} | None"
