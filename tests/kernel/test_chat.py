"""Chat in a real kernel, on the offline server: history, stop, errors, regenerate, cells.

Each step waits for an event (a reply streaming, the chat idle), never for some seconds: a
background reply runs while a cell awaits, and the "slow" reply takes 40 s, so a stop after
its first words comes long before its end however busy the machine is.
"""

from __future__ import annotations

import json

SETUP = """
import asyncio, time
from gemini_widgets import Chat
from gemini_widgets.client import offline_server
from gemini_widgets.offline import Fault
server = offline_server()
server.reset()
def turns(chat):
    return [t.status for t in chat.turns]
def exchanges(chat):
    return sum(1 for c in chat.history if c.role == 'user')
async def until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not after {timeout} s"
        await asyncio.sleep(0.01)
async def wait(chat):
    # the reply's task, not only busy: the turn is finished a step after the answer ends
    await until(lambda: not chat.busy and (chat.task is None or chat.task.done()))
"""
SLOW = (
    "server.script(*[f'w{i} ' for i in range(200)], prompt='slow')\n"
    "server.fail_next(Fault.slow(between=0.2))\n"
)


def output(kernel, code: str, cell_id: str | None = None) -> str:
    return kernel.ok(code, cell_id=cell_id).stdout.strip()


def test_two_turns_give_two_exchanges_and_the_second_request_carries_the_first(kernel):
    kernel.ok(SETUP)
    kernel.ok(
        "server.script('Hello ', 'Ada!', prompt='I am Ada.')\n"
        "server.script('You ', 'are Ada.', prompt='Who am I?')\n"
        "chat = Chat()\n"
        "first = chat.send('I am Ada.')\n"
        "second = chat.send('Who am I?')"
    )
    result = json.loads(
        output(
            kernel,
            (
                "import json\n"
                "h = chat.history\n"
                "roles = [c.role for i, c in enumerate(h) if i == 0 or h[i-1].role != c.role]\n"
                "print(json.dumps({'roles': roles, 'second': second.text,"
                " 'sent': server.requests[-1].body['contents'][0]['parts'][0]['text'],"
                " 'turns': turns(chat)}))"
            ),
        )
    )
    assert result["roles"] == ["user", "model", "user", "model"]
    assert result["second"] == "You are Ada."
    assert result["sent"] == "I am Ada."
    assert result["turns"] == ["done", "done"]


def test_error_mid_stream_keeps_partial_and_leaves_history_consistent(kernel):
    kernel.ok(SETUP)
    kernel.ok(
        "server.script(*[f'w{i} ' for i in range(20)], prompt='long')\n"
        "chat = Chat()\nchat.send('hi')\n"
        "server.fail_next(Fault.drop(after=5))\n"
        "failed = chat.send('long')"
    )
    state = json.loads(
        output(
            kernel,
            (
                "print(json.dumps({'text': failed.text, 'error': failed.error.kind,"
                " 'exchanges': exchanges(chat), 'turns': turns(chat)}))"
            ),
        )
    )
    assert state["text"] == "w0 w1 w2 w3 w4 "
    assert state["error"] == "connection"
    assert state["exchanges"] == 1  # the failed turn is not half-recorded
    assert state["turns"] == ["done", "error"]
    # Retry sends the failed message again, in the background; the history then grows.
    kernel.ok("refused = chat.retry()")
    after = json.loads(
        output(
            kernel,
            (
                "await wait(chat)\n"
                "print(json.dumps({'refused': refused, 'exchanges': exchanges(chat),"
                " 'turns': turns(chat), 'last': chat.turns[-1].reply}))"
            ),
        )
    )
    assert after["refused"] is None
    assert after["exchanges"] == 2
    assert after["turns"] == ["done", "done"]  # the failed exchange, replaced
    assert after["last"] == "".join(f"w{i} " for i in range(20))


def test_stop_keeps_the_partial_reply_out_of_the_history(kernel):
    kernel.ok(SETUP)
    kernel.ok(SLOW + "chat = Chat()\nrefused = chat.submit('slow', [])")  # as the input box does
    kernel.ok("await until(lambda: (s := chat.streaming_answer()) and s.text.startswith('w0 w1 '))")
    busy = output(kernel, "print(chat.busy, chat.submit('another', []))")
    assert busy.startswith("True A reply is streaming")
    kernel.ok("chat.stop()")
    state = json.loads(
        output(
            kernel,
            (
                "await wait(chat)\n"
                "print(json.dumps({'exchanges': exchanges(chat), 'turns': turns(chat),"
                " 'partial': chat.turns[-1].reply}))"
            ),
        )
    )
    assert state["exchanges"] == 0
    assert state["turns"] == ["stopped"]
    assert state["partial"].startswith("w0 w1 ") and len(state["partial"]) < 400


def test_regenerate_replaces_the_last_exchange(kernel):
    kernel.ok(SETUP)
    kernel.ok(
        "chat = Chat()\nchat.send('Tell me about tides')\nchat.send('And the moon?')\n"
        "before = len(server.requests)\n"
        "refused = chat.regenerate()"
    )
    state = json.loads(
        output(
            kernel,
            (
                "await wait(chat)\n"
                "sent = server.requests[-1].body['contents']\n"
                "print(json.dumps({'refused': refused, 'exchanges': exchanges(chat),"
                " 'requests': len(server.requests) - before,"
                " 'sent_users': [c['parts'][0]['text'] for c in sent if c['role'] == 'user'],"
                " 'turns': len(chat.turns)}))"
            ),
        )
    )
    assert state["refused"] is None
    assert state["exchanges"] == 2 and state["turns"] == 2
    assert state["requests"] == 1
    assert state["sent_users"] == ["Tell me about tides", "And the moon?"]


