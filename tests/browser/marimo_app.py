"""A real ``marimo edit`` / ``marimo run`` server on one notebook, and its page.

Started per test (a marimo server serves one notebook file), with the same environment as
the Jupyter servers (``server_process.kernel_env``): the offline backend, no API key,
Gemini-like pacing.
marimo renders each widget in an open shadow root; Playwright's CSS locators pierce it, and
``SHADOW_FIND_JS`` does the same for code run in the page.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page
from server_process import ARTIFACTS, TIMEOUT_MS, free_port, kernel_env, stop_process, wait_until_up

# Every element matching a selector, in shadow roots too (marimo puts each widget in one),
# in document order.
SHADOW_ALL_JS = """(selector) => {
    const found = [];
    const walk = (root) => root.querySelectorAll('*').forEach((el) => {
        if (el.matches(selector)) found.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
    });
    walk(document);
    return found;
}"""

# Finds the first element matching a selector, looking inside shadow roots too.
SHADOW_FIND_JS = """(selector) => {
    const find = (root) => {
        const hit = root.querySelector(selector);
        if (hit) return hit;
        for (const el of root.querySelectorAll('*')) {
            if (el.shadowRoot) {
                const inner = find(el.shadowRoot);
                if (inner) return inner;
            }
        }
        return null;
    };
    return find(document);
}"""


def marimo_notebook(*cells: str, width: str = "compact") -> str:
    """A marimo notebook file whose cells are ``cells`` (marimo works out what each cell
    defines and reads when it loads the file; every cell here returns nothing), ``width``
    wide (marimo's ``compact``, ``medium`` or ``full``)."""
    parts = [f"import marimo\n\napp = marimo.App(width={width!r})\n"]
    for source in cells:
        body = textwrap.indent(textwrap.dedent(source).strip(), "    ")
        parts.append(f"\n@app.cell\ndef _():\n{body}\n    return\n")
    parts.append('\n\nif __name__ == "__main__":\n    app.run()\n')
    return "".join(parts)


@dataclass
class MarimoServer:
    mode: str
    url: str
    path: Path
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_process(self.process)


@contextmanager
def marimo_server(mode: str, notebook: Path, home: Path) -> Iterator[MarimoServer]:
    """``marimo edit`` or ``marimo run`` on ``notebook`` until the block ends."""
    env = kernel_env(home)
    env.update(XDG_CONFIG_HOME=str(home / "xdg-config"), XDG_CACHE_HOME=str(home / "xdg-cache"))
    env.pop("GEMINI_WIDGETS_DISPLAY", None)
    port = free_port()
    log = home / f"marimo-{mode}.log"
    command = [
        *(sys.executable, "-m", "marimo", "-y", mode, str(notebook)),
        *("--headless", "--no-token", f"--port={port}", "--host=127.0.0.1"),
        *(["--skip-update-check"] if mode == "edit" else []),
    ]
    process = subprocess.Popen(
        command, env=env, cwd=notebook.parent, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    server = MarimoServer(mode, f"http://127.0.0.1:{port}", notebook, process, log)
    try:
        wait_until_up("marimo", process, log, lambda: _health(server.url))
        yield server
    finally:
        server.stop()


def _health(url: str) -> None:
    with urllib.request.urlopen(f"{url}/health", timeout=5):
        pass


class MarimoPage:
    """The notebook's page: run cells as a user does, look at the widgets' DOM."""

    def __init__(self, page: Page, server: MarimoServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name

    def open(self) -> MarimoPage:
        self.page.goto(self.server.url)
        return self

    def run_all(self) -> None:
        """The Run button at the bottom right (runs every cell that has not run)."""
        self.page.locator("[data-testid=cell-editor]").first.wait_for()
        self.page.locator("[data-testid=run-button]").last.click()

    def run_cell(self, containing: str) -> None:
        """Ctrl+Enter in the cell whose code contains ``containing`` (its run button can be
        under the page's sticky header)."""
        cell = self.page.locator(".marimo-cell", has_text=containing)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+Enter")

    def find(self, selector: str, script: str) -> object:
        """``script`` (a JS expression of ``el``) on the first element matching ``selector``,
        in the page or any shadow root; None while there is none."""
        return self.page.evaluate(
            f"(s) => {{ const el = ({SHADOW_FIND_JS})(s); return el ? ({script}) : null; }}",
            selector,
        )

    def wait_for(self, selector: str, condition: str, timeout: float = TIMEOUT_MS) -> None:
        """Wait until ``condition`` (a JS expression of ``el``) holds for ``selector``."""
        self.page.wait_for_function(
            f"(s) => {{ const el = ({SHADOW_FIND_JS})(s); return !!el && ({condition}); }}",
            arg=selector,
            timeout=timeout,
        )

    def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
