"""An offline, Gemini-compatible HTTP server for the real google-genai SDK.

    from gemini_widgets.offline import OfflineGemini, Fault
    with OfflineGemini() as server:
        client = genai.Client(api_key="offline",
                              http_options=types.HttpOptions(base_url=server.base_url))

Nothing in it calls a model: answers are written locally (demo), scripted, or replayed.
"""

from .code_runner import CodeLimits
from .faults import Fault, FaultQueue
from .pacing import Pacing
from .replay import ReplayResponder, record_stream
from .responders import Script
from .server import OfflineGemini

__all__ = [
    "CodeLimits",
    "Fault",
    "FaultQueue",
    "OfflineGemini",
    "Pacing",
    "ReplayResponder",
    "Script",
    "record_stream",
]
