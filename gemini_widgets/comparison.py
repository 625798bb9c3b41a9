"""What a compare asks (one ``Contender`` per column) and what it gives back (``CompareResult``).

``compare(prompt, models=[...])`` asks each model the same thing; ``variants={label:
settings}`` asks with different settings (a variant may name its own ``model``); both
together ask every model with every variant. Each contender's config is built (and so
checked) before any request is sent. No IPython here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.genai import types

from .compare_summary import comparison_markdown
from .settings import SettingsError, build_config
from .stream import StreamState

__all__ = ["CompareResult", "Contender", "contenders"]


@dataclass(frozen=True)
class Contender:
    """One column of a compare: its label, the model asked and the config it is asked with."""

    label: str
    model: str
    config: types.GenerateContentConfig


def contenders(
    models: Sequence[str] | str | None,
    variants: Mapping[str, Mapping[str, Any]] | None,
    *,
    model: str,
    config: types.GenerateContentConfig | Mapping[str, Any] | None,
    settings: Mapping[str, Any],
) -> list[Contender]:
    """The columns: each model (labelled by its name), each variant (by its label), or each
    model with each variant ("model · label"). ``settings`` and ``config`` apply to all; a
    variant's settings are laid over them. Raises ``SettingsError`` (one sentence)."""
    names = _model_names(models)
    variant_items = list((variants or {}).items())
    if not names and not variant_items:
        raise SettingsError(
            "Nothing to compare: pass models=['gemini-2.5-flash', 'gemini-2.5-pro'] or "
            "variants={'t=0': dict(temperature=0), 't=1': dict(temperature=1)}."
        )
    chosen: list[Contender] = []
    for name in names or [None]:
        for label, variant in variant_items or [(None, {})]:
            if not isinstance(variant, Mapping):
                raise SettingsError(
                    f"variant {label!r} must be a dict of settings, such as dict(temperature=0)."
                )
            asked = dict(variant)
            variant_model = asked.pop("model", None)
            if variant_model is not None and name is not None:
                raise SettingsError(
                    f"variant {label!r} names a model, and models= names them too: use one."
                )
            try:
                built = build_config(config, **{**settings, **asked})
            except SettingsError as exc:
                raise SettingsError(f"variant {label!r}: {exc}" if label else str(exc)) from None
            chosen_model = name or variant_model or model
            column = " · ".join(str(part) for part in (name, label) if part is not None)
            chosen.append(Contender(column, chosen_model, built))
    if len(chosen) < 2:
        raise SettingsError("A compare needs two or more models or variants.")
    labels = [c.label for c in chosen]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise SettingsError(f"{twice[0]!r} is asked twice: give each column its own label.")
    return chosen


class CompareResult(Mapping[str, StreamState]):
    """Each label's full result (a ``StreamState``: ``.text``, ``.usage``, ``.error``...), in
    the order asked. ``markdown()`` is the answers under their labels and the summary."""

    def __init__(self, states: Mapping[str, StreamState]) -> None:
        self._states = dict(states)

    def __getitem__(self, label: str) -> StreamState:
        return self._states[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    @property
    def done(self) -> bool:
        return all(state.done for state in self._states.values())

    def markdown(self) -> str:
        """As the saved notebook shows it: each answer under its label, then the summary."""
        return comparison_markdown(self._states)

    def __repr__(self) -> str:
        each = ", ".join(f"{label}: {_outcome(state)}" for label, state in self._states.items())
        return f"<CompareResult {each}>"


def _model_names(models: Sequence[str] | str | None) -> list[str]:
    if models is None:
        return []
    if isinstance(models, str):  # "gemini-2.5-flash,gemini-2.5-pro", as the magic spells it
        models = models.split(",")
    names = [name.strip() for name in models]
    if not all(names):
        raise SettingsError("models= holds an empty model name.")
    return names


def _outcome(state: StreamState) -> str:
    if not state.done:
        return f"streaming, {len(state.text)} chars"
    if state.error is not None:
        return f"error, {len(state.text)} chars"
    if state.stopped:
        return f"stopped, {len(state.text)} chars"
    return f"{len(state.text)} chars"
