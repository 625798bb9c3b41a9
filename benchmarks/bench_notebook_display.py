"""What showing a streamed answer costs a real kernel: four ways side by side, one run.

One real ipykernel (jupyter_client ``KernelManager``, offline backend, no pacing) holds the
offline server, scripted with a ~200 KB demo answer (a 30,000-word report: headings, lists,
tables, code, math) cut into N = 5,000 chunks of ~40 characters. Each variant streams it
with the real SDK (``generate_content_stream``) and shows it its own way:

    (0) nothing shown: ``chunk.text`` only (the floor: SDK + offline server, same process)
    (a) ``print(chunk.text, end='', flush=True)``
    (b) ``handle = display(Markdown(''), display_id=True)``; ``handle.update(Markdown(full))``
    (c) ``ipywidgets.Output``: ``with out: clear_output(wait=True); display(Markdown(full))``
    (d) ``StreamView``: ``display(view); view.consume(stream)``

Measured per cell: iopub wire bytes and message count (every message whose parent is the
cell, read raw off the iopub socket, see ``_kernel.py``), kernel CPU seconds of the loop
(``time.process_time()`` in the kernel: every thread of the kernel process, so it includes
the offline server's thread and the iopub thread, alike for all variants) and wall time
(execute request to idle, seen by the client). Variants run interleaved, (0) a b c d, for
``--repeats`` rounds; times are medians. The renderer bundle that the first StreamView
of a kernel sends is a warm-up cell, reported on its own.

    .venv/bin/python benchmarks/bench_notebook_display.py           # ~3 min
    .venv/bin/python benchmarks/bench_notebook_display.py --quick   # ~10 s
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from _harness import arguments, machine, progress, table
from _kernel import Cell, Kernel

REPORT_PROMPT = "Write a 30000-word report on distributed databases"
FULL_CHUNKS = 5_000

SETUP = """
import time
import ipywidgets
from IPython.display import Markdown, clear_output, display
from gemini_widgets import StreamView, get_client
from gemini_widgets.client import offline_server

