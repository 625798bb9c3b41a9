"""``python -m gemini_widgets.offline --port 8765``: run the offline server until Ctrl+C."""

from __future__ import annotations

import argparse
import contextlib
import threading

from .pacing import Pacing
from .server import OfflineGemini


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m gemini_widgets.offline",
        description="An offline, Gemini-compatible server for the google-genai SDK.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (not advised)"
    )
    parser.add_argument(
        "--pacing", type=float, default=None, help="delay scale: 0 instant, 1 like Gemini"
    )
    parser.add_argument("--scripts", help="JSON file of scripted answers")
    parser.add_argument("--replay", action="append", default=[], help="replay file (repeatable)")
    parser.add_argument("--no-key", action="store_true", help="accept requests with no API key")
    parser.add_argument(
        "--deterministic", action="store_true", help="same request, same answer, without a seed"
    )
    args = parser.parse_args(argv)
    pacing = Pacing.scaled(args.pacing) if args.pacing is not None else None
    try:
        server = OfflineGemini(
            port=args.port,
            host=args.host,
            pacing=pacing,
            require_key=not args.no_key,
            deterministic=args.deterministic,
            scripts=args.scripts,
            allow_remote=args.allow_remote,
        )
    except ValueError as exc:
        parser.error(str(exc))
    for path in args.replay:
        server.replay(path)
    with server:
        print(f"Offline Gemini serving on {server.base_url}  (Ctrl+C to stop)", flush=True)
        print(f"  export GOOGLE_GEMINI_BASE_URL={server.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
