"""Turning what a user writes in a cell into SDK contents: ``{var}`` filling and attachments.

Pure (no IPython): the namespace is passed in, so the magics and tests share it.
"""

from __future__ import annotations

import mimetypes
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.genai import types

__all__ = ["PromptInputError", "attachment_part", "first_code_block", "interpolate"]


class PromptInputError(ValueError):
    """A cell body or attachment that cannot be used; one sentence says why."""


class _Namespace(dict):
    def __init__(self, namespace: Mapping[str, Any]) -> None:
        super().__init__()
        self.namespace = namespace

    def __missing__(self, name: str) -> Any:
        if name in self.namespace:
            return self.namespace[name]
        raise PromptInputError(
            f"{{{name}}} names no variable; define {name}, write {{{{{name}}}}} for literal "
            "braces, or pass --no-interpolate."
        )


def interpolate(text: str, namespace: Mapping[str, Any]) -> str:
    """Fill ``{name}`` (and ``{name.attr}``, ``{name[0]}``, ``{name:.2f}``) from the namespace.

    ``{{`` and ``}}`` stay literal braces, as in ``str.format``.
    """
    try:
        return string.Formatter().vformat(text, (), _Namespace(namespace))
    except PromptInputError:
        raise
    except (ValueError, IndexError, KeyError, AttributeError) as exc:
        raise PromptInputError(
            f"Could not fill the {{...}} fields ({exc}); write {{{{ and }}}} for literal "
            "braces, or pass --no-interpolate."
        ) from None


_URI = re.compile(r"^(gs|https?)://", re.IGNORECASE)


def attachment_part(source: Any, namespace: Mapping[str, Any] | None = None) -> Any:
    """One ``--image``/``--file`` value as something ``contents`` accepts.

    ``source`` is a ``gs://`` or ``http(s)://`` URI (sent by reference), a path to a local
    file (sent inline), the name of a variable holding a Part, bytes, a PIL image or a path.
    """
    if isinstance(source, str):
        if _URI.match(source):
            mime = mimetypes.guess_type(source)[0] or "application/octet-stream"
            return types.Part.from_uri(file_uri=source, mime_type=mime)
        if namespace is not None and source.isidentifier() and source in namespace:
            return attachment_part(namespace[source], None)
        path = Path(source).expanduser()
        if not path.is_file():
            raise PromptInputError(
                f"{source!r} is not a file, a variable, nor a gs:// or http(s):// URI."
            )
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return types.Part.from_bytes(data=path.read_bytes(), mime_type=mime)
    if isinstance(source, Path):
        return attachment_part(str(source), None)
    if isinstance(source, bytes | bytearray):
        raise PromptInputError(
            "Raw bytes need a mime type: wrap them as "
            "types.Part.from_bytes(data=..., mime_type='image/png')."
        )
    return source  # a types.Part, a PIL image, a File: the SDK takes these as they are


_FENCE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


def first_code_block(markdown: str) -> str | None:
    """The body of the first fenced code block in ``markdown``, if there is one."""
    match = _FENCE.search(markdown)
    return match.group(2).rstrip("\n") if match else None
