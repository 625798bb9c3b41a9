"""Replay files that browser tests write for ``offline_server().replay(path)``: a prompt's
streamed answer as raw candidate chunks, in the SDK's replay-file format
(gemini_widgets/offline/replay.py), so any part JSON reaches the views through the real SDK.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gemini_widgets.offline.replay import DELAYS_HEADER


def answer_chunk(*parts: dict[str, Any], **candidate: Any) -> dict[str, Any]:
    """One streamed response: the model's ``parts``, and candidate fields such as
    ``finishReason`` or ``groundingMetadata``."""
    return {
        "candidates": [
            {"content": {"role": "model", "parts": list(parts)}, "index": 0, **candidate}
        ]
    }


def stream_interaction(
    prompt: str, chunks: list[dict[str, Any]], delays: Sequence[float] | None = None
) -> dict[str, Any]:
    """A streamGenerateContent request for ``prompt`` answered with ``chunks``; ``delays``
    (seconds before each chunk) replace the server's pacing."""
    headers = {"Content-Type": "text/event-stream"}
    if delays is not None:
        headers[DELAYS_HEADER] = ",".join(str(d) for d in delays)
    return {
        "request": {
            "method": "post",
            "url": "{MLDEV_URL_PREFIX}/models/gemini-2.5-flash:streamGenerateContent",
            "headers": {"Content-Type": "application/json"},
            "body_segments": [{"contents": [{"role": "user", "parts": [{"text": prompt}]}]}],
        },
        "response": {
            "status_code": 200,
            "headers": headers,
            "body_segments": chunks,
            "sdk_response_segments": [],
        },
    }
