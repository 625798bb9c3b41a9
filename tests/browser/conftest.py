"""Real JupyterLab / Notebook 7 servers and Debian's Chromium, driven by Playwright.

One Lab server per session (a Notebook 7 server only when a test asks for it), a fresh
browser context per test. Each test writes its own notebook into the server's root, opens it,
runs it like a user would, and looks at the DOM of the live widget. Kernels inherit an
environment with the offline backend and no API key, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium: Playwright's own browsers cannot be downloaded here. Without the
# background-networking flags Chromium's connections are refused by the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright  # noqa: E402
from server_process import (  # noqa: E402
    ARTIFACTS,
    TIMEOUT_MS,
    free_port,
    kernel_env,
    stop_process,
    wait_until_up,
)


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


@dataclass
class JupyterServer:
    """A running ``jupyter lab`` or ``jupyter notebook`` on localhost."""

    app: str
    url: str
    token: str
    root: Path
    settings_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def page_url(self, path: str) -> str:
        return f"{self.url}{path}?token={self.token}"

    def reset(self) -> None:
        """End every session and kernel, and forget Lab's workspace (its open tabs), so a
        test neither piles up kernels nor reopens the notebooks of the tests before it."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
        if self.app == "lab":
            for workspace in self.api("GET", "/lab/api/workspaces")["workspaces"]["ids"]:
                self.api("DELETE", f"/lab/api/workspaces/{workspace}")

    def write_settings(self, plugin: str, values: dict[str, Any]) -> None:
        """Pre-write a user setting, e.g. ``@jupyterlab/apputils-extension:themes``."""
        package, name = plugin.split(":")
        path = self.settings_dir / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")

    def stop(self) -> None:
        stop_process(self.process)


