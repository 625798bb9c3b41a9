"""Offline server throughput: is the server ever the bottleneck of a stream?

One scripted stream of N chunks (40 characters of text each, ``Pacing.instant()``) read by:

  a. the real SDK, sync ``generate_content_stream``
  b. the real SDK, async ``client.aio.models.generate_content_stream``
  c. a raw httpx2 SSE read of the same endpoint (the SDK's own transport, no SDK parsing)
  d. the same raw read with the server in a subprocess (no GIL shared with the reader)

then K concurrent raw streams (K = 10, 50) sharing N chunks between them, for the aggregate.
Rates are chunks per second from the first chunk to the last (the server builds the whole
scripted answer before its first byte: that wait is printed apart as "to first chunk").

    .venv/bin/python benchmarks/bench_offline_server.py [--quick] [--chunks N] [--repeats R]
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx2
from _harness import (
    PROMPT,
    RAW_HEADERS,
    STREAM_PATH,
    FirstChunkClock,
    Run,
    Series,
    SubprocessServer,
    arguments,
    machine,
    progress,
    raw_body,
    scripted_chunks,
    sdk_astream,
    sdk_client,
    sdk_stream,
    table,
)

from gemini_widgets.offline import OfflineGemini, Pacing

GOAL = 5_000  # chunks/s on one stream


def run_sdk_sync(client) -> Run:
    clock = FirstChunkClock()
    started = time.perf_counter()
    n = 0
    for _ in clock.wrap(sdk_stream(client)):
        n += 1
    return Run(n, started, clock.first, time.perf_counter())


def run_sdk_async(client) -> Run:
    async def read() -> Run:
        clock = FirstChunkClock()
        started = time.perf_counter()
        n = 0
        async for _ in clock.awrap(await sdk_astream(client)):
            n += 1
        return Run(n, started, clock.first, time.perf_counter())

    return asyncio.run(read())


def run_raw(http: httpx2.Client, base_url: str) -> Run:
    """Count ``data:`` lines as httpx2 splits them; no JSON, no pydantic."""
    started = time.perf_counter()
    first = None
    n = 0
    with http.stream(
        "POST", base_url + STREAM_PATH, json=raw_body(), headers=RAW_HEADERS
    ) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("data: "):
                if first is None:
                    first = time.perf_counter()
                n += 1
    return Run(n, started, first, time.perf_counter())


def run_concurrent(base_url: str, streams: int) -> Run:
    """``streams`` raw reads at once on one event loop; one Run for the lot."""

    async def one(http: httpx2.AsyncClient, firsts: list[float]) -> int:
        n = 0
        async with http.stream(
            "POST", base_url + STREAM_PATH, json=raw_body(f"x{streams}"), headers=RAW_HEADERS
        ) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    if not n:
                        firsts.append(time.perf_counter())
                    n += 1
        return n

    async def all_of_them() -> Run:
        limits = httpx2.Limits(max_connections=streams + 5)
        async with httpx2.AsyncClient(timeout=None, limits=limits) as http:
            firsts: list[float] = []
            started = time.perf_counter()
            counts = await asyncio.gather(*(one(http, firsts) for _ in range(streams)))
            return Run(sum(counts), started, min(firsts), time.perf_counter())

    return asyncio.run(all_of_them())


def main() -> None:
    args = arguments(__doc__.splitlines()[0], chunks=10_000, repeats=3)
    if args.quick:
        args.chunks, args.repeats = 2_000, 1
    chunks = scripted_chunks(args.chunks)
    fan_outs = (10, 50)
    print(
        f"# Offline server throughput: {args.chunks} chunks of 40 characters, "
        f"median of {args.repeats}"
    )
    print(machine())

    series = {
        key: Series(name)
        for key, name in [
            ("sync", "a. SDK sync generate_content_stream"),
            ("async", "b. SDK async generate_content_stream"),
            ("raw", "c. raw httpx2 SSE lines (server in-process)"),
            ("raw_sub", "d. raw httpx2 SSE lines (server in a subprocess)"),
        ]
    }
    fan = {k: Series(f"{k} concurrent raw streams x {args.chunks // k} chunks") for k in fan_outs}

    with (
        OfflineGemini(pacing=Pacing.instant()) as server,
        SubprocessServer(chunks) as other,
        httpx2.Client(timeout=None) as http,
    ):
        server.script(*chunks, prompt=PROMPT)
        for k in fan_outs:
            server.script(*chunks[: args.chunks // k], prompt=f"x{k}")
        client = sdk_client(server.base_url)
        for repeat in range(args.repeats):
            progress(f"repeat {repeat + 1}/{args.repeats}")
            series["raw"].runs.append(run_raw(http, server.base_url))
            series["sync"].runs.append(run_sdk_sync(client))
            series["async"].runs.append(run_sdk_async(client))
            series["raw_sub"].runs.append(run_raw(http, other.base_url))
            for k in fan_outs:
                fan[k].runs.append(run_concurrent(server.base_url, k))
            server.state.requests.clear()  # a recorded request per stream: keep memory flat

    for s in [*series.values(), *fan.values()]:
        assert all(r.chunks == s.runs[0].chunks for r in s.runs), s.name

    raw_rate = series["raw"].median("rate")
    raw_us = series["raw"].median("us_per_chunk")
    rows = []
    for s in series.values():
        rate, us = s.median("rate"), s.median("us_per_chunk")
        rows.append(
            [
                s.name,
                f"{rate:,.0f}",
                f"{s.median('to_first'):.2f} s",
                f"{s.median('overall_rate'):,.0f}",
                f"{us:.1f}",
                f"{raw_us / us:.2f}x" if s is not series["raw"] else "1.00x",
                f"{us - raw_us:+.1f}" if s is not series["raw"] else "",
            ]
        )
    print()
    print("## One stream\n")
    print(
        table(
            [
                "reader",
                "chunks/s",
                "to first chunk",
                "chunks/s incl. wait",
                "us/chunk",
                "speed vs raw (c)",
                "us/chunk vs raw",
            ],
            rows,
        )
    )

    rows = []
    raw_overall = series["raw"].median("overall_rate")
    for s in fan.values():
        rows.append(
            [
                s.name,
                f"{s.median('overall_rate'):,.0f}",
                f"{s.median('overall_rate') / raw_overall:.2f}x",
                f"{s.median('rate'):,.0f}",
            ]
        )
    # Requests overlap, so one stream's wait (the server building its answer) is another's
    # streaming time: the fair comparison is request-to-end against one stream's, incl. wait.
    print("\n## Concurrent streams (aggregate, raw reads on one event loop)\n")
    print(
        table(
            [
                "streams",
                "chunks/s incl. wait",
                "vs one raw stream incl. wait",
                "chunks/s from first chunk",
            ],
            rows,
        )
    )

    print("\n## Verdict\n")
    sub_rate = series["raw_sub"].median("rate")
    for label, rate in [("in-process", raw_rate), ("in a subprocess", sub_rate)]:
        verdict = "meets" if rate >= GOAL else "MISSES"
        print(
            f"- Server {label}, one raw stream: {rate:,.0f} chunks/s {verdict} the "
            f"{GOAL:,} chunks/s goal ({rate / GOAL:.2f}x)."
        )
    sdk_rate = series["sync"].median("rate")
    print(
        f"- The SDK sync reader runs at {sdk_rate / raw_rate:.2f}x the raw rate: "
        f"{series['sync'].median('us_per_chunk') - raw_us:+.1f} us/chunk is the SDK's "
        "parsing (JSON + pydantic), not the server."
    )
    wait = series["raw"].median("to_first")
    print(
        f"- Before its first byte the server spends {wait:.2f} s "
        f"({1e6 * wait / args.chunks:.0f} us per scripted chunk) building the answer."
    )
    spread = [
        statistics.pstdev(r.rate for r in s.runs) / s.median("rate")
        for s in series.values()
        if len(s.runs) > 1
    ]
    if spread:
        print(f"- Noise: rates vary by up to {100 * max(spread):.0f}% between repeats.")


if __name__ == "__main__":
    main()
