"""A notebook page's life in a test: opened in a browser context of its own, then closed
and the server reset; on failure its screenshot, console and the server log are shown.

Per test (``_open_page``, behind the ``lab`` / ``notebook7`` fixtures) or per test module
(``module_page``, through the ``kit`` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jupyter_launcher import JupyterServer
from notebook_page import Console, Notebook
from playwright.sync_api import Browser
from server_process import TIMEOUT_MS


def failed_tests_of_module(request: pytest.FixtureRequest) -> list[str]:
    """The tests of ``request``'s module that failed so far: a module-scoped page prints its
    console only then. The session also holds nbval's notebook cells, which have no module."""
    return [
        item.nodeid
        for item in request.session.items
        if getattr(item, "module", None) is request.module
        and getattr(getattr(item, "report_call", None), "failed", False)
    ]


def _open_page(
    browser: Browser, request: pytest.FixtureRequest, server: JupyterServer
) -> Iterator[Notebook]:
    notebook = _new_notebook(browser, server, re.sub(r"[^\w-]+", "_", request.node.name))
    try:
        yield notebook
    finally:
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            _show_failure(notebook, request.node.name, notebook.console.messages)
            print(f"---- end of the server log ({server.log}) ----")
            print(server.log.read_text(errors="replace")[-4000:])
        notebook.page.context.close()
        server.reset()


@contextmanager
def module_page(
    browser: Browser, server: JupyterServer, request: pytest.FixtureRequest
) -> Iterator[Notebook]:
    """A page that all the tests of ``request``'s module share, for a notebook that is run
    once, named after the module. Its screenshot and console are shown when the block raises
    or when a test of the module failed; then the page is closed and the server reset."""
    name = Path(request.module.__file__).stem
    notebook = _new_notebook(browser, server, name)
    try:
        yield notebook
    except Exception:
        _show_failure(notebook, name, notebook.console.messages[-200:])
        raise
    else:
        if failed_tests_of_module(request):
            _show_failure(notebook, name, notebook.console.messages[-200:])
    finally:
        notebook.page.context.close()
        server.reset()


def _new_notebook(browser: Browser, server: JupyterServer, name: str) -> Notebook:
    """A notebook in a browser context of its own, its page's console recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    console = Console()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    return Notebook(page, server, name, console)


def _show_failure(notebook: Notebook, title: str, messages: list[str]) -> None:
    try:
        notebook.screenshot("failure", full_page=True)
    except Exception as exc:  # the page may be gone; the console matters more
        print(f"(no failure screenshot: {exc})")
    print(f"\n---- browser console of {title} ----")
    print("\n".join(messages) or "(empty)")
