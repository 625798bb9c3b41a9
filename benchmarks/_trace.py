"""Where a run's main-thread time goes: a DevTools trace and a JS profile, summarised.

Used by ``bench_lab_stream.py --trace``. While one run streams, two things record the page
through the DevTools protocol: a performance trace (``devtools.timeline``: the renderer
main thread's tasks, split into script, style, layout, paint, GC... by self time) and the
V8 sampling profiler (JS self time by function). JS in the renderer bundle is minified, so
its samples are mapped back to source files with a source map of the same build (``js/build.mjs
--sourcemap`` into a temporary directory; the code is checked to be
byte for byte the shipped ``renderer.js``): markdown-it, KaTeX, highlight.js, DOMPurify,
and our own files. Other JS is grouped by where it was loaded from (JupyterLab, the widget
manager, anywidget, our glue).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from _harness import progress, table

ROOT = Path(__file__).resolve().parents[1]
STATIC_RENDERER = ROOT / "gemini_widgets" / "static" / "renderer.js"
TOP_FUNCTIONS = 15
CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8",
    "blink.user_timing",
]

# Trace event names, by what the user would call them.
KINDS = {
    "script": {
        "FunctionCall",
        "EvaluateScript",
        "v8.compile",
        "v8.compileModule",
        "v8.evaluateModule",
        "TimerFire",
        "FireAnimationFrame",
        "EventDispatch",
        "v8.run",
        "V8.Execute",
        "RunMicrotasks",
        "v8.produceCache",
        "ParseHTML",
        "XHRReadyStateChange",
        "FireIdleCallback",
        "v8.callFunction",
        "EventTiming",
        "HandlePostMessage",
    },
    "style": {
        "UpdateLayoutTree",
        "RecalculateStyles",
        "ParseAuthorStyleSheet",
        "InvalidateLayout",
        "ScheduleStyleRecalculation",
    },
    "layout": {"Layout", "UpdateLayerTree", "IntersectionObserverController::computeIntersections"},
    "paint, composite": {
        "Paint",
        "PrePaint",
        "Layerize",
        "Commit",
        "PaintImage",
        "CompositeLayers",
        "UpdateLayer",
        "RasterTask",
        "Decode Image",
    },
    "GC": {
        "MinorGC",
        "MajorGC",
        "V8.GC_SCAVENGER",
        "V8.GCScavenger",
        "V8.GCCompactor",
        "BlinkGC.AtomicPhase",
        "V8.GC_MARK_COMPACTOR",
        "V8.GCFinalizeMC",
        "V8.GCIncrementalMarking",
        "ThreadState::performIdleLazySweep",
        "BlinkGC.LazySweepInIdle",
        "V8.GCFinalizeMCReduceMemory",
        "CppGC.AtomicMark",
    },
}


def profile_runs(
    notebook: Any,
    variants: dict[str, str],
    chat_show: str,
    chat_send: str,
    sizes: list[int],
    chat: int,
    chunk: int,
    chat_chunk: int,
) -> dict[str, Any]:
    source_map = SourceMap.build()
    size = min(sizes, key=lambda s: abs(s - 300_000))
    out: dict[str, Any] = {}
    for variant in ("print", "StreamView"):
        code = variants[variant].format(prompt=f"trace-{variant}", size=size, chunk=chunk)
        progress(f"trace: {variant} {size // 1000} KB")
        out[f"{variant} {size // 1000} KB"] = traced(notebook, code, source_map)
    if chat:
        prompt = "trace-chat"
        notebook.run(0, chat_show.format(prompt=prompt, earlier=chat - 1))
        notebook.settle()
        progress(f"trace: chat reply {chat}")
        code = chat_send.format(prompt=prompt, chunk=chat_chunk)
        out[f"chat reply {chat}"] = traced(notebook, code, source_map)
    print_breakdown(out)
    return {}


def traced(notebook: Any, code: str, source_map: SourceMap) -> dict[str, Any]:
    page, cdp = notebook.page, notebook.cdp
    notebook.run(1, "pass")
    scripts: dict[str, dict[str, Any]] = {}
    cdp.on("Debugger.scriptParsed", lambda e: scripts.__setitem__(e["scriptId"], e))
    cdp.send("Debugger.enable")
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    browser = page.context.browser
    browser.start_tracing(page=page, categories=CATEGORIES)
    cdp.send("Profiler.start")
    result = notebook.measure(code, clear=False)
    profile = cdp.send("Profiler.stop")["profile"]
    trace = json.loads(browser.stop_tracing())
    cdp.send("Profiler.disable")
    cdp.send("Debugger.disable")
    return {
        "run": result,
        "timeline": timeline(trace),
        **js_self_time(profile, scripts, source_map),
    }


def timeline(trace: dict[str, Any]) -> dict[str, float]:
    """Self time (s) of the renderer main thread's events, by kind."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    # The page's renderer process (a browser has others: the UI's own WebUI renderer...).
    pids = {
        frame["processId"]
        for e in events
        if e.get("name") == "TracingStartedInBrowser"
        for frame in e.get("args", {}).get("data", {}).get("frames", [])
        if "/lab" in frame.get("url", "")
    }
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
        and (not pids or e["pid"] in pids)
    }
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and (e["pid"], e["tid"]) in main and "dur" in e),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    self_time: dict[str, float] = defaultdict(float)
    stack: list[list[Any]] = []  # [end, name, children's time, duration]

    def close(until: float) -> None:
        while stack and stack[-1][0] <= until:
            _end, name, children, dur = stack.pop()
            self_time[name] += max(0.0, dur - children)
            if stack:
                stack[-1][2] += dur

    for e in spans:
        close(e["ts"])
        stack.append([e["ts"] + e["dur"], e["name"], 0.0, e["dur"]])
    close(float("inf"))
    by_kind: dict[str, float] = defaultdict(float)
    for name, us in self_time.items():
        kind = next((k for k, names in KINDS.items() if name in names), None)
        if kind is None:
            overhead = name in {"RunTask", "ThreadControllerImpl::RunTask"}
            kind = "other (task overhead, IPC...)" if overhead else f"other: {name}"
        by_kind[kind] += us / 1e6
    return dict(by_kind)


