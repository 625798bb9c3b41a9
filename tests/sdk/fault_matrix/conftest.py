"""Fixtures of the fault x surface matrix: one offline server, client and event loop that
every surface streams through."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fault_cases import script_answers
from fault_surfaces import Context
from google import genai
from google.genai import types

from gemini_widgets import client as factory
from gemini_widgets.offline import OfflineGemini


@pytest.fixture(scope="module")
def ip(ipython: Any) -> Any:
    return ipython


@pytest.fixture(scope="module")
def offline(
    offline_session: OfflineGemini,
) -> Iterator[tuple[genai.Client, asyncio.AbstractEventLoop]]:
    """The session's offline server (pacing 0) for every surface: ``stream()`` and ``Chat``
    get a client on it, the magic finds it as the process's offline server. One client and
    one event loop for the module (a client costs ~50 ms; its async half stays on the loop
    it began on)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_WIDGETS_BACKEND"):
            patch.delenv(name, raising=False)
        factory._reset_for_tests()
        patch.setattr(factory, "_server", offline_session)
        client = genai.Client(
            api_key="test-key", http_options=types.HttpOptions(base_url=offline_session.base_url)
        )
        loop = asyncio.new_event_loop()
        yield client, loop
        loop.close()
        factory._reset_for_tests()


@pytest.fixture
def ctx(server, offline, monkeypatch, ip) -> Context:
    script_answers(server)
    client, loop = offline
    return Context(server, client, monkeypatch, ip, loop)
