"""25 background streams at once in one real ipykernel: all complete, none crossed, none lost.

Twenty come from one cell (``stream(..., background=True)``), five from ``%%gemini
--background`` cells sent right behind it; a last cell awaits them all. Every iopub message
is collected, whichever cell it belongs to (a background task's messages carry the parent of
the cell that started it, so they arrive after that cell went idle).

Each stream has its own prompt and seed, so the offline server's answer is known in advance:
the test asks the same server for each prompt+seed again afterwards, with a plain sync SDK
request, and compares. The server streams with real pacing (10-30 ms between chunks, ~50
chunks an answer) so the streams interleave: all of them start before the first one ends.
That last part is made so, not hoped for: until the server has all 25 requests it waits 1 s
between chunks, so however slowly a busy kernel starts the streams, none can end before the
last has begun (and streams run one after another would take minutes, not seconds).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

import pytest
from google import genai
from google.genai import types

MODEL = "gemini-2.5-flash"
STREAMS = 20
MAGIC_CELLS = 5
SUBJECTS = [
    "photosynthesis",
    "volcanoes",
    "the Roman Empire",
    "black holes",
    "sourdough bread",
    "the Rust borrow checker",
    "coral reefs",
    "jazz improvisation",
    "plate tectonics",
    "the printing press",
    "honeybees",
    "quantum tunnelling",
    "the Silk Road",
    "glaciers",
    "chess openings",
    "the immune system",
    "tidal energy",
    "origami",
    "the water cycle",
    "medieval castles",
    "octopus intelligence",
    "the Fibonacci sequence",
    "desert ecosystems",
    "lighthouses",
    "the history of tea",
]
PROMPTS = [f"Explain {subject} to a curious student." for subject in SUBJECTS]
SEEDS = list(range(STREAMS)) + [100 + j for j in range(MAGIC_CELLS)]
assert len(PROMPTS) == len(SEEDS) == STREAMS + MAGIC_CELLS

SETUP = f"""
%load_ext gemini_widgets
import asyncio, json
from gemini_widgets import StreamView, get_client, stream
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Pacing
server = offline_server()
server.reset()
class UntilAllAsked(Pacing):
    def gap(self, rng):
        return super().gap(rng) if len(server.requests) >= {STREAMS + MAGIC_CELLS} else 1.0
server.state.pacing = UntilAllAsked(first_chunk=0.1, between=(0.01, 0.03))
get_client()
StreamView()  # the renderer bundle goes once per kernel: not part of what is measured
PROMPTS = {PROMPTS!r}
print(server.base_url)
"""

START = f"streams = [stream(PROMPTS[i], background=True, seed=i) for i in range({STREAMS})]"

AWAIT_ALL = f"""
handles = streams + [globals()[f'bg{{j}}'] for j in range({MAGIC_CELLS})]
began = asyncio.get_running_loop().time()
await asyncio.wait_for(asyncio.gather(*(h.task for h in handles)), 60)
server.state.pacing = Pacing.instant()
report = []
for h in handles:
    r = h.result()
    report.append(dict(
        comm_id=h.view.model_id, done=h.done(), exception=repr(h.task.exception()),
        error=r.error.message if r.error else None, stopped=r.stopped,
        finish=str(r.finish_reason), text=r.text, status=h.view.status,
        started=r.started_at, first_token=r.first_token_at, ended=r.ended_at,
    ))
