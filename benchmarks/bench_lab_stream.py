"""Long answers and long chats in real JupyterLab + Chromium: the page's cost, side by side.

A real JupyterLab server (the browser tests' launcher, ``tests/browser/jupyter_launcher.py``) and
Debian's Chromium (headless, through Playwright's ``executable_path``). The kernel's
offline server is scripted with the demo writer's report (headings, lists, GFM tables,
fenced code, display and inline math) cut into 500-character chunks and paced at 60
chunks per second (30 KB/s). Each answer size is shown three ways, one after the other in
one notebook cell (outputs cleared between runs):

    print      ``for chunk in stream: print(chunk.text, end="")``   (plain text)
    cookbook   ``handle = display(Markdown(""), display_id=True)``;
               ``handle.update(Markdown(full))`` per chunk             (the SDK cookbook)
    StreamView ``StreamView(...).consume(stream)``                    (this package)

and a chat: a fresh ``Chat`` streams its first reply, then a ``Chat`` holding 99
exchanges (each reply ~3 KB of the same report, with code and math) streams its 100th; then
that 100-reply chat is displayed again (what reopening the notebook renders).

Measured in the page, per run, from the cell's start until the page has settled (no frame
longer than 50 ms for 0.5 s after the cell ended):

    main thread   the DevTools protocol's ``Performance.getMetrics`` TaskDuration delta
                  (all the renderer's main-thread tasks: our JS, JupyterLab's, style, layout,
                  paint, GC)
    stream        the kernel's own time from the request to the last chunk
    frame gaps    ``requestAnimationFrame`` timestamps: p95 gap, longest, and frames > 50 ms

    .venv/bin/python benchmarks/bench_lab_stream.py                   # 100 KB, 300 KB, 1 MB, chat
    .venv/bin/python benchmarks/bench_lab_stream.py --sizes 100,300 --repeats 2
    .venv/bin/python benchmarks/bench_lab_stream.py --quick           # 30 KB, a 10-reply chat
    .venv/bin/python benchmarks/bench_lab_stream.py --trace           # + a profile (README)
    .venv/bin/python benchmarks/bench_lab_stream.py --follow          # + print and StreamView
                                                                      #   with their end in view

The cookbook pattern is run at the sizes in ``--cookbook-sizes`` only (default 100): at
100 KB it already keeps the page busy ~25x as long as the stream lasts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from _harness import machine, percentile, progress, table

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 500
RATE = 60  # chunks per second
CHAT_REPLY = 3_000
CHAT_CHUNK = 30  # a chat reply streams in ~100 frames, enough for a p95
LONG_FRAME_MS = 50
SETTLED_MS = 500


def lab_fixtures() -> SimpleNamespace:
    """The browser tests' JupyterLab launcher, Chromium settings and Lab page scripts, from
    their own modules in tests/browser (no pytest needed)."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import chromium_launch
    import jupyter_launcher
    import lab_page_js

    return SimpleNamespace(
        start_server=jupyter_launcher.start_server,
        CHROMIUM=chromium_launch.CHROMIUM,
        CHROMIUM_ARGS=chromium_launch.CHROMIUM_ARGS,
        _PANEL_JS=lab_page_js._PANEL_JS,
        _KERNEL_STATUS_JS=lab_page_js._KERNEL_STATUS_JS,
        _KERNEL_EXECUTE_JS=lab_page_js._KERNEL_EXECUTE_JS,
    )


# ---- what the kernel runs ------------------------------------------------------------------

