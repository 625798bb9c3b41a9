"""The key-leak scan of the ``%xmode Verbose`` probe: every package surface, with the key
refused, leaves no piece of the key in the tracebacks that print every frame's locals."""

from __future__ import annotations

from key_scanner import Scanner
from key_session import Run, scan_phase

from gemini_widgets.offline import OfflineGemini


def test_verbose_tracebacks_from_package_surfaces_hold_no_key(
    run: Run, server: OfflineGemini, key: str
):
    """Under `%xmode Verbose` a traceback prints every frame's locals, and the SDK's frames
    hold the request headers: so no package surface may let an SDK error out as a traceback
    (`%gemini models` did, before it said one sentence instead)."""
    scanner = Scanner(key)
    scan_phase(scanner, run, server, run.main, run.probe)
    assert scanner.full_hits == 0 and scanner.fragment_hits == 0, scanner.report()
    assert scanner.artifacts >= 20, scanner.report()
