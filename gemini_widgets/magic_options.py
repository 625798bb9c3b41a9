"""``%%gemini`` options and ``GeminiMagics`` defaults, made from the settings tables.

Each ``settings.SETTINGS`` entry with a flag becomes an ``argparse`` option (its spelling,
its help, a switch for a bool, repeatable for a list), and each ``magic_default`` one a
``%config GeminiMagics.<name>`` trait, validated by ``build_config`` like every other front
end. ``settings.READING_OPTIONS`` (``--retries``, ``--timeout``) likewise, validated by
``stream_options``. All of it is made when this module is imported, so a setting added to
the table before ``%load_ext gemini_widgets`` is there too.
"""

from __future__ import annotations

import types as pytypes
from collections.abc import Callable, Mapping
from typing import Any

import traitlets
from IPython.core.magic_arguments import argument
from traitlets.config import Configurable

from .prompt_inputs import PromptInputError
from .settings import (
    READING_OPTIONS,
    SETTINGS,
    ReadingOption,
    Setting,
    SettingsError,
    StreamOptions,
    build_config,
    stream_options,
)

__all__ = [
    "READING_DEFAULTS",
    "SETTING_DEFAULTS",
    "SettingDefaults",
    "options_from_args",
    "reading_arguments",
    "setting_arguments",
    "settings_from_args",
]

SETTING_DEFAULTS = tuple(name for name, setting in SETTINGS.items() if setting.magic_default)
"""The ``GeminiMagics`` traits of the generation settings, in table order."""
READING_DEFAULTS = tuple(READING_OPTIONS)

_Magic = Callable[..., Any]


def setting_arguments(magic: _Magic) -> _Magic:
    """Decorator: one ``%%gemini`` option per setting with a flag, in table order."""
    return _with_arguments(magic, [_setting_argument(s) for s in SETTINGS.values() if s.flag])


def reading_arguments(magic: _Magic) -> _Magic:
    """Decorator: ``--retries N``, ``--timeout S`` and any other reading option."""
    return _with_arguments(magic, [_reading_argument(o) for o in READING_OPTIONS.values()])


def settings_from_args(
    args: Any,
    defaults: Any,
    fill: Callable[[str], str] | None = None,
    namespace: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The settings a ``%%gemini`` line gives, over ``defaults`` (the ``GeminiMagics``
    traits), for ``build_config``. ``fill`` fills ``{var}`` in the interpolated ones; the
    named ones (``--tools fn``) are looked up in ``namespace``."""
    settings: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        value = getattr(args, name, None) if setting.flag else None
        if setting.named and isinstance(value, str):
            value = _look_up(setting, value, namespace or {})
        if _unset(value) and setting.magic_default:
            value = getattr(defaults, name)
        if _unset(value):
            continue
        if setting.interpolated and fill is not None and isinstance(value, str):
            value = fill(value)
        settings[name] = value
    return settings


def _look_up(setting: Setting, names: str, namespace: Mapping[str, Any]) -> Any:
    """``--tools get_weather,google_search`` -> ``[get_weather, "google_search"]``; one name
    gives one value."""
    values = []
    for name in (n.strip() for n in names.split(",")):
        if name in setting.builtins:
            values.append(name)
        elif name in namespace:
            values.append(namespace[name])
        else:
            flag = setting.flags[-1]
            also = f" nor one of {', '.join(setting.builtins)}" if setting.builtins else ""
            raise PromptInputError(f"{flag} {name}: no variable of that name{also}.")
    return values if "," in names else values[0]


def options_from_args(args: Any, defaults: Any) -> StreamOptions:
    """Retries and timeout from the ``%%gemini`` line, else from ``defaults``; validated."""
    given = {}
    for name, option in READING_OPTIONS.items():
        value = getattr(args, name, None)
        given[option.keyword] = getattr(defaults, name) if value is None else value
    return stream_options(**given)


def _unset(value: Any) -> bool:
    # A switch not given reads False: it leaves the default (or the SDK's) alone.
    return value is None or value is False


def _with_arguments(magic: _Magic, arguments: list[argument]) -> _Magic:
    # magic_arguments builds the parser from the decorators in reverse order of application.
    for each in reversed(arguments):
        magic = each(magic)
    return magic


def _setting_argument(setting: Setting) -> argument:
    help = setting.help
    if setting.flag_action == "append":
        help += "; repeatable"
    if setting.interpolated:
        help += "; {var} is filled"
    options: dict[str, Any] = {"dest": setting.name, "help": _argparse_text(help)}
    if setting.named:
        options["metavar"] = "VAR[,VAR]" if setting.builtins else "VAR"
    if setting.flag_action is not None:
        options["action"] = setting.flag_action
    elif setting.type in (int, float):
        options["type"] = setting.type
    return argument(*setting.flags, **options)


def _reading_argument(option: ReadingOption) -> argument:
    return argument(
        "--" + option.name.replace("_", "-"),
        dest=option.name,
        type=option.type,
        metavar=option.metavar,
        help=_argparse_text(option.help),
    )


def _argparse_text(text: str) -> str:
    return text.replace("%", "%%")  # argparse %-formats help strings


# ---- the %config defaults -----------------------------------------------------------------


def _setting_trait(setting: Setting) -> traitlets.TraitType:
    if setting.type is bool:
        return traitlets.Bool(False, help=setting.help).tag(config=True)
    if setting.type is list:
        trait = traitlets.List(
            traitlets.Unicode(), default_value=None, allow_none=True, help=setting.help
        )
    else:
        kind = {float: traitlets.Float, int: traitlets.Int, str: traitlets.Unicode}
        trait = kind.get(setting.type, traitlets.Any)(None, allow_none=True, help=setting.help)
    return trait.tag(config=True)


def _reading_trait(option: ReadingOption) -> traitlets.TraitType:
    kind = {float: traitlets.Float, int: traitlets.Int}.get(option.type, traitlets.Any)
    help = option.help + (" (None: no limit)" if option.allow_none else "")
    return kind(option.default, allow_none=option.allow_none, help=help).tag(config=True)


def _check_default(self: Any, proposal: dict[str, Any]) -> Any:
    name, value = proposal["trait"].name, proposal["value"]
    try:
        if name in READING_OPTIONS:
            stream_options(**{READING_OPTIONS[name].keyword: value})
        elif value is not None:
            build_config(**{name: value})
    except SettingsError as exc:
        raise traitlets.TraitError(str(exc)) from None
    return value


def _defaults_class() -> type[Configurable]:
    traits: dict[str, Any] = {name: _setting_trait(SETTINGS[name]) for name in SETTING_DEFAULTS}
    traits.update({o.name: _reading_trait(o) for o in READING_OPTIONS.values()})
    body = {
        "__doc__": "The ``%config GeminiMagics`` defaults of the settings tables, validated.",
        "__module__": __name__,
        **traits,
        "_check_default": traitlets.validate(*traits)(_check_default),
    }
    return pytypes.new_class("SettingDefaults", (Configurable,), {}, lambda ns: ns.update(body))


SettingDefaults = _defaults_class()
"""A base of ``GeminiMagics``: its traits are configured as ``GeminiMagics.<name>``."""
