"""``%%gemini -m a,b`` and ``%%gemini --compare "OPTIONS"``: a cell compared side by side.

``-m`` with comma-separated model names (full names: the magic has no short aliases) asks
each model. Each ``--compare`` value is a set of the magic's own setting options (and
``-m``), read by the same parser as the line, and labels its column as written: ``--compare
"-t 0" --compare "-t 1"``. Its settings are laid over the line's, as ``compare(variants=)``
lays a variant over the shared settings.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Any

from IPython.core.error import UsageError

from .magic_options import settings_from_args
from .settings import SETTINGS, SettingsError

__all__ = [
    "COMPARE_HELP",
    "MODEL_HELP",
    "compared_models",
    "compared_variants",
    "with_compare_values",
]

MODEL_HELP = (
    "model name (default: GeminiMagics.model); several, comma-separated full names, "
    "to compare them side by side"
)
COMPARE_HELP = (
    'compare with these options, e.g. --compare "-t 0" --compare "-t 1" (settings and -m '
    "only); repeatable"
)
_VARIANT_OPTIONS = frozenset({*SETTINGS, "model"})


def with_compare_values(words: list[str]) -> list[str]:
    """``--compare "-t 0"`` as ``--compare=-t 0``: argparse takes a value that starts with a
    dash for an option of its own, and every ``--compare`` value does."""
    joined: list[str] = []
    words = iter(words)
    for word in words:
        if word == "--compare":
            value = next(words, None)
            joined.append(word if value is None else f"--compare={value}")
        else:
            joined.append(word)
    return joined


def compared_models(names: str) -> list[str]:
    """``"gemini-2.5-flash, gemini-2.5-pro"`` -> both names (one name: a list of one).
    Raises ``SettingsError``, as every function here (the magic adds its usage line)."""
    models = [name.strip() for name in names.split(",")]
    if not all(models):
        raise SettingsError(f"-m {names!r}: an empty model name; separate full names with commas.")
    return models


def compared_variants(
    values: list[str] | None,
    parse: Callable[[list[str]], Any],
    fill: Callable[[str], str] | None,
    namespace: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """Each ``--compare`` value -> its label (as written) and the settings (and ``model``)
    it gives. ``parse`` is the magic's own parser."""
    variants: dict[str, dict[str, Any]] = {}
    unset = parse([])
    for value in values or []:
        label = " ".join(value.split())
        try:
            args = parse(shlex.split(value))
        except (UsageError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else "cannot read it"
            raise SettingsError(f"--compare {value!r}: {reason}") from None
        given = {k for k, v in vars(args).items() if v != getattr(unset, k, None)}
        others = sorted(given - _VARIANT_OPTIONS)
        if others == ["prompt"]:
            raise SettingsError(f"--compare {value!r}: unexpected {' '.join(args.prompt)!r}.")
        if others:
            flag = "--" + others[0].replace("_", "-")
            raise SettingsError(
                f"--compare {value!r}: {flag} applies to the whole cell, not a column."
            )
        variant = settings_from_args(args, _NoDefaults(), fill, namespace)
        if args.model:
            if "," in args.model:
                raise SettingsError(f"--compare {value!r}: one model a column.")
            variant["model"] = args.model
        if label in variants:
            raise SettingsError(f"--compare {value!r} is given twice.")
        variants[label] = variant
    return variants


class _NoDefaults:
    """A variant gives only what it names; the line (and its defaults) give the rest."""

    def __getattr__(self, name: str) -> None:
        return None