def js_self_time(
    profile: dict[str, Any], scripts: dict[str, dict[str, Any]], source_map: SourceMap
) -> dict[str, dict[str, float]]:
    """JS self time (s) from the sampling profile: by library / file ("js"), and by
    function ("functions": origin, name and line, to see what inside an origin costs)."""
    renderer_length = len(STATIC_RENDERER.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in profile["nodes"]}
    parents = {child: n["id"] for n in profile["nodes"] for child in n.get("children", [])}
    counts: dict[int, int] = defaultdict(int)
    for sample in profile["samples"]:
        counts[sample] += 1
    total_us = profile["endTime"] - profile["startTime"]
    per_sample = total_us / max(1, len(profile["samples"])) / 1e6
    out: dict[str, float] = defaultdict(float)
    functions: dict[str, float] = defaultdict(float)
    for node_id, count in counts.items():
        # A DOM or parser built-in (parseFromString, querySelectorAll...) has no script:
        # it counts for the nearest caller that has one.
        frame = nodes[node_id]["callFrame"]
        at = node_id
        while not frame.get("url") and at in parents and not frame["functionName"].startswith("("):
            at = parents[at]
            frame = nodes[at]["callFrame"]
        if not frame.get("url") and not frame["functionName"].startswith("("):
            frame = nodes[node_id]["callFrame"]
        script = scripts.get(frame.get("scriptId", ""), {})
        where = origin(frame, script, renderer_length, source_map)
        out[where] += count * per_sample
        if not where.startswith("("):
            name = frame["functionName"] or "(anonymous)"
            functions[f"{where}: {name} :{frame.get('lineNumber', 0) + 1}"] += count * per_sample
    out.pop("(idle)", None)
    return {"js": dict(out), "functions": dict(functions)}


def origin(
    frame: dict[str, Any], script: dict[str, Any], renderer_length: int, source_map: SourceMap
) -> str:
    name, url = frame["functionName"], frame.get("url", "")
    if name in ("(garbage collector)", "(program)", "(idle)", "(root)"):
        return {"(root)": "(program)"}.get(name, name)
    if url.startswith("blob:") and abs(script.get("length", -1) - renderer_length) <= 2:
        source = source_map.source(frame["lineNumber"], frame["columnNumber"])
        return f"renderer: {library(source)}"
    if url.startswith("blob:"):
        return "widget glue (stream_view.js / chat.js, anywidget module)"
    match = re.search(r"/lab/extensions/((?:@[^/]+/)?[^/]+)/", url)
    if match:
        return f"lab extension: {match.group(1)}"
    if "/static/lab/" in url or "/lab/static/" in url:
        return "JupyterLab core"
    return f"other: {url[:60] or name}"


