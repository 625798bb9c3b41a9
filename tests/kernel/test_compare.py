"""compare() in a real ipykernel: three models stream at once, a fault in one leaves the
others whole, the result maps each label to its answer, and the saved notebook's Markdown
holds every answer under its label and the summary as a table.

That the answers stream at once is read from the offline server's request log (each request
notes when it started and ended), not from a clock: until the server has all three requests
it waits 0.5 s between chunks, so answers asked one after the other could not overlap (and
would take a minute each), while answers asked together all start before any ends.
"""

from __future__ import annotations

import json
from typing import Any

MODELS = ["gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro"]
PROMPT = "Explain how a lighthouse lens works."

SETUP = """
%load_ext gemini_widgets
import asyncio, json, time
from gemini_widgets import compare, get_client
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Fault, Pacing
server = offline_server()
server.reset()
together = 3  # requests the compare sends
class UntilAllAsked(Pacing):
    def gap(self, rng):
        return 0.002 if len(server.requests) >= together else 0.5
server.state.pacing = UntilAllAsked(first_chunk=0.0)
get_client()
def report(result):
    log = [dict(model=r.model, status=r.status, started=r.started_at, ended=r.ended_at,
                temperature=r.config.get("temperature"))
           for r in server.requests]
    overlaps = [a.overlaps(b) for a in server.requests for b in server.requests]
    answers = {label: dict(text=s.text, error=s.error.message if s.error else None,
                           stopped=s.stopped, finish=str(s.finish_reason), model=s.model)
               for label, s in result.items()}
    print(json.dumps(dict(log=log, overlaps=overlaps, answers=answers, labels=list(result))))
async def until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not after {timeout} s"
        await asyncio.sleep(0.01)
"""


def _report(run: Any) -> dict[str, Any]:
    return json.loads(run.stdout.strip().splitlines()[-1])


def _streamed(run: Any) -> dict[str, str]:
    """Per widget comm, the text its delta messages carried (offsets checked)."""
    text: dict[str, str] = {}
    for message in run.of_type("comm_msg"):
        data = message["content"]["data"]
        payload = data.get("content") or {}
        if data.get("method") != "custom" or payload.get("type") != "delta":
            continue
        comm = message["content"]["comm_id"]
        if "text" in payload:
            assert payload["at"] == len(text.get(comm, ""))
            text[comm] = text.get(comm, "") + payload["text"]
    return text


def _saved_markdown(run: Any) -> str:
    updates = run.of_type("update_display_data")
    assert updates, "the compare's display was never given its final Markdown"
    return updates[-1]["content"]["data"]["text/markdown"]


def test_three_models_stream_at_once_into_their_columns(kernel):
    kernel.ok(SETUP)
    run = kernel.ok(f"result = compare({PROMPT!r}, models={MODELS!r}, seed=3)\nreport(result)")
    report = _report(run)

    log = report["log"]
    assert sorted(r["model"] for r in log) == sorted(MODELS)
    assert all(r["status"] == 200 and r["ended"] > r["started"] for r in log)
    assert all(report["overlaps"]), "the three requests were not all answered at once"
    span = max(r["ended"] for r in log) - min(r["started"] for r in log)
    assert span < sum(r["ended"] - r["started"] for r in log)  # about the slowest, not the sum

    answers = report["answers"]
    assert report["labels"] == MODELS
    assert all(a["error"] is None and a["finish"] == "FinishReason.STOP" for a in answers.values())
    assert [a["model"] for a in answers.values()] == MODELS
    assert len({a["text"] for a in answers.values()}) == 3

    # Each column's widget got its own answer, each character once.
    streamed = sorted(_streamed(run).values())
    assert streamed == sorted(a["text"] for a in answers.values())

    # The summary widget's last table: every answer, the numbers of a finished one, a best.
    tables = [
        m["content"]["data"]["state"]["table"]
        for m in run.of_type("comm_msg")
        if "table" in m["content"]["data"].get("state", {})
    ]
    assert tables[-1]["labels"] == MODELS
    rows = {row["key"]: row for row in tables[-1]["rows"]}
    assert rows["finish"]["cells"] == ["STOP"] * 3
    assert rows["tokens_per_second"]["best"].count(True) >= 1
    assert any("…" in cell for table in tables for row in table["rows"] for cell in row["cells"])

    saved = _saved_markdown(run)
    for label in MODELS:
        assert f"### {label}" in saved
    first_line = {label: a["text"].splitlines()[0] for label, a in answers.items()}
    positions = [saved.index(first_line[label]) for label in MODELS]
    assert positions == sorted(positions)  # each answer under its own label, in order
    assert "| | gemini-2.5-flash-lite | gemini-2.5-flash | gemini-2.5-pro |" in saved
    for row in ("first token", "tokens/s", "tokens in", "tokens out", "thinking tokens"):
        assert f"| {row} |" in saved
    assert "| estimated cost |" in saved and "★" in saved


