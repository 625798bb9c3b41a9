"""A real ``jupyter lab`` or ``jupyter notebook`` on localhost, started for the browser tests
(and the Lab benchmark): its REST API, its settings, its reset between tests.

A module of its own, imported by name: every conftest.py is imported as ``conftest``.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server_process import free_port, kernel_env, stop_process, wait_until_up


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
