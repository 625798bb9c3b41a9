"""One notebook open in a page of Lab or Notebook 7 (``Notebook``), and what its page said
(``Console``): the helpers a browser test drives the notebook with, as a user would."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_launcher import JupyterServer
from lab_page_js import _FINAL_DISPLAY_JS, _KERNEL_EXECUTE_JS, _KERNEL_HANDLE_JS, _KERNEL_STATUS_JS
from playwright.sync_api import ConsoleMessage, Page
from server_process import ARTIFACTS, TIMEOUT_MS


def write_notebook(path: Path, cells: list[str] | tuple[str, ...]) -> None:
    """A notebook of these code cells, on the ipykernel Python kernel, at ``path``."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(notebook, path)


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
        write_notebook(self.path, cells)
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
