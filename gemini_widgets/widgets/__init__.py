"""anywidget views. The ESM and CSS are files in ``gemini_widgets/static``, built from ``js/``.

Imported on first use, so the widget-free modules here (``deltas``) load no
ipywidgets or anywidget.
"""

from .._lazy_names import lazy_names

# Each public name -> the submodule that defines it: one line per name.
_PUBLIC = {
    "CompareView": "compare_view",
    "StreamView": "stream_view",
    "view_settings": "display",
    "show_widget": "display",
}

__getattr__, __dir__ = lazy_names(__name__, _PUBLIC)
__all__ = sorted(_PUBLIC)
