"""Stopping a stream in a real kernel: Interrupt for blocking cells, stop() for background."""

from __future__ import annotations

import threading
import time

SETUP = """
from gemini_widgets import StreamView, stream, get_client
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Fault
server = offline_server()
server.reset()
server.script(*[f"word{i} " for i in range(200)], prompt="slow")
"""


def test_interrupt_stops_a_blocking_stream_and_keeps_the_partial_text(kernel):
    kernel.ok(SETUP + "server.fail_next(Fault.slow(between=0.05))")
    timer = threading.Timer(1.5, kernel.manager.interrupt_kernel)
    timer.start()
    run = kernel.run("result = stream('slow')")
    timer.cancel()
    assert run.error is not None and run.error["ename"] == "KeyboardInterrupt"
    after = kernel.ok("print(result if 'result' in dir() else None)")
    assert after.stdout.strip() == "None"  # the assignment never happened...
    # ...but the view kept the partial text, and its saved output carries it.
    update = run.of_type("update_display_data")[-1]["content"]["data"]
    partial = update["text/markdown"]
    assert partial.startswith("word0 word1 ") and len(partial) < len("word199 ") * 200
    states = [m["content"]["data"].get("state", {}) for m in run.of_type("comm_msg")]
    assert {"status": "stopped"} in [{"status": s["status"]} for s in states if "status" in s]


def test_background_stream_returns_at_once_and_stops_on_request(kernel):
    kernel.ok(SETUP + "server.fail_next(Fault.slow(between=0.05))")
    started = time.monotonic()
    kernel.ok("task = stream('slow', background=True)")
    assert time.monotonic() - started < 2
    time.sleep(1.0)
    kernel.ok("task.stop()")
    time.sleep(0.5)
    run = kernel.ok(
        "r = task.result(); print(task.done(), r.stopped, r.text.startswith('word0 word1'))"
    )
    assert run.stdout.split() == ["True", "True", "True"]


def test_five_background_streams_run_at_once_without_crossing(kernel):
    code = SETUP + (
        "for i in range(5):\n"
        "    server.script(*[f'[{i}:{k}]' for k in range(50)], prompt=f'p{i}')\n"
        "server.fail_next(Fault.slow(between=0.01), times=None)\n"
        "tasks = [stream(f'p{i}', background=True) for i in range(5)]"
    )
    kernel.ok(code)
    time.sleep(3)
    run = kernel.ok(
        "import asyncio\n"
        "print(all(t.done() for t in tasks))\n"
        "for i, t in enumerate(tasks):\n"
        "    print(t.result().text == ''.join(f'[{i}:{k}]' for k in range(50)))"
    )
    assert run.stdout.split() == ["True"] * 6
    kernel.ok("server.faults.clear()")


def test_format_code_offers_the_answer_as_a_new_cell(kernel):
    kernel.ok(
        "%load_ext gemini_widgets\n"
        "from gemini_widgets.client import offline_server\n"
        "offline_server().script('Here:\\n\\n```python\\nprint(42)\\n```\\n', prompt='code')"
    )
    run = kernel.ok("%%gemini --format code\ncode")
    payload = run.reply["payload"]
    assert payload == [{"source": "set_next_input", "text": "print(42)", "replace": False}]


def test_five_background_magic_cells_complete_with_nothing_crossed(kernel):
    kernel.ok(
        "%load_ext gemini_widgets\n" + SETUP + "for i in range(5):\n"
        "    server.script(*[f'<{i}.{k}>' for k in range(40)], prompt=f'cell {i}')\n"
        "server.fail_next(Fault.slow(between=0.01), times=None)"
    )
    for i in range(5):
        kernel.ok(f"%%gemini --background -o bg{i}\ncell {i}")
    time.sleep(3)
    run = kernel.ok(
        "print(all(globals()[f'bg{i}'].done() for i in range(5)))\n"
        "for i in range(5):\n"
        "    print(globals()[f'bg{i}'].result().text == ''.join(f'<{i}.{k}>' for k in range(40)))"
    )
    assert run.stdout.split() == ["True"] * 6
    kernel.ok("server.faults.clear()")


def test_interrupt_stops_a_gemini_cell_and_keeps_the_partial_answer(kernel):
    kernel.ok("%load_ext gemini_widgets\n" + SETUP + "server.fail_next(Fault.slow(between=0.05))")
    timer = threading.Timer(1.5, kernel.manager.interrupt_kernel)
    timer.start()
    run = kernel.run("%%gemini -o answer\nslow")
    timer.cancel()
    assert run.error is not None and run.error["ename"] == "KeyboardInterrupt"
    partial = run.of_type("update_display_data")[-1]["content"]["data"]["text/markdown"]
    assert partial.startswith("word0 word1 ") and len(partial) < len("word199 ") * 200