def test_clear_empties_the_history(kernel):
    kernel.ok(SETUP)
    out = output(
        kernel,
        "chat = Chat()\nchat.send('hi')\nchat.clear()\nprint(exchanges(chat), len(chat.turns))",
    )
    assert out == "0 0"


def test_rerunning_the_cell_restores_the_conversation_and_chats_stay_apart(kernel):
    kernel.ok(SETUP)
    cell = "chat = Chat()\nchat"
    kernel.ok(cell, cell_id="cell-A")
    kernel.ok("chat.send('remember the number 7')")
    kernel.ok("other = Chat()\nother.send('something else')", cell_id="cell-B")
    kernel.ok(cell, cell_id="cell-A")  # the user re-runs the first cell
    state = json.loads(
        output(
            kernel,
            (
                "print(json.dumps({'a': exchanges(chat), 'a_text': chat.history[0].parts[0].text,"
                " 'b': exchanges(other), 'b_text': other.history[0].parts[0].text,"
                " 'a_turns': len(chat.turns)}))"
            ),
        )
    )
    assert state == {
        "a": 1,
        "a_text": "remember the number 7",
        "b": 1,
        "b_text": "something else",
        "a_turns": 1,
    }


def test_export_and_from_history_round_trip(kernel, tmp_path):
    kernel.ok(SETUP)
    md, js = tmp_path / "chat.md", tmp_path / "chat.json"
    out = output(
        kernel,
        (
            "server.script('Paris.', prompt='Capital of France?')\n"
            f"chat = Chat()\nchat.send('Capital of France?')\nchat.export({str(md)!r})\n"
            f"chat.export({str(js)!r})\n"
            f"again = Chat.from_history({str(js)!r})\n"
            "print(exchanges(again), again.history[-1].parts[0].text)"
        ),
    )
    assert out == "1 Paris."
    text = md.read_text()
    assert "**You:**\n\nCapital of France?" in text and "**Gemini:**\n\nParis." in text


def test_saved_output_carries_the_conversation_as_markdown(kernel):
    kernel.ok(SETUP)
    run = kernel.ok(
        "server.script('Lisbon.', prompt='Capital of Portugal?')\n"
        "chat = Chat()\ndisplay(chat)\nchat.send('Capital of Portugal?')"
    )
    final = run.of_type("update_display_data")[-1]["content"]["data"]
    assert "application/vnd.jupyter.widget-view+json" in final
    assert "**You:**\n\nCapital of Portugal?" in final["text/markdown"]
    assert "**Gemini:**\n\nLisbon." in final["text/markdown"]


def test_interrupt_during_send_ends_the_turn_as_stopped(kernel):
    kernel.ok(SETUP)
    kernel.ok(SLOW + "chat = Chat()")
    run = kernel.run_interrupted("chat.send('slow')", once="w1 ")
    assert run.error["ename"] == "KeyboardInterrupt"
    state = json.loads(
        output(
            kernel,
            (
                "print(json.dumps({'busy': chat.busy, 'view_busy': chat.view.busy,"
                " 'turns': turns(chat), 'exchanges': exchanges(chat)}))"
            ),
        )
    )
    assert state == {
        "busy": False,
        "view_busy": False,
        "turns": ["stopped"],
        "exchanges": 0,
    }


def test_a_chat_and_the_magic_with_its_key_are_one_conversation(kernel):
    kernel.ok(SETUP + "%load_ext gemini_widgets\n")
    kernel.ok(
        "server.script('Noted: ', 'seven.', prompt='Remember seven.')\n"
        "server.script('You ', 'said seven.', prompt='What did I say?')\n"
        "server.script('Both ', 'of us.', prompt='Who is here?')\n"
        "chat = Chat(key='k')\nchat.send('Remember seven.')"
    )
    magic = kernel.ok("%%gemini --chat k\nWhat did I say?")
    kernel.ok("chat.send('Who is here?')")
    state = json.loads(
        output(
            kernel,
            (
                "import json\n"
                "from itertools import groupby\n"
                "def said(body):\n"
                "    turns = groupby(body['contents'], key=lambda c: c['role'])\n"
                "    return [''.join(p['text'] for c in run for p in c['parts'])"
                " for _, run in turns]\n"
                "sent = [said(r.body) for r in server.requests]\n"
                "print(json.dumps({'exchanges': exchanges(chat),"
                " 'messages': [t.message for t in chat.turns],"
                " 'replies': [t.reply for t in chat.turns],"
                " 'view': [t['message'] for t in chat.view.turns], 'sent': sent}))"
            ),
        )
    )
    asked = ["Remember seven.", "What did I say?", "Who is here?"]
    assert state["exchanges"] == 3
    assert state["messages"] == state["view"] == asked
    assert state["replies"] == ["Noted: seven.", "You said seven.", "Both of us."]
    # The magic's request carried the chat's exchange; the chat's next one carried the magic's.
    assert state["sent"][1] == ["Remember seven.", "Noted: seven.", "What did I say?"]
    assert state["sent"][2] == [
        "Remember seven.",
        "Noted: seven.",
        "What did I say?",
        "You said seven.",
        "Who is here?",
    ]
    # The magic's cell showed its reply in a StreamView of its own, as any %%gemini does.
    assert "You said seven." in magic.of_type("execute_result")[0]["content"]["data"]["text/plain"]
