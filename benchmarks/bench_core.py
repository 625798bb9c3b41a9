"""Core cost per chunk: what ``consume``/``aconsume`` add on top of reading the SDK stream.

Side by side, on the same real SDK stream (N chunks from the offline server, interleaved
repeats, medians):

  plain sync     for c in stream: c.text
  consume        consume(stream): reader thread + queue + StreamState.feed + Coalescer
  plain async    async for c in stream: c.text
  aconsume       aconsume(stream): a task per chunk + StreamState.feed + Coalescer

Times run from the first chunk to the end (the server builds its answer before the first
byte; that wait is the same for every variant and is left out).

On pre-fetched responses, also ``Runner.read``: the one runner every surface goes through
(``consume`` plus its forwarding of each delta to the sink), against ``consume``.

Then the pure cost of ``StreamState.feed`` + ``Coalescer.add`` on pre-fetched real SDK
response objects, timed chunk by chunk (median and p95 microseconds; target <= 20 us).

    .venv/bin/python benchmarks/bench_core.py [--quick] [--chunks N] [--repeats R] [--profile]
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import statistics
import time

from _harness import (
    FirstChunkClock,
    Run,
    Series,
    SubprocessServer,
    arguments,
    machine,
    percentile,
    progress,
    scripted_chunks,
    sdk_astream,
    sdk_client,
    sdk_stream,
    table,
)

from gemini_widgets.coalesce import Coalescer
from gemini_widgets.consume import aconsume, consume
from gemini_widgets.offline import OfflineGemini, Pacing
from gemini_widgets.runner import Runner
from gemini_widgets.stream import Delta, StreamState

TARGET_US = 20.0


class CountingSink:
    def __init__(self) -> None:
        self.deltas = 0

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.deltas += 1

    def on_start(self, state: StreamState, *, background: bool) -> None:
        pass

    def on_end(self, state: StreamState) -> None:
        pass


# ---- whole streams --------------------------------------------------------------------


def plain_sync(client) -> Run:
    clock = FirstChunkClock()
    started = time.perf_counter()
    n = 0
    for chunk in clock.wrap(sdk_stream(client)):
        chunk.text  # noqa: B018 - what a notebook loop does with each chunk
        n += 1
    return Run(n, started, clock.first, time.perf_counter())


def consumed(client, sink: CountingSink) -> Run:
    clock = FirstChunkClock()
    started = time.perf_counter()
    state = consume(clock.wrap(sdk_stream(client)), sink)
    assert state.ok, state.error
    return Run(len(state.responses), started, clock.first, time.perf_counter())


def plain_async(client) -> Run:
    async def read() -> Run:
        clock = FirstChunkClock()
        started = time.perf_counter()
        n = 0
        async for chunk in clock.awrap(await sdk_astream(client)):
            chunk.text  # noqa: B018
            n += 1
        return Run(n, started, clock.first, time.perf_counter())

    return asyncio.run(read())


def aconsumed(client, sink: CountingSink) -> Run:
    async def read() -> Run:
        clock = FirstChunkClock()
        started = time.perf_counter()
        state = await aconsume(clock.awrap(await sdk_astream(client)), sink)
        assert state.ok, state.error
        return Run(len(state.responses), started, clock.first, time.perf_counter())

    return asyncio.run(read())


# ---- the same loops on pre-fetched responses (no HTTP, no SDK parsing) ------------------


def loop_costs(responses, repeats: int) -> dict[str, float]:
    """Microseconds per chunk of each loop over an in-memory list, median of ``repeats``.

    With the SDK's ~500 us/chunk of parsing out of the way, what is left is the loop's own
    machinery: the reader thread and queue (``consume``), a task per chunk (``aconsume``).
    """

    def plain() -> None:
        for response in responses:
            response.text  # noqa: B018

    def threaded() -> None:
        consume(responses)

    def run_by_runner() -> None:
        Runner(CountingSink()).read(responses)

    async def agen():
        for response in responses:
            yield response

    async def aplain() -> None:
        async for response in agen():
            response.text  # noqa: B018

    async def athreaded() -> None:
        await aconsume(agen())

    loops = {
        "plain sync": plain,
        "consume": threaded,
        "Runner.read": run_by_runner,
        "plain async": lambda: asyncio.run(aplain()),
        "aconsume": lambda: asyncio.run(athreaded()),
    }
    times: dict[str, list[float]] = {k: [] for k in loops}
    for _ in range(repeats):
        for key, loop in loops.items():
            start = time.perf_counter()
            loop()
            times[key].append(time.perf_counter() - start)
    return {k: 1e6 * statistics.median(v) / len(responses) for k, v in times.items()}


# ---- the pure state machine -----------------------------------------------------------


def per_chunk_us(responses, passes: int) -> dict[str, list[float]]:
    """Microseconds per chunk for feed+add, feed alone, add alone, and the SDK's ``.text``."""
    clock = time.perf_counter
    samples: dict[str, list[float]] = {
        "feed+add": [],
        "feed": [],
        "add": [],
        ".text": [],
        "timer": [],
    }
    for _ in range(passes):
        state, coalescer = StreamState(), Coalescer()
        for response in responses:
            t0 = clock()
            coalescer.add(state.feed(response))
            t1 = clock()
            samples["feed+add"].append(t1 - t0)
        state = StreamState()
        deltas = []
        for response in responses:
            t0 = clock()
            delta = state.feed(response)
            t1 = clock()
            samples["feed"].append(t1 - t0)
            deltas.append(delta)
        coalescer = Coalescer()
        for delta in deltas:
            t0 = clock()
            coalescer.add(delta)
            t1 = clock()
            samples["add"].append(t1 - t0)
        for response in responses:
            t0 = clock()
            response.text  # noqa: B018
            t1 = clock()
            samples[".text"].append(t1 - t0)
        for _ in responses:
            t0 = clock()
            t1 = clock()
            samples["timer"].append(t1 - t0)
    return {k: [1e6 * v for v in vs] for k, vs in samples.items()}


