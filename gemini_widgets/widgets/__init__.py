"""anywidget views. The ESM and CSS are files in ``gemini_widgets/static``, built from ``js/``."""

from .stream_view import StreamView

__all__ = ["StreamView"]
