"""The offline server under load: 50 SDK streams at once, and malformed requests among them.

While 50 ``client.aio.models.generate_content_stream`` calls stream (light pacing: ~50
chunks of 10-20 ms each), malformed requests arrive over raw httpx and raw sockets: bad
JSON, unknown fields, wrong types, wrong methods, unknown paths and models, no key, a 20 MB
prompt, garbage bytes, half a request then a hang-up, headers that stall for the whole run,
and clients that leave mid-stream. Every stream must end with the very text the server gives
the same prompt+seed unloaded, every malformed request its 4xx in Google's error shape, the
server thread must log no error, and a normal request must still work afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import types

from gemini_widgets.offline import OfflineGemini, Pacing

MODEL = "gemini-2.5-flash"
STREAMS = 50
KEY = "load-test-key"
SUBJECTS = [
    "tides",
    "bread",
    "comets",
    "bees",
    "glass",
    "maps",
    "clocks",
    "rivers",
    "salt",
    "kites",
]
PROMPTS = [f"Question {i}: explain {SUBJECTS[i % len(SUBJECTS)]} simply." for i in range(STREAMS)]
STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
REPEAT = 3  # each cheap malformed request is sent this many times, at once


@dataclass
class Bad:
    """A malformed HTTP request and the status it must get."""

    method: str
    path: str
    status: int
    body: bytes | Callable[[], bytes] | None = None
    """The body, or what makes it (the 20 MB one is built only when the test runs)."""
    key: bool = True
    repeat: int = REPEAT
    message: str = ""
    """Part of the error message it must get."""


STREAM_PATH = f"/v1beta/models/{MODEL}:streamGenerateContent?alt=sse"
GOOD = {"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


MALFORMED: dict[str, Bad] = {
    "invalid JSON": Bad("POST", STREAM_PATH, 400, b'{"contents": [', message="Invalid JSON"),
    "unknown field": Bad("POST", STREAM_PATH, 400, _json({**GOOD, "fooBar": 1}), message="fooBar"),
    "unknown config field": Bad(
        "POST", STREAM_PATH, 400, _json({**GOOD, "generationConfig": {"fooBar": 1}})
    ),
    "wrong type: contents": Bad("POST", STREAM_PATH, 400, _json({"contents": "hello"})),
    "wrong type: text": Bad(
        "POST", STREAM_PATH, 400, _json({"contents": [{"parts": [{"text": 5}]}]})
    ),
    "wrong type: temperature": Bad(
        "POST", STREAM_PATH, 400, _json({**GOOD, "generationConfig": {"temperature": "hot"}})
    ),
    "array body": Bad("POST", STREAM_PATH, 400, b"[1, 2]"),
    "empty body": Bad("POST", STREAM_PATH, 400, b"", message="contents is not specified"),
    "NaN literal": Bad(
        "POST",
        STREAM_PATH,
        400,
        b'{"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"temperature": NaN}}',
    ),
    "deep nesting": Bad(
        "POST", STREAM_PATH, 400, b'{"contents": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    ),
    "binary body": Bad("POST", STREAM_PATH, 400, bytes(range(256)) * 8),
    "GET on streamGenerateContent": Bad("GET", STREAM_PATH, 405),
    "DELETE on a model": Bad("DELETE", f"/v1beta/models/{MODEL}", 405),
    "POST on the model list": Bad("POST", "/v1beta/models", 405, _json(GOOD)),
    "unknown path": Bad("POST", "/v9/nowhere", 404, _json(GOOD)),
    "unknown model": Bad(
        "POST", STREAM_PATH.replace(MODEL, "gemini-0-imaginary"), 404, _json(GOOD), message="0-im"
    ),
    "unknown action": Bad("POST", f"/v1beta/models/{MODEL}:fooBar", 404, _json(GOOD)),
    "missing key": Bad("POST", STREAM_PATH, 403, _json(GOOD), key=False),
    "20 MB prompt": Bad(
        "POST",
        STREAM_PATH,
        400,
        lambda: _json({"contents": [{"parts": [{"text": "lorem ipsum " * (20 * 2**20 // 12)}]}]}),
        repeat=1,
        message="exceeds the maximum number of tokens allowed (1048576)",
    ),
}


@pytest.fixture
def loaded_server() -> Iterator[OfflineGemini]:
    """A server of its own: the test changes its pacing and reads all its requests."""
    with OfflineGemini(pacing=Pacing.instant()) as server:
        yield server


def _client(server: OfflineGemini) -> genai.Client:
    return genai.Client(api_key=KEY, http_options=types.HttpOptions(base_url=server.base_url))


def _config(i: int) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(seed=i)


@dataclass(frozen=True)
class UntilAllStreaming(Pacing):
    """Like ``Pacing`` once every stream has its first chunk and the malformed requests are
    out; 1 s between chunks before that. So the load is what the test says it is (all 50
    streaming when the malformed ones arrive) by construction, not by a race a busy machine
    can lose: no answer can end before (and streams served one after another would take
    minutes)."""

    first_chunks: list[float] = field(default_factory=list)
    malformed_sent: threading.Event = field(default_factory=threading.Event)

    def gap(self, rng: random.Random) -> float:
        if len(self.first_chunks) < STREAMS or not self.malformed_sent.is_set():
            return 1.0
        return super().gap(rng)


async def _stream(client: genai.Client, i: int, first_chunks: list[float]) -> dict[str, Any]:
    started = time.monotonic()
    chunks: list[str] = []
    first = None
    async for chunk in await client.aio.models.generate_content_stream(
        model=MODEL, contents=PROMPTS[i], config=_config(i)
    ):
        if first is None:
            first = time.monotonic()
            first_chunks.append(first)
        chunks.append(chunk.text or "")
    end = time.monotonic()
    return dict(text="".join(chunks), chunks=len(chunks), start=started, first=first, end=end)


async def _bad(http: httpx.AsyncClient, kind: str, bad: Bad) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if bad.key:
        headers["x-goog-api-key"] = KEY
    body = bad.body() if callable(bad.body) else bad.body
    response = await http.request(bad.method, bad.path, content=body, headers=headers)
    return dict(
        kind=kind, status=response.status_code, body=response.content, headers=response.headers
    )


async def _raw(port: int, data: bytes) -> bytes:
    """Send bytes on a fresh TCP connection; what came back before the server closed it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), 60)
    writer.close()
    return reply