def library(source: str) -> str:
    match = re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", source)
    if match:
        return match.group(1)
    return re.sub(r"^.*?src/", "src/", source) or "(unmapped)"


def print_breakdown(out: dict[str, Any]) -> None:
    for label, data in out.items():
        run = data["run"]
        print(
            f"\nTrace of {label}: main thread {run['main']:.2f} s (TaskDuration), stream "
            f"{run['stream']:.1f} s, p95 frame gap {run['p95']:.0f} ms\n"
        )
        timeline_total = sum(data["timeline"].values())
        rows = [
            [kind, f"{s:.2f}", f"{100 * s / timeline_total:.0f} %"]
            for kind, s in sorted(data["timeline"].items(), key=lambda kv: -kv[1])
            if s >= 0.01
        ]
        print(table(["main thread, by trace event (self time)", "s", "share"], rows))
        js = data["js"]
        js_total = sum(v for k, v in js.items() if not k.startswith("("))
        rows = [
            [where, f"{s:.2f}", f"{100 * s / js_total:.0f} %" if not where.startswith("(") else ""]
            for where, s in sorted(js.items(), key=lambda kv: -kv[1])
            if s >= 0.01
        ]
        print()
        print(table(["JS self time (sampling profile), by origin", "s", "share of JS"], rows))
        top = sorted(data["functions"].items(), key=lambda kv: -kv[1])[:TOP_FUNCTIONS]
        rows = [[where[:100], f"{s:.3f}", f"{100 * s / js_total:.0f} %"] for where, s in top]
        print()
        print(table(["JS self time, top functions (origin: name :line)", "s", "share of JS"], rows))


class SourceMap:
    """Line/column of the minified renderer bundle -> source file (esbuild's source map)."""

    def __init__(self, sources: list[str], lines: list[list[tuple[int, int]]]) -> None:
        self.sources, self.lines = sources, lines

    @classmethod
    def build(cls) -> SourceMap:
        # GW_TRACE_JS_DIR: a js/ directory with the sources the shipped bundle was built from
        # (to profile an older build: `git archive` its js/src, node_modules linked).
        js = Path(os.environ.get("GW_TRACE_JS_DIR", ROOT / "js"))
        out = Path(tempfile.mkdtemp(prefix="renderer-map-"))
        # The build's own script and options, plus a source map: one place for both.
        subprocess.run(
            ["node", "build.mjs", str(out), "--sourcemap"],
            cwd=js,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = out / "renderer.js"
        code = re.sub(r"//# sourceMappingURL=.*\n?$", "", out.read_text(encoding="utf-8"))
        if code != STATIC_RENDERER.read_text(encoding="utf-8"):
            progress("trace: static/renderer.js is not a fresh build; JS attribution may be off")
        data = json.loads(out.with_suffix(".js.map").read_text(encoding="utf-8"))
        return cls(data["sources"], decode(data["mappings"]))

    def source(self, line: int, column: int) -> str:
        if line >= len(self.lines) or not self.lines[line]:
            return ""
        segments = self.lines[line]
        lo, hi = 0, len(segments) - 1
        while lo < hi:  # the last segment starting at or before column
            mid = (lo + hi + 1) // 2
            if segments[mid][0] <= column:
                lo = mid
            else:
                hi = mid - 1
        return self.sources[segments[lo][1]]


def decode(mappings: str) -> list[list[tuple[int, int]]]:
    """Source map v3 ``mappings``: per generated line, (column, source index) segments."""
    base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    alphabet = {c: i for i, c in enumerate(base64)}
    lines: list[list[tuple[int, int]]] = []
    source = 0
    for line in mappings.split(";"):
        column, segments = 0, []
        for segment in line.split(","):
            if not segment:
                continue
            values, shift, value = [], 0, 0
            for char in segment:
                digit = alphabet[char]
                value += (digit & 31) << shift
                if digit & 32:
                    shift += 5
                else:
                    values.append(-(value >> 1) if value & 1 else value >> 1)
                    shift = value = 0
            column += values[0]
            if len(values) > 1:
                source += values[1]
                segments.append((column, source))
        lines.append(segments)
    return lines
