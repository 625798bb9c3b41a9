"""gemini-widgets: stream Google Gemini into Jupyter as rendered Markdown.

from gemini_widgets import stream, StreamView
result = stream("Explain binary search", temperature=0.2)
"""

from .chat import Chat
from .client import Backend, MissingApiKeyError, current_backend, get_client, use_backend
from .consume import StopSignal, aconsume, consume
from .errors import StreamError
from .generate import BackgroundStream, stream
from .settings import SettingsError, build_config
from .stream import Delta, StreamState
from .widgets import StreamView

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext gemini_widgets``: registers ``%%gemini`` and ``%gemini``."""
    from .magics import load_ipython_extension as load

    load(ipython)


__all__ = [
    "Backend",
    "BackgroundStream",
    "Chat",
    "Delta",
    "MissingApiKeyError",
    "SettingsError",
    "StopSignal",
    "StreamError",
    "StreamState",
    "StreamView",
    "aconsume",
    "build_config",
    "consume",
    "current_backend",
    "get_client",
    "load_ipython_extension",
    "stream",
    "use_backend",
]
