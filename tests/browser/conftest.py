"""Real JupyterLab / Notebook 7 servers and Debian's Chromium, driven by Playwright.

One Lab server per session (a Notebook 7 server only when a test asks for it), a fresh
browser context per test. Each test writes its own notebook into the server's root, opens it,
runs it like a user would, and looks at the DOM of the live widget. Kernels inherit an
environment with the offline backend and no API key, so nothing leaves the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from chromium_launch import CHROMIUM, CHROMIUM_ARGS

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from jupyter_launcher import JupyterServer, start_server
from marimo_app import MarimoPage, marimo_notebook, marimo_server
from page_lifecycle import _open_page, module_page
from playwright.sync_api import Browser, sync_playwright
from server_process import ARTIFACTS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives real JupyterLab / Notebook 7 in headless Chromium"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    # Fixtures read this to print the browser console only when the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ---- servers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = start_server("lab", tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = start_server("notebook", tmp_path_factory.mktemp("notebook"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """What a test module's own module-scoped page needs from here: ``module_page``. (Every
    conftest.py is imported as ``conftest``, so neither an import nor ``sys.modules`` finds
    this one.)"""
    return SimpleNamespace(module_page=module_page)


# ---- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go, for a test that has a page but no ``Notebook``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def lab(browser: Browser, lab_server: JupyterServer, request: pytest.FixtureRequest):
    """A notebook in a fresh page of the session's JupyterLab (named after the test)."""
    yield from _open_page(browser, request, lab_server)


@pytest.fixture
def notebook7(browser: Browser, notebook_server: JupyterServer, request: pytest.FixtureRequest):
    """A notebook in a fresh page of the session's Notebook 7 server."""
    yield from _open_page(browser, request, notebook_server)


# ---- marimo ----------------------------------------------------------------------------------


@pytest.fixture
def marimo_page(browser: Browser, tmp_path, request: pytest.FixtureRequest) -> Iterator:
    """Open a page on a marimo server started for ``cells`` (``mode``: edit or run; ``width``:
    the notebook's)."""
    name = re.sub(r"[^\w-]+", "_", request.node.name)
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    pages: list[MarimoPage] = []

    @contextmanager
    def open_notebook(cells: tuple[str, ...], mode: str = "edit", width: str = "compact"):
        path = tmp_path / f"{name}.py"
        path.write_text(marimo_notebook(*cells, width=width), encoding="utf-8")
        with marimo_server(mode, path, tmp_path) as server:
            page = MarimoPage(context.new_page(), server, name)
            pages.append(page)
            yield page.open()

    try:
        yield open_notebook
    finally:
        report = getattr(request.node, "report_call", None)
        if (report is None or report.failed) and pages:
            try:
                pages[-1].screenshot("failure")
            except Exception as exc:
                print(f"(no failure screenshot: {exc})")
        context.close()
