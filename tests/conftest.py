"""Fixtures shared by every layer: one offline server per session, a real SDK client on it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from google import genai
from google.genai import types

from gemini_widgets.offline import OfflineGemini, Pacing

MODEL = "gemini-2.5-flash"


@pytest.fixture(scope="session")
def offline_session() -> Iterator[OfflineGemini]:
    with OfflineGemini(pacing=Pacing.instant()) as server:
        yield server


@pytest.fixture
def server(offline_session: OfflineGemini) -> Iterator[OfflineGemini]:
    """The session's offline server, with no requests, scripts or faults left from before."""
    offline_session.reset()
    yield offline_session
    offline_session.reset()


@pytest.fixture
def client(server: OfflineGemini) -> genai.Client:
    """The real google-genai client, talking HTTP to the offline server."""
    return genai.Client(
        api_key="test-key", http_options=types.HttpOptions(base_url=server.base_url)
    )


@pytest.fixture(scope="session")
def ipython():
    """The process's one IPython test shell, with the extension loaded.

    ``globalipapp.get_ipython`` imported before the shell starts stays a function that
    returns None once it has started, so every test module asks for the shell here.
    """
    from IPython.testing import globalipapp

    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "gemini_widgets")
    return shell


@pytest.fixture(autouse=True)
def _forget_conversations() -> Iterator[None]:
    """Named conversations live for the process (as in a kernel): each test starts with none."""
    yield
    from gemini_widgets.conversation import conversations

    for conversation in conversations.values():
        conversation.stop()
    conversations.clear()


@pytest.fixture
def model() -> str:
    return MODEL


@pytest.fixture
def wait_for_requests() -> Callable[[OfflineGemini, int], None]:
    """``wait_for_requests(server, n)``: until the server has received ``n`` requests. A
    client that gave up early (a short timeout) may leave before its request arrives on a
    busy machine; arriving after the test, it would be counted by the next one."""

    def wait(server: OfflineGemini, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(server.requests) < count:
            assert time.monotonic() < deadline, f"fewer than {count} requests after 60 s"
            time.sleep(0.01)

    return wait


class FakeClock:
    """A clock tests move by hand: ``clock.now = 0.5``."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread while its browser lives, and ``asyncio.run`` in any later test would fail."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
