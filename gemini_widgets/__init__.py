"""gemini-widgets: stream Google Gemini into Jupyter as rendered Markdown.

from gemini_widgets import stream, StreamView
result = stream("Explain binary search", temperature=0.2)
"""

from ._lazy_names import lazy_names

__version__ = "0.1.0"

# Each public name -> the submodule that defines it, imported on first use (PEP 562): one
# line per name. (No `if TYPE_CHECKING:` imports: they would be a second list to keep in step.)
_PUBLIC = {
    "Backend": "client",
    "BackgroundCompare": "compare",
    "BackgroundStream": "generate",
    "Chat": "chat",
    "CompareResult": "comparison",
    "ContinueRefused": "runner",
    "Cost": "cost",
    "Conversation": "conversation",
    "Delta": "stream",
    "MissingApiKeyError": "client",
    "Runner": "runner",
    "SettingsError": "settings",
    "StopSignal": "consume",
    "StreamError": "errors",
    "StreamState": "stream",
    "StreamView": "widgets",
    "Turn": "turns",
    "aconsume": "consume",
    "build_config": "settings",
    "compare": "compare",
    "consume": "consume",
    "current_backend": "client",
    "get_client": "client",
    "price_for": "prices",
    "set_prices": "prices",
    "stream": "generate",
    "use_backend": "client",
}

__getattr__, __dir__ = lazy_names(__name__, _PUBLIC)
__all__ = sorted([*_PUBLIC, "load_ipython_extension"])


def load_ipython_extension(ipython):
    """``%load_ext gemini_widgets``: registers ``%%gemini`` and ``%gemini``."""
    from .magics import load_ipython_extension as load

    load(ipython)
