"""Fixtures of the key-leak tests: the fake key, an offline server that accepts only it,
and one kernel session (``run``) every test here scans; package-scoped, so the kernel runs
once for all of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from key_scanner import fake_key
from key_session import Run, run_session

from gemini_widgets.offline import OfflineGemini, Pacing


@pytest.fixture(scope="package")
def key() -> str:
    return fake_key()


@pytest.fixture(scope="package")
def server(key: str) -> Iterator[OfflineGemini]:
    with OfflineGemini(api_keys=[key], pacing=Pacing.instant(), deterministic=True) as server:
        yield server


@pytest.fixture(scope="package")
def run(key: str, server: OfflineGemini, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_session(key, server, tmp_path_factory.mktemp("leak"))
