"""The client factory picks the backend from the environment and never exposes the key."""

from __future__ import annotations

import pytest

from gemini_widgets import client as factory
from gemini_widgets.offline import OfflineGemini, Pacing

# Shaped like a real key (the prefix is split so no scanner mistakes this file for a leak).
FAKE_KEY = "AI" + "zaFAKE-test-key-0123456789abcdefghijklmn"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GEMINI_WIDGETS_BACKEND",
    ):
        monkeypatch.delenv(name, raising=False)
    factory._reset_for_tests()
    yield
    factory._reset_for_tests()


def test_no_key_means_offline():
    assert factory.current_backend().kind == "offline"


def test_a_key_means_the_gemini_api(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", FAKE_KEY)
    backend = factory.current_backend()
    assert backend.kind == "gemini"
    assert FAKE_KEY not in repr(backend) and FAKE_KEY not in str(backend)


def test_env_override_wins_over_a_key(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("GEMINI_WIDGETS_BACKEND", "offline")
    assert factory.current_backend().is_offline


def test_vertex_follows_the_sdk_variable(monkeypatch):
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    assert factory.current_backend().kind == "vertex"


def test_live_without_key_says_how_to_set_it():
    with pytest.raises(factory.MissingApiKeyError) as caught:
        factory.use_backend("live")
    message = str(caught.value)
    assert "GEMINI_API_KEY" in message and "offline" in message
    assert "\n" not in message


def test_unknown_backend_is_a_one_line_error():
    with pytest.raises(ValueError, match="Unknown backend 'cloud'"):
        factory.use_backend("cloud")


def test_offline_client_streams_from_the_process_server():
    client = factory.get_client("offline")
    assert client is factory.get_client("offline")  # cached: it must outlive its streams
    server = factory.offline_server()
    server.script("from the factory")
    text = "".join(
        c.text
        for c in client.models.generate_content_stream(model="gemini-2.5-flash", contents="x")
    )
    assert text == "from the factory"
    assert factory.current_backend().label.startswith("offline server (http://127.0.0.1:")
    server.reset()


def test_offline_client_does_not_send_a_real_key(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", FAKE_KEY)
    with OfflineGemini(api_keys={factory.OFFLINE_KEY}, pacing=Pacing.instant()) as strict:
        monkeypatch.setattr(factory, "_server", strict)
        strict.script("ok")  # a real key would be refused with 400 API_KEY_INVALID
        reply = factory.get_client("offline").models.generate_content(
            model="gemini-2.5-flash", contents="x"
        )
        assert reply.text == "ok"
