"""The renderer's main-thread cost in real Chromium, incremental vs re-rendering it all.

A 300 KB demo answer (the offline server's "45000-word report": headings, lists, GFM
tables, fenced code, display and inline math) is cut into deltas of 300-600 characters,
what a fast stream brings in 1/30 s (the kernel's coalescing interval when this was
written; it is 1/20 s now, so real deltas are larger and fewer), and fed to the
shipped bundle (``gemini_widgets/static/renderer.js``) one delta per animation frame, as
StreamView's glue does: append, then ``render()`` in ``requestAnimationFrame``, then its
copy-button scan. Side by side in one run, on a fresh page each time and alternating:

    incremental  ``IncrementalRenderer.append(delta)`` + ``render()`` (what ships)
    naive        ``container.innerHTML = renderMarkdown(fullText)`` every frame

Per update: ``render()`` time (``performance.now()``), the copy-button scan, and the style +
layout it causes (forced with ``offsetHeight`` so it is timed apart); p50 / p95 / max per
50 KB of document (goal for the incremental renderer: flat, p95 <= 8 ms). Also the
delay from the last delta to its paint (double ``requestAnimationFrame``) and long tasks /
long animation frames (>= 50 ms) seen by a ``PerformanceObserver``.

The page and the bundle are served from 127.0.0.1 by ``http.server``; every other request
is refused, so nothing leaves the machine.

    .venv/bin/python benchmarks/bench_browser_render.py            # ~4-5 min, mostly the naive run
    .venv/bin/python benchmarks/bench_browser_render.py --quick    # ~25 s
"""

from __future__ import annotations

import http.server
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _harness import arguments, progress
from _render_tables import print_by_content, print_probe, print_tables
from google import genai
from google.genai import types

from gemini_widgets.offline import OfflineGemini
from gemini_widgets.offline.pacing import Pacing

HERE = Path(__file__).resolve().parent
PAGE = HERE / "browser_render"
STATIC = HERE.parent / "gemini_widgets" / "static"
PROMPT = "Write a 45000-word report on distributed databases"
PROBE_CHILDREN = (100, 500, 1_000, 2_000, 4_000)
ROUTES = {
    "/": (PAGE / "index.html", "text/html"),
    "/bench.js": (PAGE / "bench.js", "text/javascript"),
    "/renderer.js": (STATIC / "renderer.js", "text/javascript"),
    "/renderer.css": (STATIC / "renderer.css", "text/css"),
    "/stream_view.css": (STATIC / "stream_view.css", "text/css"),
}


def main() -> None:
    args = arguments(__doc__.split("\n")[0], size=300_000, repeats=3, naive_runs=1, seed=1)
    if args.quick:
        args.size, args.repeats, args.naive_runs = 60_000, 1, 1
    progress(f"writing a {args.size:,}-character demo answer")
    text = demo_answer(args.size)
    deltas = cut(text, random.Random(args.seed))
    # The naive variant takes ~10x as long as the incremental one: fewer runs of it, placed
    # between the incremental runs (I N I I ...) so both see the same machine.
    schedule = []
    for i in range(max(args.repeats, args.naive_runs)):
        schedule += ["incremental"] * (i < args.repeats) + ["naive"] * (i < args.naive_runs)
    progress(f"{len(deltas)} deltas of 300-600 characters; runs: {' '.join(schedule)}")

    runs: dict[str, list[dict[str, Any]]] = {"incremental": [], "naive": []}
    with serve() as base_url, browser() as page:
        for variant in schedule:
            page.goto(base_url)  # a fresh page (heap, DOM, caches) per run
            page.wait_for_function("window.benchReady === true")
            started = time.perf_counter()
            result = page.evaluate("([v, d]) => window.bench.run(v, d)", [variant, deltas])
            progress(
                f"{variant:<11} {time.perf_counter() - started:5.1f} s, "
                f"{sum(u['render'] for u in result['updates']) / 1000:.2f} s in render()"
            )
            if not result["sameAsWholeRender"]:
                raise RuntimeError("The incremental DOM differs from renderMarkdown(text).")
            runs[variant].append(result)
        progress("layout probe")
        probe = {
            mode: [
                (n, page.evaluate("([n, m]) => window.bench.layoutProbe(n, m)", [n, mode]))
                for n in PROBE_CHILDREN
            ]
            for mode in ("flat", "grouped")
        }
        version = page.context.browser.version

    print(f"\nChromium {version}, headless, 2 cores; {describe(text, deltas, runs)}\n")
    print_tables(runs)
    print_by_content(runs["incremental"], text)
    print_probe(probe)


# ---- the answer ---------------------------------------------------------------------------


def demo_answer(size: int) -> str:
    """The offline demo writer's report, cut to ``size`` characters (mid-block, as a live
    stream would be)."""
    words = max(1_000, size * 45_000 // 300_000 + 1_000)
    with OfflineGemini(pacing=Pacing.instant(), deterministic=True) as server:
        client = genai.Client(
            api_key="bench", http_options=types.HttpOptions(base_url=server.base_url)
        )
        answer = client.models.generate_content(
            model="gemini-2.5-flash", contents=PROMPT.replace("45000", str(words))
        ).text
    if len(answer) < size:
        raise RuntimeError(f"The demo answer has {len(answer):,} characters, wanted {size:,}.")
    return answer[:size]


def cut(text: str, rng: random.Random) -> list[str]:
    """Deltas of 300-600 characters: a fast stream's text per 1/30 s (more, smaller
    renders than the kernel's 1/20 s interval makes: the stricter case)."""
    deltas, at = [], 0
    while at < len(text):
        step = rng.randint(300, 600)
        deltas.append(text[at : at + step])
        at += step
    return deltas


def describe(text: str, deltas: list[str], runs: dict[str, list[dict[str, Any]]]) -> str:
    last = runs["incremental"][-1]
    return (
        f"{len(text):,} characters of Markdown ({text.count('```') // 2} code blocks, "
        f"{text.count('$$') // 2} display formulas, {text.count(chr(10) + '| ---')} tables, "
        f"{text.count(chr(10) + '#')} headings) in {len(deltas)} deltas; rendered: "
        f"{last['htmlChars']:,} characters of HTML, {last['nodes']:,} elements, "
        f"{last['children']:,} of them top-level blocks in the answer's container. "
        f"{len(runs['incremental'])} incremental and {len(runs['naive'])} naive run(s), "
        "interleaved; percentiles pool the runs' updates."
    )


# ---- serving and driving ------------------------------------------------------------------


class serve:
    """``http.server`` on 127.0.0.1, a free port, serving ROUTES only."""

    def __enter__(self) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = ROUTES.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                body = route[0].read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", f"{route[1]}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                # Cross-origin isolation: performance.now() at 5 us instead of 100 us.
                self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class browser:
    """Debian's Chromium, headless, one page; requests off 127.0.0.1 are refused."""

    def __enter__(self) -> Any:
        from playwright.sync_api import sync_playwright

        # The browser tests' Chromium and flags (Debian's, for a closed network).
        sys.path.insert(0, str(HERE.parent / "tests" / "browser"))
        from chromium_launch import CHROMIUM, CHROMIUM_ARGS

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        page = self.browser.new_page(viewport={"width": 1000, "height": 800})
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1:")
                else route.abort()
            ),
        )
        page.on("pageerror", lambda error: progress(f"page error: {error}"))
        page.set_default_timeout(900_000)
        return page

    def __exit__(self, *exc: object) -> None:
        self.browser.close()
        self.playwright.stop()


if __name__ == "__main__":
    began = time.perf_counter()
    main()
    progress(f"done in {time.perf_counter() - began:.0f} s")