SETUP = """
import re, time
from IPython.display import Markdown, display
from gemini_widgets import Chat, StreamView, get_client
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Pacing

client = get_client()
_server = offline_server()
_server.state.pacing = Pacing.instant()
# The demo writer stops at 100,000 words (~440 KB): reports on several topics, joined.
_topics = iter(['distributed databases', 'compilers', 'operating systems', 'networks',
                'cryptography', 'machine learning', 'graphics', 'storage engines'])
_report = ''
while len(_report) < {largest}:
    _report += client.models.generate_content(
        model='gemini-2.5-flash',
        contents=f'Write a 100000-word report on {{next(_topics)}}').text + '\\n\\n'
_gap = {gap}
_server.state.pacing = Pacing(first_chunk=0.1, between=(_gap, _gap))
_warm = StreamView()  # the kernel's first view sends the renderer bundle: not timed

def _script(prompt, text, size):
    _server.script(*[text[i:i + size] for i in range(0, len(text), size)], prompt=prompt)

def _stream(prompt):
    return client.models.generate_content_stream(model='gemini-2.5-flash', contents=prompt)

def _replies(n, size={reply}):
    # Whole sections of the report, ~size characters each: code, math, tables, lists.
    sections = re.split(r'(?m)^(?=## )', _report)
    out, held = [], ''
    for section in sections:
        held += section
        if len(held) >= size:
            out.append(held)
            held = ''
        if len(out) == n:
            return out
    raise RuntimeError('the report is too short for the chat')
"""

# {prompt} is unique per run; every variant records its stream time in _bench_stream.
VARIANTS = {
    # Nothing shown for as long as the stream would last: what the page and the frame
    # sampler cost by themselves (the sampler asks for a frame every 16 ms), the floor
    # under every other row.
    "idle": """
_t0 = time.perf_counter()
time.sleep(0.1 + {size} / {chunk} * _gap)
_bench_stream = time.perf_counter() - _t0
""",
    "print": """
_script({prompt!r}, _report[:{size}], {chunk})
_t0 = time.perf_counter()
for chunk in _stream({prompt!r}):
    print(chunk.text or '', end='')
_bench_stream = time.perf_counter() - _t0
""",
    "cookbook": """
_script({prompt!r}, _report[:{size}], {chunk})
_t0 = time.perf_counter()
handle = display(Markdown(''), display_id=True)
full = ''
for chunk in _stream({prompt!r}):
    full += chunk.text or ''
    handle.update(Markdown(full))
_bench_stream = time.perf_counter() - _t0
""",
    "StreamView": """
_script({prompt!r}, _report[:{size}], {chunk})
_t0 = time.perf_counter()
_view = StreamView(model='gemini-2.5-flash')
display(_view)
_view.consume(_stream({prompt!r}))
_bench_stream = time.perf_counter() - _t0
""",
}

# The chat is shown in the setup cell (not timed); the timed cell streams its next reply.
CHAT_SHOW = """
_earlier = _replies({earlier} + 1)
_history = []
for _i, _r in enumerate(_earlier[:-1]):
    _history += [{{'role': 'user', 'parts': [{{'text': f'question {{_i}}'}}]}},
                 {{'role': 'model', 'parts': [{{'text': _r}}]}}]
_chat = Chat(key={prompt!r}, history=_history)
display(_chat)
"""

CHAT_SEND = """
_script({prompt!r}, _earlier[-1], {chunk})
_t0 = time.perf_counter()
_chat.send({prompt!r})
_bench_stream = time.perf_counter() - _t0
"""

# The chat the run before this one made, displayed again: a reopened notebook renders it so.
REOPEN = """
_t0 = time.perf_counter()
display(_chat)
_bench_stream = time.perf_counter() - _t0
"""

# ---- what the page runs --------------------------------------------------------------------

SAMPLER_JS = """() => {
    const s = window.__benchFrames = { times: [], on: true };
    const tick = (t) => { if (!s.on) return; s.times.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
}"""

# Resolves once no frame gap has exceeded LONG_FRAME_MS for SETTLED_MS (or after `cap` ms).
SETTLE_JS = """([quiet, long, cap]) => new Promise((resolve) => {
    const s = window.__benchFrames;
    const began = performance.now();
    const check = () => {
        const t = s.times;
        const now = performance.now();
        let calm = t.length > 1;
        for (let i = t.length - 1; i > 0 && t[i] > now - quiet; i--) {
            if (t[i] - t[i - 1] > long) { calm = false; break; }
        }
        const lastGap = t.length ? now - t[t.length - 1] : Infinity;
        if ((calm && lastGap < long && now - t[0] > quiet) || now - began > cap) {
            s.on = false;
            resolve({ times: t, settledAfter: now - began });
        } else {
            setTimeout(check, 50);
        }
    };
    check();
})"""

