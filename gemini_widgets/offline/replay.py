"""Replay recorded streams with their timing, in the google-genai SDK's own replay format.

The file is the SDK's ``ReplayFile`` (``replay_id``, ``interactions[].request`` /
``.response.body_segments``), so recordings made by the SDK's replay client
(``GOOGLE_GENAI_CLIENT_MODE=record``) replay here unchanged, and ours validate as SDK
replay files. The SDK's models forbid extra fields, so the timing travels as a response
header, ``x-chunk-delays`` (comma-separated seconds before each chunk); without it the
server's pacing applies.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.genai import types

from .catalogue import OfflineModel
from .responders import Reply
from .wire import ApiError, ParsedRequest, parse_generate_request

__all__ = ["ReplayResponder", "record_stream"]

DELAYS_HEADER = "x-chunk-delays"


def _read_delays(headers: dict[str, str]) -> list[float] | None:
    value = {k.lower(): v for k, v in headers.items()}.get(DELAYS_HEADER)
    if not value:
        return None
    try:
        return [float(x) for x in value.split(",")]
    except ValueError:
        return None


def _contents_key(contents: Sequence[types.Content]) -> str:
    return json.dumps(
        [c.model_dump(mode="json", exclude_none=True) for c in contents], sort_keys=True
    )


@dataclass
class ReplayResponder:
    """Answers a request whose contents equal a recorded one with the recorded chunks."""

    recordings: list[tuple[str, list[dict[str, Any]], list[float] | None]] = field(
        default_factory=list
    )
    """(the contents as a key, the recorded chunks, the seconds before each chunk)."""
    _served: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path) -> ReplayResponder:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        recordings = []
        for interaction in data.get("interactions", []):
            request, response = interaction["request"], interaction["response"]
            if response.get("status_code", 200) != 200:
                continue
            body = (request.get("body_segments") or [{}])[0]
            try:
                parsed = parse_generate_request("", body)
            except ApiError:
                continue  # not a generate request (a models.get, a file upload...)
            chunks = list(response.get("body_segments") or [])
            delays = _read_delays(response.get("headers") or {})
            recordings.append((_contents_key(parsed.contents), chunks, delays))
        return cls(recordings)

    def respond(
        self, request: ParsedRequest, model: OfflineModel, rng: random.Random
    ) -> Reply | None:
        key = _contents_key(request.contents)
        matching = [r for r in self.recordings if r[0] == key]
        if not matching:
            return None
        # Identical requests recorded several times are served in turn.
        turn = self._served.get(key, 0)
        self._served[key] = turn + 1
        _, chunks, delays = matching[turn % len(matching)]
        return Reply(list(chunks), delays)


def record_stream(
    responses: Iterable[types.GenerateContentResponse],
    path: str | Path,
    *,
    model: str,
    contents: str | Sequence[types.Content],
    replay_id: str | None = None,
) -> Iterator[types.GenerateContentResponse]:
    """Pass a stream through unchanged while recording it, with its timing, to ``path``.

    ``for chunk in record_stream(client.models.generate_content_stream(...), "x.json", ...)``
    records a real Gemini stream once; ``server.replay("x.json")`` replays it offline.
    Only the request contents and the response chunks are written: never headers or keys.
    """
    if isinstance(contents, str):
        contents = [types.Content(role="user", parts=[types.Part(text=contents)])]
    chunks: list[dict[str, Any]] = []
    delays: list[float] = []
    last = time.monotonic()
    try:
        for response in responses:
            now = time.monotonic()
            delays.append(round(now - last, 4))
            last = now
            chunks.append(response.model_dump(mode="json", by_alias=True, exclude_none=True))
            yield response
    finally:
        interaction = {
            "request": {
                "method": "post",
                "url": f"{{MLDEV_URL_PREFIX}}/models/{model}:streamGenerateContent?alt=sse",
                "headers": {"Content-Type": "application/json"},
                "body_segments": [
                    {
                        "contents": [
                            c.model_dump(mode="json", by_alias=True, exclude_none=True)
                            for c in contents
                        ]
                    }
                ],
            },
            "response": {
                "status_code": 200,
                "headers": {
                    "Content-Type": "text/event-stream",
                    DELAYS_HEADER: ",".join(f"{d:g}" for d in delays),
                },
                "body_segments": chunks,
                "sdk_response_segments": [],
            },
        }
        Path(path).write_text(
            json.dumps(
                {"replay_id": replay_id or Path(path).stem, "interactions": [interaction]},
                indent=2,
            ),
            encoding="utf-8",
        )