async def _half_request_then_hang_up(port: int) -> None:
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /v1beta/models/gemini-half-request:streamGenerateContent HTTP/1.1\r\n"
        b"Host: x\r\nx-goog-api-key: k\r\nContent-Length: 1000\r\n\r\n"
        b'{"contents": [{"parts": [{"te'
    )
    await writer.drain()
    writer.close()


async def _leave_sdk_stream_early(client: genai.Client) -> int:
    """An SDK stream whose reader stops after 3 chunks (closing the connection)."""
    received = 0
    stream = await client.aio.models.generate_content_stream(
        model=MODEL, contents="A long answer I will not finish reading.", config=_config(999)
    )
    async for _ in stream:
        received += 1
        if received == 3:
            break
    await stream.aclose()
    return received


async def _leave_raw_stream_early(http: httpx.AsyncClient) -> int:
    async with http.stream(
        "POST", STREAM_PATH, content=_json(GOOD), headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                return 1  # leaving the block closes the connection mid-stream
    return 0


async def _load(server: OfflineGemini, pacing: UntilAllStreaming) -> dict[str, Any]:
    port = server.port
    assert port is not None
    client = _client(server)
    first_chunks = pacing.first_chunks
    streams = [asyncio.create_task(_stream(client, i, first_chunks)) for i in range(STREAMS)]

    # Headers that never end: held open through the whole run, finished at the end.
    stalled_reader, stalled = await asyncio.open_connection("127.0.0.1", port)
    stalled.write(
        f"POST /v1beta/models/{MODEL}:countTokens HTTP/1.1\r\nHost: x\r\n"
        f"x-goog-api-key: {KEY}\r\n".encode()
    )
    await stalled.drain()

    while len(first_chunks) < STREAMS // 2:  # the malformed ones arrive mid-stream
        await asyncio.sleep(0.005)
    malformed_at = time.monotonic()
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as http:
        bad = [
            asyncio.create_task(_bad(http, kind, spec))
            for kind, spec in MALFORMED.items()
            for _ in range(spec.repeat)
        ]
        garbage = [
            asyncio.create_task(_raw(port, b"\x00\xffGARBAGE \x01\x02\r\n\r\n")),
            asyncio.create_task(_raw(port, b"HELLO SERVER\r\n\r\n")),
        ]
        hang_ups = [asyncio.create_task(_half_request_then_hang_up(port)) for _ in range(3)]
        leavers = [
            asyncio.create_task(_leave_sdk_stream_early(client)),
            asyncio.create_task(_leave_raw_stream_early(http)),
        ]
        pacing.malformed_sent.set()
        stream_results = await asyncio.gather(*streams)
        bad_results = await asyncio.gather(*bad)
        garbage_replies = await asyncio.gather(*garbage)
        await asyncio.gather(*hang_ups)
        left_after = await asyncio.gather(*leavers)

    # The stalled client finally sends the rest of its request: it is served normally.
    body = _json({"contents": [{"parts": [{"text": "count me"}]}]})
    stalled.write(f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await stalled.drain()
    stalled_reply = await asyncio.wait_for(stalled_reader.read(), 60)
    stalled.close()
    return dict(
        streams=stream_results,
        bad=bad_results,
        garbage=garbage_replies,
        hang_ups=len(hang_ups),
        left_after=left_after,
        stalled_reply=stalled_reply,
        malformed_at=malformed_at,
    )


@pytest.mark.timeout(120)
def test_50_streams_and_malformed_requests_at_once(loaded_server, caplog):
    server = loaded_server
    caplog.set_level(logging.WARNING)
    client = _client(server)

    # Unloaded answers first, one at a time, streamed instantly.
    expected = [
        "".join(
            c.text or ""
            for c in client.models.generate_content_stream(
                model=MODEL, contents=PROMPTS[i], config=_config(i)
            )
        )
        for i in range(STREAMS)
    ]
    assert len(set(expected)) == STREAMS
    server.reset()

    pacing = UntilAllStreaming(first_chunk=0.05, between=(0.01, 0.02))
    server.state.pacing = pacing
    started = time.monotonic()
    run = asyncio.run(asyncio.wait_for(_load(server, pacing), 90))
    elapsed = time.monotonic() - started
    server.state.pacing = Pacing.instant()

    # Every stream completed with its full text: the one it gets unloaded.
    streams = run["streams"]
    assert len(streams) == STREAMS
    for i, stream in enumerate(streams):
        assert stream["text"] == expected[i], i
    # ...and they ran at once: all had text before the first one ended, and the malformed
    # requests went out while all of them were still streaming.
    first_end = min(s["end"] for s in streams)
    assert max(s["first"] for s in streams) < first_end
    assert run["malformed_at"] < first_end

    # Every malformed HTTP request got its 4xx with Google's error JSON.
    counts = Counter()
    for result in run["bad"]:
        spec = MALFORMED[result["kind"]]
        assert result["status"] == spec.status, (result["kind"], result["status"], result["body"])
        error = json.loads(result["body"])["error"]
        assert set(error) >= {"code", "message", "status"}, result["kind"]
        assert error["code"] == spec.status and error["message"], result["kind"]
        assert error["status"] == STATUS_NAMES.get(spec.status, error["status"]), result["kind"]
        assert isinstance(error["status"], str) and error["status"], result["kind"]
        assert spec.message in error["message"], (result["kind"], error["message"])
        assert result["headers"]["x-gemini-offline"] == "1"
        counts[result["kind"]] += 1
    assert counts == {kind: spec.repeat for kind, spec in MALFORMED.items()}
    assert sum(counts.values()) == 3 * (len(MALFORMED) - 1) + 1 == 55

    # Bytes that are not HTTP: a bare 400 (there is no request to route, so no JSON).
    assert run["garbage"] == [b"HTTP/1.1 400 Bad Request\r\n\r\n"] * 2
    # Half a request, then a hang-up: nothing recorded, nothing answered, nothing broken.
    assert run["hang_ups"] == 3
    assert not [r for r in server.requests if r.model == "gemini-half-request"]
    # Clients that left mid-stream were answered 200 up to when they left.
    assert run["left_after"] == [3, 1]
    # The stalled client (headers pending through the whole run) is then served normally.
    head, _, body = run["stalled_reply"].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), head
    assert json.loads(body)["totalTokens"] > 0

    # What the server recorded: 50 + 2 streams, the malformed ones, the count; no 5xx.
    # (A 405 is tornado's answer before any handler method runs, so it is not recorded.)
    statuses = Counter(r.status for r in server.requests)
    assert statuses[200] == STREAMS + 2 + 1
    assert not [s for s in statuses if s >= 500], statuses
    not_allowed = sum(spec.repeat for spec in MALFORMED.values() if spec.status == 405)
    assert sum(statuses.values()) == STREAMS + 2 + 55 - not_allowed + 1

    # The server's thread logged no error (an uncaught exception in a handler would).
    server_errors = [
        r for r in caplog.records if r.threadName == "gemini-offline" and r.levelno >= logging.ERROR
    ]
    assert not server_errors, [r.getMessage() for r in server_errors]

    # And it still answers a normal request, the same as before the load.
    after = client.models.generate_content(model=MODEL, contents=PROMPTS[0], config=_config(0))
    assert after.text == expected[0]
    socket.create_connection(("127.0.0.1", server.port), timeout=5).close()

    durations = sorted(s["end"] - s["start"] for s in streams)
    print(
        f"\n{STREAMS} streams ({sum(s['chunks'] for s in streams)} chunks) in {elapsed:.2f} s, "
        f"each {durations[0]:.2f}-{durations[-1]:.2f} s; {sum(counts.values())} malformed "
        f"HTTP requests of {len(counts)} kinds, 2 garbage, 3 hang-ups, 2 early leavers, "
        f"1 stalled; statuses {dict(sorted(statuses.items()))}"
    )