RUN_CELL_JS = """([name, index, code]) => {
    const app = window.jupyterapp;
    const panel = (%s)(name);
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    notebook.activeCellIndex = index;
    const cell = notebook.widgets[index];
    cell.model.sharedModel.setSource(code);
    const before = cell.model.executionCount;
    app.commands.execute('notebook:run-cell');
    return before;
}"""

# A reader following the answer as it grows: the variant cell's end is scrolled into view
# every 100 ms (what JupyterLab does not do by itself) until UNFOLLOW_JS.
FOLLOW_JS = """([name]) => {
    const cell = (%s)(name).content.widgets[1];
    window.__benchFollow = setInterval(() => cell.node.scrollIntoView({ block: 'end' }), 100);
}"""
UNFOLLOW_JS = "() => clearInterval(window.__benchFollow)"
FOLLOWING = ", following the end"

CELL_DONE_JS = """([name, index, before]) => {
    const panel = (%s)(name);
    const count = panel.content.widgets[index].model.executionCount;
    return count !== null && count !== before;
}"""


class Lab:
    """One notebook in JupyterLab, a cell to run the setup and one to run each variant."""

    def __init__(self, lab: Any, page: Any, server: Any) -> None:
        self.lab, self.page, self.server = lab, page, server
        self.name = "bench.ipynb"
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        self.run_js = RUN_CELL_JS % lab._PANEL_JS
        self.done_js = CELL_DONE_JS % lab._PANEL_JS
        self.follow_js = FOLLOW_JS % lab._PANEL_JS

    def open(self) -> None:
        import nbformat

        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        notebook.cells = [nbformat.v4.new_code_cell(""), nbformat.v4.new_code_cell("")]
        nbformat.write(notebook, self.server.root / self.name)
        self.page.goto(self.server.page_url(f"/lab/tree/{self.name}"))
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        self.page.wait_for_function(
            f"name => ({self.lab._KERNEL_STATUS_JS})(name) === 'idle'", arg=self.name
        )

    def run(self, index: int, code: str, timeout_s: float = 1800) -> None:
        before = self.page.evaluate(self.run_js, [self.name, index, code])
        self.page.wait_for_function(
            self.done_js, arg=[self.name, index, before], timeout=timeout_s * 1000, polling=100
        )
        failed = self.page.evaluate(
            f"([name, index]) => [...({self.lab._PANEL_JS})(name)"
            ".content.widgets[index].model.outputs.toJSON()]"
            ".filter((o) => o.output_type === 'error').map((o) => o.ename + ': ' + o.evalue)",
            [self.name, index],
        )
        if failed:
            raise RuntimeError(f"the cell failed: {failed}")

    def kernel(self, code: str) -> str:
        result = self.page.evaluate(self.lab._KERNEL_EXECUTE_JS, [self.name, code])
        if result["error"]:
            raise RuntimeError(result["error"])
        return result["stdout"]

    def task_seconds(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def settle(self) -> None:
        self.page.evaluate(SAMPLER_JS)
        self.page.evaluate(SETTLE_JS, [SETTLED_MS, LONG_FRAME_MS, 600_000])

    def measure(
        self, code: str, cap_s: float = 600, clear: bool = True, follow: bool = False
    ) -> dict[str, Any]:
        """Run ``code`` in the variant cell; main-thread time and frames until settled.
        ``follow`` keeps the cell's end in view meanwhile, as a reader following it would."""
        if clear:
            self.run(1, "pass")  # clear the last run's outputs before timing
        self.page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300)))"
        )
        self.page.evaluate(SAMPLER_JS)
        task0, wall0 = self.task_seconds(), time.perf_counter()
        if follow:
            self.page.evaluate(self.follow_js, [self.name])
        self.run(1, code, timeout_s=cap_s)
        frames = self.page.evaluate(SETTLE_JS, [SETTLED_MS, LONG_FRAME_MS, cap_s * 1000])
        busy = self.task_seconds() - task0
        if follow:
            self.page.evaluate(UNFOLLOW_JS)
        wall = time.perf_counter() - wall0
        stream = float(self.kernel("print(_bench_stream)"))
        times = frames["times"]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        return {
            "main": busy,
            "stream": stream,
            "wall": wall,
            "p95": percentile(gaps, 0.95) if gaps else float("nan"),
            "longest": max(gaps, default=float("nan")),
            "long": sum(g > LONG_FRAME_MS for g in gaps),
            "frames": len(gaps),
        }


