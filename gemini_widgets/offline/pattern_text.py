"""A string that matches a schema's ``pattern`` (``"^[0-2][0-9]:[0-5][0-9]$"`` gives "14:37").

Written by walking the regular expression's own parse tree (``re._parser``, what ``re``
compiles from), choosing a literal, a class member, a branch and a repeat count at each node.
Lookarounds and backreferences are not generated: for those, and any pattern the result does
not match after all, the caller gets ``None`` and keeps its own string.
"""

from __future__ import annotations

import random
import re
import string
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["text_matching"]

_MAX_REPEAT = 3  # an open-ended repeat (*, +, {2,}) is written at most this many times over
_CATEGORIES = {
    c.CATEGORY_DIGIT: string.digits,
    c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    c.CATEGORY_SPACE: " ",
    c.CATEGORY_NOT_DIGIT: string.ascii_letters,
    c.CATEGORY_NOT_WORD: "-.,:",
    c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
_PRINTABLE = string.ascii_letters + string.digits + "-_."


def text_matching(pattern: str, rng: random.Random) -> str | None:
    try:
        tree = _parser.parse(pattern)
        text = _write(tree, rng)
    except (re.error, _Unwritable, RecursionError, ValueError):
        return None
    return text if re.search(pattern, text) else None


class _Unwritable(Exception):
    pass


def _write(items: Any, rng: random.Random) -> str:
    return "".join(_node(op, arg, rng) for op, arg in items)


def _node(op: Any, arg: Any, rng: random.Random) -> str:
    if op is c.LITERAL:
        return chr(arg)
    if op is c.NOT_LITERAL:
        return next(ch for ch in _PRINTABLE if ord(ch) != arg)
    if op is c.ANY:
        return rng.choice(string.ascii_lowercase)
    if op is c.IN:
        return _member(arg, rng)
    if op is c.BRANCH:
        return _write(rng.choice(arg[1]), rng)
    if op is c.SUBPATTERN:
        return _write(arg[-1], rng)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, items = arg
        count = rng.randint(low, min(high, low + _MAX_REPEAT))
        return "".join(_write(items, rng) for _ in range(count))
    if op is c.ATOMIC_GROUP:
        return _write(arg, rng)
    if op is c.AT:
        return ""  # ^, $, \b: the text is written whole
    raise _Unwritable(op)


def _member(items: list[tuple[Any, Any]], rng: random.Random) -> str:
    """A character of a class ``[...]``; a negated class picks one the class leaves out."""
    choices: list[str] = []
    negated = False
    for op, arg in items:
        if op is c.NEGATE:
            negated = True
        elif op is c.LITERAL:
            choices.append(chr(arg))
        elif op is c.RANGE:
            choices.extend(chr(x) for x in range(arg[0], min(arg[1], arg[0] + 95) + 1))
        elif op is c.CATEGORY:
            choices.extend(_CATEGORIES.get(arg, ""))
    if negated:
        choices = [ch for ch in _PRINTABLE if ch not in choices]
    if not choices:
        raise _Unwritable("empty class")
    return rng.choice(choices)
