"""Positive control of the key-leak scan: the kernel put pieces of the key into each
channel the scan reads, and the same scanner finds them there, so a clean scan means
something."""

from __future__ import annotations

import json
from dataclasses import asdict

from key_scanner import WINDOW, Scanner, message_parts, notebook_parts
from key_session import Run

from gemini_widgets.offline import OfflineGemini


def test_the_scanner_finds_the_key_where_it_is(run: Run, server: OfflineGemini, key: str):
    """Positive control: pieces of the key put into each channel are found in each."""
    found = {}
    scanner = Scanner(key)
    control = run.messages[run.probe.messages :]
    found["iopub"] = sum(
        scanner.scan("control iopub", data) for m in control for _, data in message_parts(m)
    )
    found["notebook"] = sum(scanner.scan(n, d) for n, d in notebook_parts(run.throwaway))
    nb = json.loads(run.throwaway.read_text(encoding="utf-8"))
    found["widget state"] = scanner.scan("control widgets", json.dumps(nb["metadata"]["widgets"]))
    found["files"] = scanner.scan("control.txt", (run.work / "control.txt").read_bytes())
    found["log"] = scanner.scan("log", run.log.read_bytes()[run.probe.log :])
    found["stderr"] = scanner.scan("stderr", run.stderr.read_bytes()[run.probe.stderr :])
    found["requests"] = sum(
        scanner.scan("control request", json.dumps(asdict(r), default=str))
        for r in server.requests[run.probe.requests :]
    )
    found["server log"] = scanner.scan(
        "control server log", "\n".join(run.server_logs[run.probe.server_logs :])
    )
    assert all(found.values()), found
    assert scanner.full_hits >= 4, scanner.report()
    # a planted string, independent of the kernel: a 12-character piece and nothing less
    assert Scanner(key).scan("planted", f"~~{key[7:19]}~~") == 1
    assert Scanner(key).scan("planted", f"~~{key[7:18]}~~") == 0  # no key character around it
    assert Scanner(key).scan("planted", f'{{"k": "{key.upper()}"}}') == len(key) - WINDOW + 1
