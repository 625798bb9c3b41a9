"""What every benchmark shares: a scripted answer, a real SDK client, timing and tables.

Timing is ``time.perf_counter`` and ``statistics`` only. Variants are run interleaved (A B C,
A B C, ...) in one process so a noisy neighbour slows all of them alike, and each figure is
the median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google import genai
from google.genai import types

MODEL = "gemini-2.5-flash"
PROMPT = "benchmark"
STREAM_PATH = f"/v1beta/models/{MODEL}:streamGenerateContent?alt=sse"
RAW_HEADERS = {"x-goog-api-key": "bench", "content-type": "application/json"}


def scripted_chunks(n: int) -> list[str]:
    """``n`` text pieces of 40 characters each, like the short deltas Gemini streams."""
    return [f"piece {i:06d} of a scripted answer, abc. "[:40] for i in range(n)]


def raw_body(prompt: str = PROMPT) -> dict[str, Any]:
    """What the SDK posts for ``contents=prompt``; the raw readers post the same."""
    return {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}


def sdk_client(base_url: str) -> genai.Client:
    return genai.Client(api_key="bench", http_options=types.HttpOptions(base_url=base_url))


def sdk_stream(client: genai.Client) -> Iterator[types.GenerateContentResponse]:
    return client.models.generate_content_stream(model=MODEL, contents=PROMPT)


async def sdk_astream(client: genai.Client) -> AsyncIterator[types.GenerateContentResponse]:
    return await client.aio.models.generate_content_stream(model=MODEL, contents=PROMPT)


class FirstChunkClock:
    """Wraps a stream and notes when its first chunk arrived.

    The offline server builds the whole scripted answer before it sends the first byte, so
    a per-chunk cost is measured from the first chunk to the end, not from the request.
    Every variant of a comparison goes through the same wrapper, so it costs them alike.
    """

    def __init__(self) -> None:
        self.first: float | None = None

    def wrap(self, stream: Iterable[Any]) -> Iterator[Any]:
        it = iter(stream)
        try:
            first = next(it)
        except StopIteration:
            return
        self.first = time.perf_counter()
        yield first
        yield from it

    async def awrap(self, stream: Any) -> AsyncIterator[Any]:
        it = aiter(stream)
        try:
            first = await anext(it)
        except StopAsyncIteration:
            return
        self.first = time.perf_counter()
        yield first
        async for item in it:
            yield item


class SubprocessServer:
    """``python -m gemini_widgets.offline`` answering the same script, in its own process."""

    def __init__(self, chunks: list[str]) -> None:
        self._dir = tempfile.TemporaryDirectory()
        scripts = Path(self._dir.name) / "scripts.json"
        scripts.write_text(json.dumps({"scripts": [{"prompt": PROMPT, "chunks": chunks}]}))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gemini_widgets.offline",
                "--pacing",
                "0",
                "--scripts",
                str(scripts),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        first_line = self.process.stdout.readline()  # "Offline Gemini serving on http://..."
        self.base_url = first_line.split(" on ", 1)[1].split()[0]

    def __enter__(self) -> SubprocessServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._dir.cleanup()


@dataclass
class Run:
    """One timed stream: request sent, first chunk seen, last chunk handled."""

    chunks: int
    started: float
    first: float
    ended: float

    @property
    def to_first(self) -> float:
        return self.first - self.started

    @property
    def streaming(self) -> float:
        return self.ended - self.first

    @property
    def rate(self) -> float:
        """Chunks per second after the first one: the steady streaming rate."""
        return (self.chunks - 1) / self.streaming if self.streaming > 0 else float("inf")

    @property
    def overall_rate(self) -> float:
        return self.chunks / (self.ended - self.started)

    @property
    def us_per_chunk(self) -> float:
        return 1e6 * self.streaming / max(1, self.chunks - 1)


@dataclass
class Series:
    """The repeats of one variant."""

    name: str
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by the stdlib's inclusive method."""
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[max(0, min(98, round(q * 100) - 1))]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (so the output pastes into benchmarks/README.md as is)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def machine() -> str:
    import google.genai
    import httpx2
    import pydantic
    import tornado

    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores; google-genai {google.genai.__version__}, "
        f"httpx2 {httpx2.__version__}, pydantic {pydantic.VERSION}, tornado {tornado.version}"
    )


def arguments(
    description: str, flags: dict[str, str] | None = None, **defaults: int
) -> argparse.Namespace:
    """``--quick``, the given on/off ``flags`` (name: help), and an int option per default."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    for name, help_text in (flags or {}).items():
        parser.add_argument(f"--{name}", action="store_true", help=help_text)
    for name, value in defaults.items():
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=int, default=None, help=f"default {value}"
        )
    args = parser.parse_args()
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
