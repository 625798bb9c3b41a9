"""The tables ``bench_browser_render.py`` prints: per-update cost by document size, by what
the open text held, and the layout probe. Printing only; the runs are the benchmark's."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from _harness import percentile, table

BUCKET = 50_000  # characters of document per row
GOAL_P95_MS = 8.0  # the incremental renderer's goal per update


def print_tables(runs: dict[str, list[dict[str, Any]]]) -> None:
    def updates(variant: str) -> list[dict[str, Any]]:
        return [u for run in runs[variant] for u in run["updates"]]

    buckets = sorted({u["chars"] // BUCKET for u in updates("incremental")})

    def of(variant: str, bucket: int, figure: str) -> list[float]:
        return [
            sum(u[f] for f in figure.split("+"))
            for u in updates(variant)
            if u["chars"] // BUCKET == bucket
        ]

    def label(bucket: int) -> str:
        return f"{bucket * BUCKET // 1000}-{(bucket + 1) * BUCKET // 1000} KB"

    def p(values: list[float], q: float) -> float:
        return percentile(values, q) if values else float("nan")

    print("Time in `render()` per update, ms (incremental vs whole-document re-render):\n")
    rows = []
    for b in buckets:
        inc, naive = of("incremental", b, "render"), of("naive", b, "render")
        parsed = of("incremental", b, "parsed")
        rows.append(
            [
                label(b),
                str(len(inc)),
                f"{statistics.median(parsed):,.0f} / {max(parsed):,.0f}",
                f"{p(inc, 0.5):.2f}",
                f"**{p(inc, 0.95):.2f}**" if p(inc, 0.95) > GOAL_P95_MS else f"{p(inc, 0.95):.2f}",
                f"{max(inc):.2f}",
                f"{p(naive, 0.5):.1f}",
                f"{p(naive, 0.95):.1f}",
                f"{max(naive):.1f}",
                f"{p(naive, 0.5) / p(inc, 0.5):,.0f}x",
                f"{p(naive, 0.95) / p(inc, 0.95):,.0f}x",
            ]
        )
    print(
        table(
            [
                "document",
                "updates",
                "incr parsed chars p50/max",
                "incr p50",
                "incr p95",
                "incr max",
                "naive p50",
                "naive p95",
                "naive max",
                "naive/incr p50",
                "naive/incr p95",
            ],
            rows,
        )
    )

    print(
        "\nThe whole frame's main-thread work per update, ms: `render()` + the glue's "
        "copy-button scan (incremental) + the style and layout it causes:\n"
    )
    rows = []
    for b in buckets:
        scan = of("incremental", b, "scan")
        inc_layout = of("incremental", b, "layout")
        inc = of("incremental", b, "render+scan+layout")
        naive_layout = of("naive", b, "layout")
        naive = of("naive", b, "render+layout")
        rows.append(
            [
                label(b),
                f"{p(scan, 0.5):.2f} / {p(scan, 0.95):.2f}",
                f"{p(inc_layout, 0.5):.2f} / {p(inc_layout, 0.95):.2f}",
                f"{p(inc, 0.5):.2f} / {p(inc, 0.95):.2f}",
                f"{p(naive_layout, 0.5):.1f} / {p(naive_layout, 0.95):.1f}",
                f"{p(naive, 0.5):.1f} / {p(naive, 0.95):.1f}",
                f"{p(naive, 0.5) / p(inc, 0.5):,.0f}x",
            ]
        )
    print(
        table(
            [
                "document",
                "incr scan p50/p95",
                "incr layout p50/p95",
                "incr frame p50/p95",
                "naive layout p50/p95",
                "naive frame p50/p95",
                "naive/incr p50",
            ],
            rows,
        )
    )

    def per_run(variant: str, figure: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(figure(r) for r in runs[variant])

    def paint(r: dict[str, Any]) -> float:
        return r["lastAppendToPaint"]

    def in_render(r: dict[str, Any]) -> float:
        return sum(u["render"] for u in r["updates"]) / 1000

    def in_frames(r: dict[str, Any]) -> float:
        return sum(u["render"] + u["scan"] + u["layout"] for u in r["updates"]) / 1000

    print("\nWhole run (medians of the runs):\n")
    rows = [
        [
            variant,
            f"{per_run(variant, paint):.1f}",
            f"{per_run(variant, in_render):.2f}",
            f"{per_run(variant, in_frames):.2f}",
            long_work(runs[variant], "longTasks"),
            long_work(runs[variant], "longFrames"),
        ]
        for variant in ("incremental", "naive")
    ]
    headers = [
        "variant",
        "last delta -> paint, ms",
        "render() total, s",
        "frame work total, s",
        "long tasks (>= 50 ms)",
        "long animation frames",
    ]
    print(table(headers, rows))
    print(
        f"\nnaive / incremental: "
        f"{per_run('naive', in_render) / per_run('incremental', in_render):,.0f}x the time in "
        f"render(), {per_run('naive', in_frames) / per_run('incremental', in_frames):,.0f}x "
        f"the frame work, {per_run('naive', paint) / per_run('incremental', paint):,.1f}x the "
        "delay from the last delta to its paint."
    )
    last = runs["incremental"][-1]
    stats = last["stats"]
    print(
        f"IncrementalRenderer.stats of the last run: {stats['renders']} renders, "
        f"{stats['fullRenders']} full re-renders, {stats['blocksCommitted']} blocks "
        f"committed, {stats['charsParsed']:,} characters parsed in all "
        f"({stats['charsParsed'] / last['chars']:.1f}x the text)."
    )


def long_work(results: list[dict[str, Any]], kind: str) -> str:
    """Median per run: count, and the longest."""
    counts = [len(r[kind]) for r in results]
    longest = [max((e["duration"] for e in r[kind]), default=0) for r in results]
    if not any(counts):
        return "none"
    return f"{statistics.median(counts):.0f}, longest {statistics.median(longest):.0f} ms"


def print_by_content(runs: list[dict[str, Any]], text: str) -> None:
    """Incremental updates grouped by what the text re-parsed that frame holds."""

    def kind(parsed: str) -> str:
        if "$$" in parsed:
            return "display math (KaTeX)"
        if "```" in parsed:
            return "fenced code (highlight.js)"
        if "\n| " in parsed or parsed.startswith("| "):
            return "table"
        return "prose, lists, headings"

    groups: dict[str, list[float]] = {}
    for run in runs:
        for u in run["updates"]:
            groups.setdefault(kind(text[u["chars"] - u["parsed"] : u["chars"]]), []).append(
                u["render"]
            )
    print("\nIncremental `render()` by what the re-parsed (open) text held that frame, ms:\n")
    rows = [
        [
            name,
            str(len(t)),
            f"{statistics.median(t):.2f}",
            f"{percentile(t, 0.95):.2f}",
            f"{max(t):.1f}",
        ]
        for name, t in sorted(groups.items(), key=lambda item: -statistics.median(item[1]))
    ]
    print(table(["open text holds", "updates", "p50", "p95", "max"], rows))


def print_probe(probe: dict[str, list[tuple[int, float]]]) -> None:
    print(
        "\nLayout forced by appending one paragraph to a container of N paragraphs, ms "
        "(median of 40): flat, as IncrementalRenderer appends committed blocks, or 50 to a "
        "wrapper with `contain: layout style`:\n"
    )
    rows = [
        [f"{n:,}", f"{flat:.2f}", f"{grouped:.2f}", f"{flat / grouped:.1f}x"]
        for (n, flat), (_, grouped) in zip(probe["flat"], probe["grouped"], strict=True)
    ]
    print(table(["children", "flat", "grouped by 50", "flat / grouped"], rows))
