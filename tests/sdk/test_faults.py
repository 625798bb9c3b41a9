"""Every fault the offline server injects reaches the real SDK as Gemini's would."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from gemini_widgets.offline import Fault

WORDS = [f"w{i} " for i in range(10)]


@pytest.mark.parametrize(
    ("status", "error_type", "status_name"),
    [
        (400, errors.ClientError, "INVALID_ARGUMENT"),
        (403, errors.ClientError, "PERMISSION_DENIED"),
        (404, errors.ClientError, "NOT_FOUND"),
        (429, errors.ClientError, "RESOURCE_EXHAUSTED"),
        (500, errors.ServerError, "INTERNAL"),
        (503, errors.ServerError, "UNAVAILABLE"),
    ],
)
def test_http_status_faults_raise_the_sdk_error(
    client, server, model, status, error_type, status_name
):
    server.fail_next(Fault.http(status))
    with pytest.raises(error_type) as caught:
        list(client.models.generate_content_stream(model=model, contents="x"))
    assert caught.value.code == status
    assert caught.value.status == status_name


def test_429_carries_retry_info(client, server, model):
    server.fail_next(Fault.http(429, retry_after=7))
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=model, contents="x")
    details = caught.value.details["error"]["details"]
    retry = [d for d in details if d["@type"].endswith("RetryInfo")]
    assert retry == [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]


def test_unknown_model_is_404(client):
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-0-imaginary", contents="x")
    assert caught.value.code == 404
    assert "gemini-0-imaginary" in caught.value.message


def test_drop_after_n_chunks_raises_the_transport_error_after_them(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.drop(after=4))
    received = []
    with pytest.raises(httpx2.RemoteProtocolError):
        for chunk in client.models.generate_content_stream(model=model, contents="x"):
            received.append(chunk.text)
    assert received == WORDS[:4]


def test_malformed_event_raises_unknown_api_response(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.malformed(after=2))
    received = []
    with pytest.raises(errors.UnknownApiResponseError):
        for chunk in client.models.generate_content_stream(model=model, contents="x"):
            received.append(chunk.text)
    assert received == WORDS[:2]


def test_error_event_mid_stream_raises_after_earlier_chunks(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.error_event(after=3, status=503))
    received = []
    with pytest.raises(errors.ServerError) as caught:
        for chunk in client.models.generate_content_stream(model=model, contents="x"):
            received.append(chunk.text)
    assert received == WORDS[:3]
    assert caught.value.code == 503


def test_blocked_prompt_has_block_reason_and_no_candidates(client, server, model):
    server.fail_next(Fault.blocked("SAFETY"))
    chunks = list(client.models.generate_content_stream(model=model, contents="x"))
    assert len(chunks) == 1
    assert chunks[0].prompt_feedback.block_reason == types.BlockedReason.SAFETY
    assert not chunks[0].candidates


@pytest.mark.parametrize("reason", ["SAFETY", "MAX_TOKENS", "RECITATION"])
def test_early_finish_reasons_end_the_stream(client, server, model, reason):
    server.script(*WORDS)
    server.fail_next(Fault.finish(reason, after=3))
    chunks = list(client.models.generate_content_stream(model=model, contents="x"))
    assert "".join(c.text or "" for c in chunks) == "".join(WORDS[:3])
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason(reason)
    if reason == "SAFETY":
        assert any(r.blocked for r in chunks[-1].candidates[0].safety_ratings)


def test_delay_before_first_chunk_trips_the_client_timeout(server, model, wait_for_requests):
    server.fail_next(Fault.slow(first_chunk=30))  # never in time, however busy the machine
    impatient = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=server.base_url, timeout=500)
    )
    with pytest.raises(httpx2.TimeoutException):
        list(impatient.models.generate_content_stream(model=model, contents="x"))
    wait_for_requests(server, 1)


def test_fault_by_request_header(server, model):
    server.script(*WORDS)
    faulty = genai.Client(
        api_key="k",
        http_options=types.HttpOptions(
            base_url=server.base_url, headers={"x-offline-fault": Fault.http(503).to_header()}
        ),
    )
    with pytest.raises(errors.ServerError):
        list(faulty.models.generate_content_stream(model=model, contents="x"))


def test_fault_applies_to_matching_prompt_only(client, server, model):
    server.script("fine")
    server.fail_next(Fault.http(500), match="poison")
    assert client.models.generate_content(model=model, contents="safe").text == "fine"
    with pytest.raises(errors.ServerError):
        client.models.generate_content(model=model, contents="some poison here")


def test_async_drop_keeps_chunks_then_raises(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.drop(after=5))

    async def read() -> tuple[list[str], BaseException | None]:
        got: list[str] = []
        try:
            async for chunk in await client.aio.models.generate_content_stream(
                model=model, contents="x"
            ):
                got.append(chunk.text)
        except Exception as exc:
            return got, exc
        return got, None

    got, exc = asyncio.run(read())
    assert got == WORDS[:5]
    assert exc is not None


def _post(server, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        server.base_url + path, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_missing_key_is_403_as_google_sends_it(server, model):
    status, body = _post(
        server,
        f"/v1beta/models/{model}:generateContent",
        json.dumps({"contents": [{"parts": [{"text": "x"}]}]}).encode(),
        {},
    )
    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"contents": []}',
        b'{"contents": [{"parts": [{"txet": "x"}]}]}',
        b'{"unknownField": 1}',
    ],
)
def test_bad_bodies_are_400_and_the_server_stays_up(client, server, model, body):
    status, payload = _post(
        server,
        f"/v1beta/models/{model}:streamGenerateContent?alt=sse",
        body,
        {"x-goog-api-key": "k", "content-type": "application/json"},
    )
    assert status == 400
    assert payload["error"]["status"] == "INVALID_ARGUMENT"
    server.script("still here")
    assert client.models.generate_content(model=model, contents="x").text == "still here"