requests = [(r.action, r.status, r.prompt_text) for r in server.requests]
print(json.dumps(dict(report=report, requests=requests)))
"""


def _execute_all(kernel: Any, cells: list[str], timeout: float = 90) -> list[dict[str, Any]]:
    """Send every cell at once; return every iopub message until the last cell is idle."""
    ids = [kernel.client.execute(code, store_history=True) for code in cells]
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        message = kernel.client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        messages.append(message)
        if (
            message["parent_header"].get("msg_id") == ids[-1]
            and message["msg_type"] == "status"
            and message["content"]["execution_state"] == "idle"
        ):
            break
    # Replies to other requests are skipped: a slow kernel start leaves an extra
    # kernel_info_reply queued (wait_for_ready asks more than once).
    replies = {}
    while not set(ids) <= set(replies):
        reply = kernel.client.get_shell_msg(timeout=timeout)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    for msg_id, code in zip(ids, cells, strict=True):
        assert replies[msg_id]["status"] == "ok", (code, replies[msg_id])
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert not errors, "\n".join("\n".join(e["traceback"]) for e in errors)
    return messages


def _streamed_text(messages: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, list]]:
    """Per widget comm: the text its delta messages carry (offsets checked) and their times."""
    text: dict[str, str] = defaultdict(str)
    times: dict[str, list] = defaultdict(list)
    for message in messages:
        if message["msg_type"] != "comm_msg":
            continue
        data = message["content"]["data"]
        if data.get("method") != "custom":
            continue
        payload = data["content"]
        comm_id = message["content"]["comm_id"]
        if payload.get("type") == "reset":
            assert text[comm_id] == "", f"{comm_id}: reset after text"
        if payload.get("type") != "delta" or "text" not in payload:
            continue
        assert payload["at"] == len(text[comm_id]), (
            f"{comm_id}: delta at {payload['at']} after {len(text[comm_id])} characters"
        )
        assert payload["text"], f"{comm_id}: an empty delta"
        text[comm_id] += payload["text"]
        times[comm_id].append(message["header"]["date"])
    return dict(text), dict(times)


@pytest.mark.timeout(180)
def test_25_background_streams_complete_without_crossing_or_loss(kernel):
    base_url = kernel.ok(SETUP).stdout.strip()
    magic_cells = [
        f"%%gemini --background --seed {SEEDS[STREAMS + j]} -o bg{j}\n{PROMPTS[STREAMS + j]}"
        for j in range(MAGIC_CELLS)
    ]
    started = time.monotonic()
    messages = _execute_all(kernel, [START, *magic_cells, AWAIT_ALL])
    wall = time.monotonic() - started

    stdout = "".join(
        m["content"]["text"]
        for m in messages
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    )
    result = json.loads(stdout.strip().splitlines()[-1])
    report = result["report"]
    assert len(report) == STREAMS + MAGIC_CELLS

    # Every stream finished, normally.
    for i, stream in enumerate(report):
        assert stream["done"], i
        assert stream["exception"] == "None", (i, stream["exception"])
        assert stream["error"] is None, (i, stream["error"])
        assert not stream["stopped"], i
        assert stream["finish"] == "FinishReason.STOP", (i, stream["finish"])
        assert stream["status"] == "done", (i, stream["status"])
        assert len(stream["text"]) > 500, (i, len(stream["text"]))

    # The server saw each prompt once, as a stream, and answered each with a 200.
    requests = result["requests"]
    assert sorted(p for _, _, p in requests) == sorted(PROMPTS)
    assert {(action, status) for action, status, _ in requests} == {("streamGenerateContent", 200)}

    # What went over iopub, per widget: each character once, offsets contiguous, and the
    # whole of that stream's final text: nothing lost, nothing from another widget.
    streamed, delta_times = _streamed_text(messages)
    comm_ids = [stream["comm_id"] for stream in report]
    assert len(set(comm_ids)) == len(comm_ids)
    assert set(comm_ids) <= set(streamed)
    for i, stream in enumerate(report):
        assert streamed[stream["comm_id"]] == stream["text"], i

    # Nothing crossed: each answer is the one the server gives that prompt+seed on its own.
    client = genai.Client(api_key="offline", http_options=types.HttpOptions(base_url=base_url))
    for i, (prompt, seed, stream) in enumerate(zip(PROMPTS, SEEDS, report, strict=True)):
        alone = client.models.generate_content_stream(
            model=MODEL, contents=prompt, config=types.GenerateContentConfig(seed=seed)
        )
        assert "".join(chunk.text or "" for chunk in alone) == stream["text"], i
    assert len({stream["text"] for stream in report}) == len(report)  # all answers differ

    # They really ran at once: every stream had started, and had its first text, before the
    # first one finished (kernel clock), and the same holds for the deltas on iopub.
    first_end = min(stream["ended"] for stream in report)
    last_start = max(stream["started"] for stream in report)
    last_first_token = max(stream["first_token"] for stream in report)
    assert last_start < first_end and last_first_token < first_end
    first_delta_end = min(times[-1] for times in delta_times.values() if times)
    assert max(delta_times[c][0] for c in comm_ids) < first_delta_end
    span = max(s["ended"] for s in report) - min(s["started"] for s in report)
    durations = sorted(s["ended"] - s["started"] for s in report)
    deltas = sum(len(delta_times[c]) for c in comm_ids)
    print(
        f"\n{len(report)} streams in {span:.2f} s (wall {wall:.2f} s); each "
        f"{durations[0]:.2f}-{durations[-1]:.2f} s; all started within "
        f"{last_start - min(s['started'] for s in report):.2f} s, first end after "
        f"{first_end - min(s['started'] for s in report):.2f} s; {deltas} delta messages, "
        f"{sum(len(s['text']) for s in report)} characters"
    )
