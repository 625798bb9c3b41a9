"""Recorded streams replay in the SDK's own replay format; the server runs as a command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from google import genai
from google.genai import types
from google.genai._replay_api_client import ReplayFile

from gemini_widgets.offline import Fault, OfflineGemini, Pacing, record_stream


def test_recorded_stream_replays_chunk_for_chunk_with_its_timing(client, server, model, tmp_path):
    server.script("first ", "second ", "third")
    server.fail_next(Fault.slow(between=0.02))
    path = tmp_path / "story.json"
    recorded = list(
        record_stream(
            client.models.generate_content_stream(model=model, contents="Tell a story"),
            path,
            model=model,
            contents="Tell a story",
        )
    )
    data = json.loads(path.read_text())
    ReplayFile.model_validate(data)  # the SDK's own replay format
    response = data["interactions"][0]["response"]
    assert len(response["headers"]["x-chunk-delays"].split(",")) == 3
    assert "x-goog-api-key" not in json.dumps(data)

    with OfflineGemini(pacing=Pacing.instant()) as fresh:
        fresh.replay(path)
        other = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=fresh.base_url))
        replayed = list(other.models.generate_content_stream(model=model, contents="Tell a story"))
        unrelated = other.models.generate_content(model=model, contents="Something else").text
    assert (
        [c.text for c in replayed] == [c.text for c in recorded] == ["first ", "second ", "third"]
    )
    assert unrelated  # a request not in the recording gets the demo answer


def test_sdk_recorded_replay_file_is_served(server, client, model, tmp_path):
    sdk_file = {
        "replay_id": "models/generate_content_stream/test_simple",
        "interactions": [
            {
                "request": {
                    "method": "post",
                    "url": "{MLDEV_URL_PREFIX}/models/gemini-2.5-flash:streamGenerateContent",
                    "headers": {},
                    "body_segments": [
                        {"contents": [{"parts": [{"text": "Tell me a joke"}], "role": "user"}]}
                    ],
                },
                "response": {
                    "status_code": 200,
                    "headers": {},
                    "body_segments": [
                        {
                            "candidates": [
                                {"content": {"parts": [{"text": "Why did"}], "role": "model"}}
                            ]
                        },
                        {
                            "candidates": [
                                {
                                    "content": {
                                        "parts": [{"text": " the chicken..."}],
                                        "role": "model",
                                    },
                                    "finishReason": "STOP",
                                }
                            ]
                        },
                    ],
                    "sdk_response_segments": [],
                },
            }
        ],
    }
    path = tmp_path / "sdk.json"
    path.write_text(json.dumps(sdk_file))
    server.replay(path)
    chunks = list(client.models.generate_content_stream(model=model, contents="Tell me a joke"))
    assert [c.text for c in chunks] == ["Why did", " the chicken..."]


def test_command_serves_until_stopped(model):
    process = subprocess.Popen(
        [sys.executable, "-m", "gemini_widgets.offline", "--pacing", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Offline Gemini serving on http://127.0.0.1:")
        base_url = line.split()[4]
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=base_url))
        chunks = list(client.models.generate_content_stream(model=model, contents="Hello"))
        assert len(chunks) > 1
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_command_refuses_a_non_loopback_host():
    result = subprocess.run(
        [sys.executable, "-m", "gemini_widgets.offline", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "loopback only" in result.stderr


def test_server_refuses_non_loopback_unless_asked():
    with pytest.raises(ValueError, match="loopback only"):
        OfflineGemini(host="0.0.0.0")
