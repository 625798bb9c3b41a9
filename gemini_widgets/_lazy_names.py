"""Public names imported on first use (PEP 562), from one table of name -> submodule.

So ``import gemini_widgets`` costs next to nothing, and code that never shows a widget
(``gemini_widgets.stream``, ``.offline``, a script) never loads IPython, ipywidgets or
anywidget. tests/unit/test_layers.py holds the packages to that.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, table: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose public ``table`` maps each
    name to the submodule (relative to ``package``) that defines it."""
    module = sys.modules[package]

    def __getattr__(name: str) -> Any:
        try:
            submodule = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f".{submodule}", package), name)
        vars(module)[name] = value  # later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *table})

    def __setattr__(self: types.ModuleType, name: str, value: Any) -> None:
        # The import system binds every submodule it loads as an attribute of its package.
        # A public name spelled like a submodule (the function `stream` and stream.py,
        # `consume` and consume.py) must stay the public object, whichever loads first.
        if name in table and value is sys.modules.get(f"{package}.{name}"):
            return
        types.ModuleType.__setattr__(self, name, value)

    module.__class__ = type("LazyPackage", (types.ModuleType,), {"__setattr__": __setattr__})
    return __getattr__, __dir__