# ---- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,300,1000", help="answer sizes in KB")
    parser.add_argument("--cookbook-sizes", default="100", help="sizes (KB) the cookbook runs at")
    parser.add_argument("--chat", type=int, default=100, help="replies in the long chat (0: none)")
    parser.add_argument("--repeats", type=int, default=1, help="rounds, interleaved")
    parser.add_argument("--quick", action="store_true", help="30 KB and a 10-reply chat")
    parser.add_argument("--trace", action="store_true", help="profile StreamView and the chat")
    parser.add_argument(
        "--follow", action="store_true", help="also print and StreamView with their end in view"
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.cookbook_sizes, args.chat = "30", "30", 10
    sizes = [int(s) * 1000 for s in args.sizes.split(",") if s]
    cookbook = {int(s) * 1000 for s in args.cookbook_sizes.split(",") if s}

    lab = lab_fixtures()
    home = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    progress(f"starting JupyterLab in {home}")
    server = lab.start_server("lab", home)
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    profiles: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(lab.CHROMIUM), args=lab.CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.set_default_timeout(120_000)
            page = context.new_page()
            page.on("pageerror", lambda error: progress(f"page error: {error}"))
            notebook = Lab(lab, page, server)
            notebook.open()
            largest = max([*sizes, (args.chat + 1) * CHAT_REPLY * 2, 60_000])
            progress(f"setup: a {largest:,}-character report in the kernel")
            notebook.run(
                0,
                SETUP.format(largest=largest, gap=1 / RATE, reply=CHAT_REPLY),
            )
            version = browser.version
            serial = 0
            for round_ in range(args.repeats):
                for size in sizes:
                    runs = [(v, False) for v in VARIANTS if v != "cookbook" or size in cookbook]
                    runs += [(v, True) for v in ("print", "StreamView") if args.follow]
                    for variant, follow in runs:
                        serial += 1
                        code = VARIANTS[variant].format(
                            prompt=f"bench-{serial}", size=size, chunk=CHUNK
                        )
                        label = variant + FOLLOWING if follow else variant
                        progress(f"round {round_ + 1}: {label} {size // 1000} KB")
                        result = notebook.measure(code, follow=follow)
                        results[(label, size)].append(result)
                        progress(f"    {describe(result)}")
                if args.chat:
                    for earlier in (0, args.chat - 1):
                        serial += 1
                        label = f"chat, reply {earlier + 1}"
                        progress(f"round {round_ + 1}: {label}")
                        prompt = f"bench-{serial}"
                        notebook.run(0, CHAT_SHOW.format(prompt=prompt, earlier=earlier))
                        notebook.settle()
                        code = CHAT_SEND.format(prompt=prompt, chunk=CHAT_CHUNK)
                        result = notebook.measure(code)
                        results[(label, CHAT_REPLY)].append(result)
                        progress(f"    {describe(result)}")
                    progress(f"round {round_ + 1}: the {args.chat}-reply chat displayed again")
                    notebook.run(0, "pass")  # only the new view of the chat on the page
                    result = notebook.measure(REOPEN)
                    results[(f"{args.chat}-reply chat shown again", 0)].append(result)
                    progress(f"    {describe(result)}")
            if args.trace:
                from _trace import profile_runs

                profiles = profile_runs(
                    notebook, VARIANTS, CHAT_SHOW, CHAT_SEND, sizes, args.chat, CHUNK, CHAT_CHUNK
                )
            browser.close()
    finally:
        server.stop()

    print(f"\n{machine()}\nChromium {version}, headless; JupyterLab (tests/browser launcher).")
    print(
        f"Chunks of {CHUNK} characters at {RATE}/s (chat replies: {CHAT_CHUNK}-character chunks); "
        f"{args.repeats} round(s), medians of the rounds.\n"
    )
    print_results(results, args.chat)
    if profiles:
        print(json.dumps(profiles, indent=1))


def describe(r: dict[str, Any]) -> str:
    return (
        f"main thread {r['main']:.1f} s, stream {r['stream']:.1f} s, p95 gap {r['p95']:.0f} ms, "
        f"longest {r['longest']:.0f} ms, {r['long']} frames > {LONG_FRAME_MS} ms "
        f"(of {r['frames']}), wall {r['wall']:.1f} s"
    )


def print_results(results: dict[tuple[str, int], list[dict[str, Any]]], chat: int) -> None:
    def med(key: tuple[str, int], figure: str) -> float:
        return statistics.median(r[figure] for r in results[key])

    if not results:
        return
    rows = []
    for key in results:
        variant, size = key
        # A followed row is compared with print followed the same way.
        base = ("print" + FOLLOWING if variant.endswith(FOLLOWING) else "print", size)
        idle = ("idle", size)
        shown = variant not in ("print", "idle", "print" + FOLLOWING)
        ratio = f"{med(key, 'main') / med(base, 'main'):.2f}x" if base in results and shown else ""
        # Each round's own ratio: the two ran minutes apart in one JupyterLab session.
        rounds = (
            ", ".join(
                f"{run['main'] / printed['main']:.2f}"
                for run, printed in zip(results[key], results[base], strict=True)
            )
            if base in results and shown and len(results[key]) > 1
            else ""
        )
        # Both over the idle page's own cost: the work of showing the answer, and nothing else.
        net = ""
        if base in results and idle in results and shown:
            floor = med(idle, "main")
            net = f"{(med(key, 'main') - floor) / (med(base, 'main') - floor):.2f}x"
        rows.append(
            [
                f"{size // 1000} KB" if size else "",
                variant,
                f"{med(key, 'main'):.1f}",
                f"{med(key, 'stream'):.1f}",
                f"{med(key, 'main') / med(key, 'stream'):.2f}x"
                if med(key, "stream") > 0.05
                else "",
                ratio,
                rounds,
                net,
                f"{med(key, 'p95'):.0f}",
                f"{med(key, 'longest'):.0f}",
                f"{med(key, 'long'):.0f}",
            ]
        )
    print(
        table(
            [
                "answer",
                "shown by",
                "main thread s",
                "stream s",
                "main / stream",
                "main / print",
                "each round's",
                "over idle, / print's",
                "p95 frame gap ms",
                "longest gap ms",
                f"frames > {LONG_FRAME_MS} ms",
            ],
            rows,
        )
    )
    first, last = ("chat, reply 1", CHAT_REPLY), (f"chat, reply {chat}", CHAT_REPLY)
    if first in results and last in results:
        print(
            f"\nChat: reply {chat}'s p95 frame gap is {med(last, 'p95') / med(first, 'p95'):.2f}x "
            f"reply 1's (goal 0.8-1.2x); main thread {med(last, 'main') / med(first, 'main'):.2f}x."
        )


if __name__ == "__main__":
    # A plain kill ends the run through its `finally`: JupyterLab and its kernel stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    began = time.perf_counter()
    main()
    progress(f"done in {time.perf_counter() - began:.0f} s")
    sys.exit(0)
