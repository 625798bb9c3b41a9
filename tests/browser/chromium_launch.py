"""How the browser tests and the browser benchmarks launch Chromium: Debian's, with flags for a
closed network."""

from __future__ import annotations

from pathlib import Path

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
