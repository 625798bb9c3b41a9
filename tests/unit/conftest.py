"""Fixtures of the unit tests that drive the %%gemini magic through a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gemini_widgets import client as factory
from gemini_widgets.offline import OfflineGemini


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineGemini]:
    """The process's offline server, as the magic finds it with no key set: emptied before
    and after, and the client factory's backend forgotten both times."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_WIDGETS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    factory._reset_for_tests()
    server = factory.offline_server()
    server.reset()
    yield server
    server.reset()
    factory._reset_for_tests()