client = get_client()
_text = client.models.generate_content(model='gemini-2.5-flash', contents={prompt!r}).text
_text = _text[: round(len(_text) * {chunks} / {full})]
_cuts = [i * len(_text) // {chunks} for i in range({chunks} + 1)]
_chunks = [_text[a:b] for a, b in zip(_cuts, _cuts[1:])]
offline_server().script(*_chunks, prompt='long')

def _stream():
    return client.models.generate_content_stream(model='gemini-2.5-flash', contents='long')

ipywidgets.Output().close()  # import and first-widget costs out of (c)
_bench_report(chars=len(_text), chunks=len(_chunks))
"""

WARM_UP = "_warm = StreamView()  # the kernel's first view: it sends the renderer bundle once"
SECOND_VIEW = "_second = StreamView()"

# Each cell body is timed in the kernel around everything it does.
TIMED = """
_cpu, _wall = time.process_time(), time.perf_counter()
{body}
_bench_report(cpu=time.process_time() - _cpu, loop_wall=time.perf_counter() - _wall, chars=_chars)
"""

VARIANTS = {
    "(0) nothing shown (`chunk.text`)": """
_chars = 0
for chunk in _stream():
    _chars += len(chunk.text or '')
""",
    "(a) `print(chunk.text, flush=True)`": """
_chars = 0
for chunk in _stream():
    print(chunk.text or '', end='', flush=True)
    _chars += len(chunk.text or '')
""",
    "(b) `handle.update(Markdown(full))`": """
handle = display(Markdown(''), display_id=True)
full = ''
for chunk in _stream():
    full += chunk.text or ''
    handle.update(Markdown(full))
_chars = len(full)
""",
    "(c) `Output` + `clear_output(wait=True)`": """
out = ipywidgets.Output()
display(out)
full = ''
for chunk in _stream():
    full += chunk.text or ''
    with out:
        clear_output(wait=True)
        display(Markdown(full))
_chars = len(full)
""",
    "(d) `StreamView`": """
view = StreamView(model='gemini-2.5-flash')
display(view)
_chars = len(view.consume(_stream()).text)
""",
}
STREAM_VIEW = "(d) `StreamView`"
FLOOR = "(0) nothing shown (`chunk.text`)"


def main() -> None:
    args = arguments(__doc__.split("\n")[0], chunks=FULL_CHUNKS, repeats=3)
    if args.quick:
        args.chunks, args.repeats = 500, 1
    progress(f"starting a kernel; {args.chunks} chunks, {args.repeats} round(s)")
    kernel = Kernel({"GEMINI_OFFLINE_PACING": "0", "GEMINI_WIDGETS_BACKEND": "offline"})
    try:
        setup = kernel.ok(
            SETUP.format(prompt=REPORT_PROMPT, chunks=args.chunks, full=FULL_CHUNKS)
        ).report()
        warm_up = kernel.ok(WARM_UP)
        second = kernel.ok(SECOND_VIEW)
        cells: dict[str, list[Cell]] = {name: [] for name in VARIANTS}
        for round_ in range(args.repeats):
            for name, body in VARIANTS.items():
                progress(f"round {round_ + 1}/{args.repeats}: {name}")
                cell = kernel.ok(TIMED.format(body=body))
                check(name, cell, setup, args.chunks)
                cells[name].append(cell)
                progress(
                    f"    {cell.wire_bytes:,} B in {cell.messages:,} messages, kernel CPU "
                    f"{cell.report()['cpu']:.2f} s, loop {cell.report()['loop_wall']:.2f} s, "
                    f"cell {cell.wall:.2f} s"
                )
    finally:
        kernel.stop()

    print(f"\n{machine()}")
    print(
        f"One answer of {setup['chars']:,} characters in {setup['chunks']:,} chunks, "
        f"{args.repeats} round(s) interleaved; times are medians.\n"
    )
    print_results(cells, setup["chars"])
    print(
        f"\nOne-time, per kernel: the first `StreamView()` cell sent "
        f"{warm_up.wire_bytes:,} bytes in {warm_up.messages} messages "
        f"({dict(warm_up.by_type)}), {warm_up.wall:.2f} s wall. "
        f"A second `StreamView()` sent {second.wire_bytes:,} bytes in {second.messages}."
    )


def check(name: str, cell: Cell, setup: dict, chunks: int) -> None:
    """Every variant must have shown the whole answer; iopub must have lost nothing."""
    report = cell.report()
    if report["chars"] != setup["chars"]:
        raise RuntimeError(f"{name} saw {report['chars']} characters of {setup['chars']}")
    expected = {
        "(b)": {"update_display_data": chunks},
        "(c)": {"display_data": chunks + 1, "clear_output": chunks},
    }.get(name[:3], {})
    for kind, count in expected.items():
        if cell.by_type[kind] != count:
            raise RuntimeError(f"{name}: {cell.by_type[kind]} {kind} messages, expected {count}")


def print_results(cells: dict[str, list[Cell]], chars: int) -> None:
    def median(name: str, figure: Callable[[Cell], float]) -> float:
        return statistics.median(figure(c) for c in cells[name])

    def wire(c: Cell) -> float:
        return c.wire_bytes

    def messages(c: Cell) -> float:
        return c.messages

    def cpu(c: Cell) -> float:
        return c.report()["cpu"]

    def wall(c: Cell) -> float:
        return c.wall

    rows = [
        [
            name,
            f"{median(name, wire):,.0f}",
            f"{median(name, wire) / chars:,.1f}x",
            f"{median(name, messages):,.0f}",
            f"{median(name, cpu):.2f}",
            f"{median(name, cpu) - median(FLOOR, cpu):+.2f}",
            f"{median(name, wall):.2f}",
        ]
        for name in cells
    ]
    print(
        table(
            ["variant", "iopub bytes", "vs text", "messages", "kernel CPU s", "over (0)", "wall s"],
            rows,
        )
    )

    def ratio(name: str, figure: Callable[[Cell], float]) -> str:
        return f"{median(name, figure) / median(STREAM_VIEW, figure):,.1f}x"

    ours_over_floor = median(STREAM_VIEW, cpu) - median(FLOOR, cpu)
    ratio_rows = [
        [
            name,
            ratio(name, wire),
            ratio(name, messages),
            ratio(name, cpu),
            f"{(median(name, cpu) - median(FLOOR, cpu)) / ours_over_floor:,.1f}x"
            if ours_over_floor > 0.05
            else "(d) is within noise of (0)",
            ratio(name, wall),
        ]
        for name in cells
        if name not in (STREAM_VIEW, FLOOR)
    ]
    print("\nRatios to StreamView (d), same run:\n")
    print(table(["variant", "bytes", "messages", "kernel CPU", "CPU over (0)", "wall"], ratio_rows))
    ours = cells[STREAM_VIEW][0]
    print(f"\nStreamView's messages by type: {dict(ours.by_type)}")
    print(f"StreamView's bytes by type: {dict(ours.bytes_by_type)}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    progress(f"done in {time.perf_counter() - started:.0f} s")