def test_a_fault_in_one_leaves_the_others_streaming_and_whole(kernel):
    # Slow gaps until pro's answer was dropped: the others cannot have ended before it.
    kernel.ok(
        SETUP + "server.fail_next(Fault.drop(after=3), model='gemini-2.5-pro')\n"
        "class UntilProDropped(Pacing):\n"
        "    def gap(self, rng):\n"
        "        pro = [r for r in server.requests if r.model == 'gemini-2.5-pro']\n"
        "        return 0.002 if pro and pro[0].ended_at is not None else 0.5\n"
        "server.state.pacing = UntilProDropped(first_chunk=0.0)"
    )
    run = kernel.ok(f"result = compare({PROMPT!r}, models={MODELS!r}, seed=5)\nreport(result)")
    report = _report(run)
    answers, log = report["answers"], report["log"]

    pro = answers["gemini-2.5-pro"]
    assert pro["error"] and pro["text"]  # the kept partial answer
    ended = {r["model"]: r["ended"] for r in log}
    assert all(ended["gemini-2.5-pro"] < ended[m] for m in MODELS[:2])  # the others went on
    for label in MODELS[:2]:
        assert answers[label]["error"] is None
        assert answers[label]["finish"] == "FinishReason.STOP"

    # Whole: each is the answer the server gives that model and seed on its own.
    alone = kernel.ok(
        "server.state.pacing = Pacing.instant()\n"
        "from google.genai import types\n"
        "for m in " + repr(MODELS[:2]) + ":\n"
        f"    chunks = get_client().models.generate_content_stream(model=m, contents={PROMPT!r},"
        " config=types.GenerateContentConfig(seed=5))\n"
        "    print(json.dumps(''.join(c.text or '' for c in chunks)))"
    )
    texts = [json.loads(line) for line in alone.stdout.strip().splitlines()]
    assert texts == [answers[label]["text"] for label in MODELS[:2]]

    saved = _saved_markdown(run)
    assert saved.index("### gemini-2.5-pro") < saved.index("*Error: ")
    assert texts[1].splitlines()[-1] in saved
    assert "| finish | STOP | STOP | error |" in saved


def test_variants_map_each_label_to_its_result(kernel):
    kernel.ok(SETUP + "together = 2")
    run = kernel.ok(
        "result = compare('Explain tides.', variants={'t=0': dict(temperature=0), "
        "'t=1': dict(temperature=1)}, model='gemini-2.5-flash', seed=1)\nreport(result)"
    )
    report = _report(run)
    assert report["labels"] == ["t=0", "t=1"]
    assert sorted(r["temperature"] for r in report["log"]) == [0, 1]
    assert all(report["overlaps"][i] for i in range(4))
    saved = _saved_markdown(run)
    for label, answer in report["answers"].items():
        assert f"### {label}" in saved
        assert answer["text"].splitlines()[-1] in saved


def test_stop_in_the_background_stops_every_column(kernel):
    kernel.ok(SETUP + "server.fail_next(Fault.slow(between=0.2), times=None)")
    kernel.ok(f"handle = compare({PROMPT!r}, models={MODELS!r}, background=True)")
    kernel.ok("await until(lambda: all(s.text for s in handle.result().values()))")
    kernel.ok("handle.stop()\nresult = await handle")
    report = _report(kernel.ok("server.faults.clear()\nreport(result)"))
    assert all(a["stopped"] and a["text"] for a in report["answers"].values())
    assert len(report["log"]) == 3


def test_interrupt_stops_every_column_and_keeps_what_arrived(kernel):
    kernel.ok(
        SETUP + "server.script(*[f'word{i} ' for i in range(200)], prompt='slow')\n"
        "server.fail_next(Fault.slow(between=0.2), times=None)"
    )
    run = kernel.run_interrupted(f"result = compare('slow', models={MODELS!r})", once="word1 ")
    kernel.ok("server.faults.clear()")
    assert run.error is not None and run.error["ename"] == "KeyboardInterrupt"
    saved = _saved_markdown(run)
    assert saved.count("Stopped; the partial answer is kept.") == 3
    assert saved.count("\n\nword0") == 3 and "word199" not in saved  # each kept its start
    assert "| finish | stopped | stopped | stopped |" in saved


def test_the_magic_compares_models_and_option_sets_side_by_side(kernel):
    kernel.ok(SETUP + "together = 2")
    run = kernel.ok(
        "%%gemini -m gemini-2.5-flash,gemini-2.5-pro --seed 2 -o by_model\nExplain tides."
    )
    report = _report(kernel.ok("report(by_model)"))
    assert report["labels"] == ["gemini-2.5-flash", "gemini-2.5-pro"]
    assert all(report["overlaps"])
    assert sorted(_streamed(run).values()) == sorted(a["text"] for a in report["answers"].values())
    assert "### gemini-2.5-pro" in _saved_markdown(run)

    kernel.ok(SETUP + "together = 2")
    run = kernel.ok('%%gemini --compare "-t 0" --compare "-t 1" -o by_setting\nExplain tides.')
    report = _report(kernel.ok("report(by_setting)"))
    assert report["labels"] == ["-t 0", "-t 1"]
    assert sorted(r["temperature"] for r in report["log"]) == [0, 1]
    assert "### -t 1" in _saved_markdown(run)
