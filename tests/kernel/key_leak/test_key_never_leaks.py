"""The API key never leaves the SDK's request header: not in a saved notebook, widget state,
output, repr, log line, exception message, exported file or the server's records.

A recognisable fake key is really used: a kernel runs with ``GEMINI_API_KEY`` set to it and
``GOOGLE_GEMINI_BASE_URL`` pointing the SDK's Gemini API backend at an offline server in this
process, which accepts that key only (so every answered request proves the SDK sent it).
Every surface a user touches is run in that kernel through nbclient, and everything it
produced is scanned for the key and for any 12-character piece of it:

* every iopub message, read by a second, independent client (all parents, buffers too);
* the saved ``.ipynb`` with its outputs and ``metadata.widgets`` (base64 buffers decoded),
  and the execute replies;
* every file the kernel wrote (chat exports, a dump of every widget's state, the IPython
  directory), the kernel's log file (root, google_genai, httpx, httpcore, tornado at DEBUG)
  and the kernel process's stderr;
* the offline server's ``requests`` records and its log records in this process.

The same surfaces with the key refused are run again under ``%xmode Verbose`` (whose
tracebacks print every frame's locals, the SDK's request headers among them), and scanned.
A positive control then makes the kernel put pieces of the key into each of those channels
and checks the same scanner finds them, so a clean scan means something.

This file: the key was really used, and the main session left it nowhere. The Verbose
probe is test_key_in_verbose_tracebacks.py, the positive control test_key_scanner_control.py;
the session itself is key_session.py (its cells key_cells.py), the scanner key_scanner.py.
"""

from __future__ import annotations

import json

from key_scanner import Scanner, files_under, notebook_parts
from key_session import Run, scan_phase

from gemini_widgets.offline import OfflineGemini


def test_the_key_was_really_sent_and_refused(run: Run, server: OfflineGemini) -> None:
    """The offline server accepted only the fake key: every 200 proves the SDK sent it."""
    main = server.requests[: run.main.requests]
    answered = [r for r in main if r.status == 200 and r.action == "streamGenerateContent"]
    refused = [r for r in main if r.status == 400]
    assert len(answered) >= 20 and len(refused) >= 5, [(r.action, r.status) for r in main]
    assert all(r.had_key for r in main)
    assert all(r.headers.get("x-goog-api-key") == "<redacted>" for r in main)


def test_no_artifact_holds_the_key_or_a_piece_of_it(run: Run, server: OfflineGemini, key: str):
    scanner = Scanner(key)
    scan_phase(scanner, run, server, None, run.main)
    for name, data in notebook_parts(run.notebook):
        scanner.scan(name, data)
    for name, data in files_under(run.work):  # exports, widget states, .ipython
        if name != "control.txt":
            scanner.scan(f"work/{name}", data)

    assert scanner.full_hits == 0 and scanner.fragment_hits == 0, scanner.report()
    # What was covered: hundreds of messages, the notebook with its widget state, the rest.
    print(scanner.report())
    nb = json.loads(run.notebook.read_text(encoding="utf-8"))
    widget_state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    exported = {p.name for p in run.work.iterdir()}
    assert {"chat.md", "chat.json", "widget_states.json"} <= exported
    assert len(widget_state["state"]) >= 20
    assert run.main.messages >= 400 and run.main.log > 10_000
    assert scanner.artifacts >= 400 and scanner.bytes >= 3_000_000, scanner.report()