def profile_feed(responses) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        state, coalescer = StreamState(), Coalescer()
        for response in responses:
            coalescer.add(state.feed(response))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        {
            "profile": "print a cProfile of feed + add even when it meets the target",
            "server-subprocess": "serve from `python -m gemini_widgets.offline` in another "
            "process (no GIL shared with the loops)",
        },
        chunks=5_000,
        repeats=5,
        passes=5,
    )
    if args.quick:
        args.chunks, args.repeats, args.passes = 1_000, 2, 2
    print(
        f"# Core cost per chunk: {args.chunks} chunks of 40 characters, "
        f"median of {args.repeats} interleaved repeats"
    )
    print(machine())

    variants = {
        "plain sync": Series("plain sync: for c in stream: c.text"),
        "consume": Series("consume(stream)"),
        "plain async": Series("plain async: async for c in stream: c.text"),
        "aconsume": Series("aconsume(stream)"),
    }
    sinks = {"consume": CountingSink(), "aconsume": CountingSink()}
    if args.server_subprocess:
        print("Server: a subprocess (python -m gemini_widgets.offline)")
        serving = SubprocessServer(scripted_chunks(args.chunks))
    else:
        print("Server: OfflineGemini in this process (as in a notebook)")
        serving = OfflineGemini(pacing=Pacing.instant())
        serving.script(*scripted_chunks(args.chunks))
    with serving as server:
        client = sdk_client(server.base_url)
        for repeat in range(args.repeats):
            progress(f"repeat {repeat + 1}/{args.repeats}")
            variants["plain sync"].runs.append(plain_sync(client))
            variants["consume"].runs.append(consumed(client, sinks["consume"]))
            variants["plain async"].runs.append(plain_async(client))
            variants["aconsume"].runs.append(aconsumed(client, sinks["aconsume"]))
        responses = list(sdk_stream(client))
    assert len(responses) == args.chunks
    for s in variants.values():
        assert all(r.chunks == args.chunks for r in s.runs), s.name

    print("\n## Whole stream, real SDK over HTTP\n")
    rows = []
    baselines = {
        "consume": "plain sync",
        "Runner.read": "consume",  # what every surface adds over the loop: the one runner
        "aconsume": "plain async",
        "plain async": "plain sync",
    }
    for key, s in variants.items():
        us, rate = s.median("us_per_chunk"), s.median("rate")
        base = baselines.get(key)
        if base is None:
            versus = extra = ""
        else:
            base_us = variants[base].median("us_per_chunk")
            versus = f"{us / base_us:.2f}x {base}"
            extra = f"{us - base_us:+.1f}"
        rows.append([s.name, f"{us:.1f}", f"{rate:,.0f}", versus, extra])
    print(table(["loop", "us/chunk", "chunks/s", "time vs", "us/chunk vs"], rows))
    for key in ("consume", "aconsume"):
        per_run = sinks[key].deltas / args.repeats
        print(
            f"\n{key}: {per_run:.0f} deltas emitted per stream "
            f"({args.chunks / per_run:.0f} chunks merged per frame)",
            end="",
        )
    print()

    progress("timing the loops on pre-fetched responses")
    costs = loop_costs(responses, max(3, args.repeats))
    print(
        f"\n## The same loops on {len(responses)} pre-fetched responses (no HTTP, no SDK parsing)\n"
    )
    rows = []
    for key, us in costs.items():
        base = baselines.get(key)
        rows.append(
            [
                key,
                f"{us:.2f}",
                f"{us / costs[base]:.2f}x {base}" if base else "",
                f"{us - costs[base]:+.2f}" if base else "",
            ]
        )
    print(table(["loop", "us/chunk", "time vs", "us/chunk vs"], rows))

    progress("timing feed + add on pre-fetched responses")
    samples = per_chunk_us(responses, args.passes)
    timer = statistics.median(samples["timer"])
    print(
        f"\n## StreamState.feed + Coalescer.add on {len(responses)} pre-fetched responses "
        f"x {args.passes} passes\n"
    )
    rows = []
    for key in ("feed+add", "feed", "add", ".text"):
        values = samples[key]
        rows.append(
            [
                key if key != ".text" else "response.text (the SDK's own, for scale)",
                f"{statistics.median(values):.2f}",
                f"{percentile(values, 0.95):.2f}",
                f"{statistics.fmean(values):.2f}",
            ]
        )
    print(table(["per chunk", "median us", "p95 us", "mean us"], rows))
    print(f"\n(perf_counter pair alone: {timer:.2f} us, included above)")

    print("\n## Verdict\n")
    median = statistics.median(samples["feed+add"])
    verdict = "meets" if median <= TARGET_US else "MISSES"
    print(
        f"- feed + add: {median:.2f} us/chunk median, p95 "
        f"{percentile(samples['feed+add'], 0.95):.2f} us: {verdict} the "
        f"{TARGET_US:.0f} us target ({median / TARGET_US:.2f}x of it)."
    )
    for key, base in (("consume", "plain sync"), ("aconsume", "plain async")):
        us, base_us = variants[key].median("us_per_chunk"), variants[base].median("us_per_chunk")
        print(
            f"- {key}: {us / base_us:.2f}x {base} iteration, {us - base_us:+.1f} us/chunk "
            f"over HTTP (the SDK itself: {base_us:.1f} us/chunk); "
            f"{costs[key] - costs[base]:+.2f} us/chunk on pre-fetched responses."
        )
    if args.profile or median > TARGET_US:
        print("\n## cProfile of feed + add (5 passes)\n")
        print(profile_feed(responses))


if __name__ == "__main__":
    main()
