"""Static fallback: a widget's displays also carry its content as ``text/markdown``.

Every display of the widget gets a display id; when its content is final, each display is
updated with the widget view plus ``text/markdown`` (and a short ``text/plain``). JupyterLab
keeps showing the live widget (it ranks the widget view first); GitHub, nbconvert, or a
notebook opened without widget state shows the Markdown.

That Markdown is model output, shown by renderers we do not control, so it is first made to
fetch nothing (``safe_markdown.without_remote_fetches``): images become links, raw HTML
shows as text. The widget's own text (``StreamState.text``, a chat's history and export)
is left as the model wrote it.
"""

from __future__ import annotations

from typing import Any

from ..safe_markdown import without_remote_fetches

__all__ = ["StaticFallback"]


class StaticFallback:
    """Mixin for anywidget classes: ``static_markdown`` says what a reader without the widget
    should see; call ``show_static()`` when it changes (a stream or a turn ended)."""

    _displays: list[Any]

    def static_markdown(self) -> str | None:
        return None

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if not hasattr(self, "_displays"):
            self._displays = []
        bundle = self._fallback_bundle(self.static_markdown())
        self._displays.append(display(bundle, raw=True, display_id=True))

    def show_static(self) -> None:
        """Update every display of this widget with its current ``static_markdown``
        (nothing to make where IPython displayed none, as in marimo)."""
        displays = getattr(self, "_displays", [])
        if not displays:
            return
        bundle = self._fallback_bundle(self.static_markdown())
        for handle in displays:
            handle.update(bundle, raw=True)

    def _fallback_bundle(self, markdown: str | None) -> dict[str, Any]:
        shown = self._repr_mimebundle_() or {}  # type: ignore[attr-defined]
        bundle = dict(shown[0] if isinstance(shown, tuple) else shown)  # (data, metadata)
        bundle["text/plain"] = repr(self)
        if markdown:
            bundle["text/markdown"] = without_remote_fetches(markdown)
        return bundle
