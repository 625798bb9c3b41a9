"""Stopping a stream in a real kernel: Interrupt for blocking cells, stop() for background.

Each step waits for an event (the answer streaming, a task done), never for some seconds:
the "slow" answer takes 40 s, so a stop after its first words comes long before its end
however busy the machine is.
"""

from __future__ import annotations

SETUP = """
import asyncio, time
from gemini_widgets import StreamView, stream, get_client
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Fault
server = offline_server()
server.reset()
server.script(*[f"word{i} " for i in range(200)], prompt="slow")
async def until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not after {timeout} s"
        await asyncio.sleep(0.01)
"""
SLOW = "server.fail_next(Fault.slow(between=0.2))"


def test_interrupt_stops_a_blocking_stream_and_keeps_the_partial_text(kernel):
    kernel.ok(SETUP + SLOW)
    run = kernel.run_interrupted("result = stream('slow')", once="word1 ")
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
    kernel.ok(SETUP + SLOW)
    run = kernel.ok("task = stream('slow', background=True)\nprint(task.done())")
    assert run.stdout.split() == ["False"]  # the cell returned while the answer streams
    kernel.ok("await until(lambda: task.result().text.startswith('word0 word1 '))")
    kernel.ok("task.stop()\nawait until(task.done)")
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
    kernel.ok("await until(lambda: all(t.done() for t in tasks))")
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
    expected = [{"source": "set_next_input", "text": "print(42)", "replace": False}]
    assert payload == expected, (run.reply, run.messages)


def test_five_background_magic_cells_complete_with_nothing_crossed(kernel):
    kernel.ok(
        "%load_ext gemini_widgets\n" + SETUP + "for i in range(5):\n"
        "    server.script(*[f'<{i}.{k}>' for k in range(40)], prompt=f'cell {i}')\n"
        "server.fail_next(Fault.slow(between=0.01), times=None)"
    )
    for i in range(5):
        kernel.ok(f"%%gemini --background -o bg{i}\ncell {i}")
    kernel.ok("await until(lambda: all(globals()[f'bg{i}'].done() for i in range(5)))")
    run = kernel.ok(
        "print(all(globals()[f'bg{i}'].done() for i in range(5)))\n"
        "for i in range(5):\n"
        "    print(globals()[f'bg{i}'].result().text == ''.join(f'<{i}.{k}>' for k in range(40)))"
    )
    assert run.stdout.split() == ["True"] * 6
    kernel.ok("server.faults.clear()")


def test_interrupt_stops_a_gemini_cell_and_keeps_the_partial_answer(kernel):
    kernel.ok("%load_ext gemini_widgets\n" + SETUP + SLOW)
    run = kernel.run_interrupted("%%gemini -o answer\nslow", once="word1 ")
    assert run.error is not None and run.error["ename"] == "KeyboardInterrupt"
    partial = run.of_type("update_display_data")[-1]["content"]["data"]["text/markdown"]
    assert partial.startswith("word0 word1 ") and len(partial) < len("word199 ") * 200
