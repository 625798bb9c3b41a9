"""The front end's renderer (markdown-it, DOMPurify, highlight.js, KaTeX), sent once per kernel.

anywidget sends a widget's ESM and CSS with every instance: for a renderer bundle of several
hundred KB, twenty answers in a notebook would cost twenty copies over iopub. So each view
carries only a small glue module and a reference to one shared, never-displayed
``RendererAssets`` widget; the browser imports the bundle from it once and caches the
module by version. A page that cannot reach that widget (each output in a frame of its own,
as in Colab) asks the view for the bundle instead (``_renderer_bundle``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets
from anywidget.experimental import command

__all__ = ["RendererAssets", "RendersMarkdown", "shared_assets"]

STATIC = Path(__file__).resolve().parent.parent / "static"


class RendererAssets(ipywidgets.Widget):
    """Holds the renderer bundle; views import it from here (see ``stream_view.js``)."""

    source = traitlets.Unicode("").tag(sync=True)
    css = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Unicode("").tag(sync=True)

    def __repr__(self) -> str:
        return f"<RendererAssets {self.version}, {len(self.source):,} bytes>"


@cache
def _bundle() -> tuple[str, str, str]:
    source = (STATIC / "renderer.js").read_text(encoding="utf-8")
    css = (STATIC / "renderer.css").read_text(encoding="utf-8")
    version = hashlib.sha256((source + css).encode()).hexdigest()[:16]
    return source, css, version


_shared: RendererAssets | None = None


def shared_assets() -> RendererAssets:
    """The kernel's one ``RendererAssets`` (made again if it was closed)."""
    global _shared
    if _shared is None or _closed(_shared):
        source, css, version = _bundle()
        _shared = RendererAssets(source=source, css=css, version=version)
    return _shared


class RendersMarkdown(traitlets.HasTraits):
    """A view that renders answers: it refers to the kernel's shared bundle, and hands the
    bundle over itself to a page that cannot reach the shared widget."""

    _renderer = traitlets.Instance(RendererAssets).tag(sync=True, **ipywidgets.widget_serialization)

    @traitlets.default("_renderer")
    def _shared_renderer(self) -> RendererAssets:
        return shared_assets()

    @command
    def _renderer_bundle(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, str], list]:
        source, css, version = _bundle()
        return {"version": version, "source": source, "css": css}, []


def _closed(widget: ipywidgets.Widget) -> bool:
    # ipywidgets drops the comm when the widget is closed; marimo closes the comm itself
    # when the cell that made the widget runs again, and the widget keeps the closed comm.
    return widget.comm is None or bool(getattr(widget.comm, "_closed", False))