def start_server(app: str, home: Path) -> JupyterServer:
    """Start ``jupyter <app>`` (lab or notebook) with its root in ``home/root``."""
    root = home / "root"
    root.mkdir(parents=True)
    env = kernel_env(home)
    token = secrets.token_hex(16)
    port = free_port()
    log = home / f"{app}.log"
    module = {"lab": "jupyterlab", "notebook": "notebook"}[app]
    app_class = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}[app]
    command = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--allow-root",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
        # No PyPI look-ups from the extension manager on a closed network.
        *(["--LabApp.extension_manager=readonly"] if app == "lab" else []),
        # window.jupyterapp: lets a test wait on kernel status and run commands exactly.
        f"--{app_class}.expose_app_in_browser=True",
    ]
    process = subprocess.Popen(
        command, env=env, cwd=root, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    server = JupyterServer(
        app=app,
        url=f"http://127.0.0.1:{port}",
        token=token,
        root=root,
        settings_dir=Path(env["JUPYTERLAB_SETTINGS_DIR"]),
        process=process,
        log=log,
    )
    # No news / update pop-ups over the notebook in screenshots.
    server.write_settings(
        "@jupyterlab/apputils-extension:notification",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    wait_until_up(f"jupyter {app}", process, log, lambda: server.api("GET", "/api/status"))
    return server


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


def failed_tests_of_module(request: pytest.FixtureRequest) -> list[str]:
    """The tests of ``request``'s module that failed so far: a module-scoped page prints its
    console only then. The session also holds nbval's notebook cells, which have no module."""
    return [
        item.nodeid
        for item in request.session.items
        if getattr(item, "module", None) is request.module
        and getattr(getattr(item, "report_call", None), "failed", False)
    ]


# ---- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Console:
    """What the page said: console messages and uncaught errors."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        line = f"[{message.type}] {message.text}"
        self.messages.append(line)
        if message.type == "error":
            self.errors.append(line)

    def on_page_error(self, error: Exception) -> None:
        line = f"[pageerror] {error}"
        self.messages.append(line)
        self.errors.append(line)

    def widget_errors(self) -> list[str]:
        """Errors that mention the widget, anywidget or the renderer."""
        pattern = re.compile(r"gw-|gemini|anywidget|widget|renderer|stream_view", re.I)
        return [line for line in self.errors if pattern.search(line)]


class Notebook:
    """One notebook open in a page of Lab (or Notebook 7): write, open, run, look."""

    def __init__(self, page: Page, server: JupyterServer, name: str, console: Console) -> None:
        self.page = page
        self.server = server
        self.name = name
        self.console = console
        self.path = server.root / f"{name}.ipynb"

    # ---- files ----

    def write(self, *cells: str) -> Notebook:
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        nbformat.write(notebook, self.path)
        return self

    def read(self) -> nbformat.NotebookNode:
        return nbformat.read(self.path, as_version=4)

    # ---- the page ----

    def open(self) -> Notebook:
        # A workspace of its own in Lab: the server-side reset after each test races with
        # the closed page's last debounced workspace save, and a workspace that survives
        # reopens that test's notebook as a hidden tab beside this one. A reload keeps the
        # URL, so it restores this notebook and nothing else.
        route = f"/lab/workspaces/{self.name}/tree/" if self.server.app == "lab" else "/notebooks/"
        self.page.goto(self.server.page_url(f"{route}{self.path.name}"))
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        self.wait_kernel_idle()
        return self

    def kernel_status(self) -> str:
        # Not proof that a cell is done: ipykernel 7 publishes "idle" for the subshell that
        # the widget manager creates, so Lab may say idle while a cell still runs.
        return self.page.evaluate(_KERNEL_STATUS_JS, self.path.name)

    def wait_kernel_idle(self, timeout: float = TIMEOUT_MS) -> None:
        """The kernel is idle and no cell waits to run (``[*]``)."""
        self.page.wait_for_function(
            f"""name => ({_KERNEL_STATUS_JS})(name) === 'idle'
                && ![...document.querySelectorAll('.jp-InputPrompt')]
                     .some(p => p.textContent.includes('*'))""",
            arg=self.path.name,
            timeout=timeout,
        )

    def run_all(self, wait: bool = True) -> None:
        """Run → Run All Cells, from the menu bar, as a user does."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        if wait:
            self.wait_until_cells_ran()

    def wait_until_cells_ran(self, timeout: float = TIMEOUT_MS) -> None:
        """Every code cell has an execution count and the kernel is idle."""
        self.page.wait_for_function(
            f"""name => {{
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return prompts.length > 0
                    && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))
                    && ({_KERNEL_STATUS_JS})(name) === 'idle';
            }}""",
            arg=self.path.name,
            timeout=timeout,
        )

    @contextmanager
    def dark_theme(self) -> Iterator[None]:
        """JupyterLab Dark for the block, then Light again (also when the block fails)."""
        try:
            self._set_theme("JupyterLab Dark", light=False)
            yield
        finally:
            self._set_theme("JupyterLab Light", light=True)

    def _set_theme(self, theme: str, *, light: bool) -> None:
        # Lab covers the page with its splash while a theme loads: done once it is gone.
        self.command("apputils:change-theme", {"theme": theme})
        self.page.wait_for_function(
            "light => document.body.dataset.jpThemeLight === light", arg=str(light).lower()
        )
        self.page.wait_for_selector("#jupyterlab-splash", state="detached")

    def command(self, name: str, args: dict[str, Any] | None = None) -> Any:
        """Run a JupyterLab command through the app (``expose_app_in_browser``)."""
        return self.page.evaluate(
            "([name, args]) => window.jupyterapp.commands.execute(name, args)", [name, args or {}]
        )

    def wait_final_display(self, timeout: float = TIMEOUT_MS) -> None:
        """The stream's display was updated with its final answer (``text/markdown`` beside
        the widget view in the cell's output model): the front end re-renders that output,
        so the view seen before this may be replaced by a new one."""
        self.page.wait_for_function(_FINAL_DISPLAY_JS, arg=self.path.name, timeout=timeout)

    def wait_body_text(self, at_least: int = 1, index: int = 0, timeout=TIMEOUT_MS) -> str:
        """Wait until the ``index``-th view's body has ``at_least`` characters; return them.
        Queried by selector each time, so a view replaced by a display update is followed."""
        self.page.wait_for_function(
            """([i, n]) => {
                const body = document.querySelectorAll('.gw-stream')[i]?.querySelector('.gw-body');
                return body && body.textContent.length >= n;
            }""",
            arg=[index, at_least],
            timeout=timeout,
        )
        return self.stream_view(index).locator(".gw-body").text_content()

    def give_widgets_no_kernel_handle(self, hidden: bool = True) -> None:
        """Make the page what VS Code, Colab or marimo are to a widget: one that cannot
        interrupt the kernel (its connection's ``interrupt`` shadowed; ``False`` restores it)."""
        self.page.evaluate(_KERNEL_HANDLE_JS, [self.path.name, hidden])

    def kernel_output(self, code: str) -> str:
        """Run ``code`` in this notebook's kernel, out of band (no cell), and return its
        stdout; an exception raises here with the kernel's traceback."""
        result = self.page.evaluate(_KERNEL_EXECUTE_JS, [self.path.name, code])
        if result["error"]:
            raise AssertionError(f"kernel error running {code!r}:\n{result['error']}")
        return result["stdout"]

    def save(self) -> None:
        """Ctrl+S, then wait until the file on disk is newer and the tab is clean."""
        before = self.path.stat().st_mtime_ns
        self.page.locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Control+s")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while self.path.stat().st_mtime_ns == before:
            if time.monotonic() > deadline:
                raise AssertionError("the notebook was not saved after Ctrl+S")
            self.page.wait_for_timeout(100)

    def stream_view(self, index: int = 0):
        return self.page.locator(".gw-stream").nth(index)

    def wait_status(self, status: str | re.Pattern[str], index: int = 0, timeout=TIMEOUT_MS):
        view = self.stream_view(index)
        view.wait_for(timeout=timeout)
        pattern = status if isinstance(status, re.Pattern) else re.compile(f"^{status}$")
        from playwright.sync_api import expect

        expect(view).to_have_attribute("data-status", pattern, timeout=timeout)
        return view

    def screenshot(self, step: str, *, full_page: bool = False, locator=None) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        if locator is not None:
            locator.screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path


# The notebook panel of a file, found by path: not the app's currentWidget, which may be
# an output view or another tab.
_PANEL_JS = """(name) => {
    const app = window.jupyterapp;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context && widget.context.path === name) return widget;
    }
    return null;
}"""

_KERNEL_STATUS_JS = f"""(name) => {{
    const panel = ({_PANEL_JS})(name);
    return panel?.sessionContext?.session?.kernel?.status ?? 'no-kernel';
}}"""


_KERNEL_EXECUTE_JS = f"""async ([name, code]) => {{
    const kernel = ({_PANEL_JS})(name).sessionContext.session.kernel;
    const future = kernel.requestExecute({{ code, silent: false, store_history: false }});
    let stdout = '';
    let error = '';
    future.onIOPub = (msg) => {{
        if (msg.header.msg_type === 'stream') stdout += msg.content.text;
        if (msg.header.msg_type === 'error') error = msg.content.traceback.join('\\n');
    }};
    await future.done;
    return {{ stdout, error }};
}}"""


_KERNEL_HANDLE_JS = f"""([name, hidden]) => {{
    const kernel = ({_PANEL_JS})(name).sessionContext.session.kernel;
    if (hidden) kernel.interrupt = undefined;
    else delete kernel.interrupt;
}}"""


_FINAL_DISPLAY_JS = f"""(name) => {{
    const notebook = ({_PANEL_JS})(name).content;
    for (const cell of notebook.widgets) {{
        const outputs = cell.model.outputs;
        if (!outputs) continue;
        for (let i = 0; i < outputs.length; i++) {{
            const data = outputs.get(i).data;
            if (data['application/vnd.jupyter.widget-view+json'] && data['text/markdown']) {{
                return true;
            }}
        }}
    }}
    return false;
}}"""


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
