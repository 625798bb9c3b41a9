"""Property test: whatever the chunking, the pacing or the fault, nothing is lost or duplicated.

Why this exists (issue 7, "Reliability"): the example tests check a handful of chosen
streams; this one draws answers full of Markdown, emoji, CJK and combining marks, cuts them
into random chunks (splitting grapheme clusters too), paces them at random so the
coalescer's frame timing is exercised, and cuts the stream with a random fault. Every
request goes through the real google-genai SDK over real HTTP to the offline server, on the
sync and the async loop, and for each example it checks:

* the result: ``StreamState.text`` is exactly the text the server sent before the fault (all
  of it without one), and ``.error`` is set, of the right kind, iff a fault fired;
* the text shown: the sink's deltas (or, for a ``Chat``, the view's ``delta`` messages and
  their offsets) carry each character once, in order;
* the chat history: a faulted send leaves ``chat.history`` as it was (the view keeps the
  partial text, marked ``error``) and nothing of it is sent back to the model with the next
  message; a clean send adds exactly the user message and the model's text.

The number of examples actually run is asserted (and printed: ``pytest -s``).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from google.genai import types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemini_widgets.chat import Chat
from gemini_widgets.consume import FRAME_INTERVAL, aconsume, consume
from gemini_widgets.offline import Fault
from gemini_widgets.offline.responders import Reply, Script, ScriptedResponder
from gemini_widgets.stream import Delta, StreamState

CONSUME_EXAMPLES = 700
CHAT_EXAMPLES = 320
MAX_CHUNKS = 24
MAX_DELAY = 0.003
"""Seconds before a chunk, at most: tiny, but 24 of them span more than one 1/30 s frame."""

PROPERTY_SETTINGS = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}

# ---- what the server sends ---------------------------------------------------------------

MARKDOWN = [
    "# ",
    "## Heading\n",
    "**bold**",
    "*",
    "_",
    "`code`",
    "```python\nprint('hi')\n```\n",
    "```",
    "- item\n",
    "1. ",
    "> quote\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "$x^2$",
    "$$\n\\frac{1}{2}\n$$\n",
    "[link](https://example.com)",
    "<b>html</b>",
    "&amp;",
    "\\",
    "\n\n",
    "\n",
    "  \n",
    "\t",
    "\r\n",
]
UNICODE = [
    "😀",
    "👩‍👩‍👧",  # a ZWJ sequence: five code points, one grapheme
    "🇫🇷",
    "👍🏽",
    "漢字",
    "日本語の文章です。",
    "한국어",
    "é",
    "e\u0301",  # e + combining acute
    "a\u0308\u0323",  # a + two combining marks
    "\u200b",
    "\u2028",
    "עברית",
    "العربية",
    "Ω≈ç√∫",
    "\ufeff",
]
WORDS = st.from_regex(r"[A-Za-z]{1,8}[ .,;:!?]{0,2}", fullmatch=True)

pieces = st.one_of(
    st.sampled_from(MARKDOWN),
    st.sampled_from(UNICODE),
    WORDS,
    st.text(max_size=6),  # any code point but surrogates, NUL and controls included
)
answers = st.lists(pieces, min_size=1, max_size=30).map("".join).filter(bool)


@st.composite
def chunkings(draw: st.DrawFn, text: str) -> list[str]:
    """``text`` cut into 1..MAX_CHUNKS non-empty chunks at random code-point offsets."""
    most = min(MAX_CHUNKS, len(text)) - 1
    cuts = sorted(
        draw(st.lists(st.integers(1, len(text) - 1), unique=True, max_size=most))
        if most > 0
        else []
    )
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def pacings(count: int) -> st.SearchStrategy[list[float]]:
    """Seconds before each chunk: none at all, or each 0..MAX_DELAY."""
    delay = st.one_of(st.just(0.0), st.floats(0.0, MAX_DELAY))
    return st.one_of(st.just([0.0] * count), st.lists(delay, min_size=count, max_size=count))


@dataclass(frozen=True)
class FaultPoint:
    kind: str
    """``none``, ``drop``, ``malformed`` or ``error``."""
    after: int = 0
    status: int = 500

    @property
    def fires(self) -> bool:
        return self.kind != "none"

    @property
    def error_kind(self) -> str:
        return {"drop": "connection", "malformed": "malformed", "error": "http"}[self.kind]

    def fault(self) -> Fault:
        if self.kind == "drop":
            return Fault.drop(after=self.after)
        if self.kind == "malformed":
            return Fault.malformed(after=self.after)
        return Fault.error_event(after=self.after, status=self.status)


def fault_points(count: int) -> st.SearchStrategy[FaultPoint]:
    """No fault, or one after ``k`` of ``count`` chunks. A drop may also come after the last
    chunk (the body is cut before its end); a bad or error event needs a chunk to replace."""
    faults: list[st.SearchStrategy[FaultPoint]] = [st.just(FaultPoint("none"))]
    faults.append(st.builds(FaultPoint, st.just("drop"), st.integers(0, count)))
    if count > 0:
        faults.append(st.builds(FaultPoint, st.just("malformed"), st.integers(0, count - 1)))
        faults.append(
            st.builds(
                FaultPoint,
                st.just("error"),
                st.integers(0, count - 1),
                st.sampled_from([500, 503, 429]),
            )
        )
    return st.one_of(faults)


@dataclass
class PacedReplies:
    """A responder: each request gets the next queued chunks, with a pause before each chunk
    (``Reply.delays``, as a replay's ``x-chunk-delays`` gives them). Built on the
    ``ScriptedResponder``, so the chunks are exactly those a ``server.script`` sends."""

    queue: list[tuple[list[str], list[str], list[float]]] = field(default_factory=list)

    def add(self, chunks: list[str], delays: list[float], thoughts: Sequence[str] = ()) -> None:
        self.queue.append((list(chunks), list(thoughts), list(delays)))

    def respond(self, request: Any, model: Any, rng: random.Random) -> Reply | None:
        if not self.queue:
            return None
        chunks, thoughts, delays = self.queue.pop(0)
        script = ScriptedResponder([Script(chunks, thoughts=thoughts)])
        reply = script.respond(request, model, rng)
        assert reply is not None and len(reply.chunks) == len(chunks) + len(thoughts)
        return Reply(reply.chunks, delays)


def serve(server: Any) -> PacedReplies:
    """A fresh server state for one example, answered by a new ``PacedReplies``."""
    server.reset()
    replies = PacedReplies()
    server.state.replays.append(replies)
    return replies


# ---- what the client shows ---------------------------------------------------------------


class Recorder:
    """A sink keeping what a widget would be sent, and anything out of order."""

    def __init__(self) -> None:
        self.deltas: list[Delta] = []
        self.ends: list[StreamState] = []
        self.problems: list[str] = []

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        if self.ends:
            self.problems.append("a delta after on_end")
        if not delta:
            self.problems.append("an empty delta")
        self.deltas.append(delta)
        if not state.text.startswith(self.text) or not state.thoughts.startswith(self.thoughts):
            self.problems.append("the deltas are not a prefix of the state's text")

    def on_end(self, state: StreamState) -> None:
        self.ends.append(state)

    @property
    def text(self) -> str:
        return "".join(d.text for d in self.deltas)

    @property
    def thoughts(self) -> str:
        return "".join(d.thoughts for d in self.deltas)


def check_error(state: StreamState, fault: FaultPoint) -> None:
    if not fault.fires:
        assert state.error is None, state.error
        assert state.ok and state.finish_reason is not None
        assert state.finish_reason.value == "STOP"
        return
    assert state.error is not None, f"{fault} fired but the state has no error"
    assert state.error.kind == fault.error_kind, (state.error.kind, state.error.message)
    if fault.kind == "error":
        assert state.error.code == fault.status
    assert not state.ok


def describe(example: dict[str, Any], count: int, tally: Counter[str]) -> None:
    """Count what kind of example this is (printed with the number of examples)."""
    fault: FaultPoint = example["fault"]
    where = ""
    if fault.fires:
        where = " at 0" if fault.after == 0 else " at end" if fault.after >= count else " mid"
    tally[f"fault {fault.kind}{where}"] += 1
    tally["sync" if example["sync"] else "async"] += 1
    tally[f"{'1' if count == 1 else '2-8' if count <= 8 else '9+'} chunks"] += 1
    tally["paced" if any(example["delays"]) else "not paced"] += 1


# ---- consume / aconsume ------------------------------------------------------------------

THINKING = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))


@st.composite
def streams(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(answers)
    chunks = draw(chunkings(text))
    thoughts = draw(
        st.lists(st.sampled_from(["Thinking ", "about ", "🤔", "漢字 ", "\n"]), max_size=3)
    )
    count = len(thoughts) + len(chunks)
    return {
        "chunks": chunks,
        "thoughts": thoughts,
        "delays": draw(pacings(count)),
        "fault": draw(fault_points(count)),
        "sync": draw(st.booleans()),
        "frame_interval": draw(st.sampled_from([FRAME_INTERVAL, 0.002, 0.0])),
    }


def test_consume_loses_and_duplicates_nothing(server, client, model):
    runs = 0
    tally: Counter[str] = Counter()
    started = time.monotonic()

    @settings(max_examples=CONSUME_EXAMPLES, **PROPERTY_SETTINGS)
    @given(example=streams())
    def check(example: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        chunks, thoughts = example["chunks"], example["thoughts"]
        fault: FaultPoint = example["fault"]
        describe(example, len(chunks) + len(thoughts), tally)
        serve(server).add(chunks, example["delays"], thoughts)
        if fault.fires:
            server.fail_next(fault.fault())

        # What the server sends before the fault: the thought chunks come first.
        sent = [("thought", t) for t in thoughts] + [("text", c) for c in chunks]
        if fault.fires:
            sent = sent[: fault.after]
        expected_text = "".join(s for kind, s in sent if kind == "text")
        expected_thoughts = "".join(s for kind, s in sent if kind == "thought")

        sink = Recorder()
        options = {"frame_interval": example["frame_interval"]}
        if example["sync"]:
            responses = client.models.generate_content_stream(
                model=model, contents="question", config=THINKING
            )
            state = consume(responses, sink, **options)
        else:
            responses = client.aio.models.generate_content_stream(
                model=model, contents="question", config=THINKING
            )
            state = asyncio.run(aconsume(responses, sink, **options))

        assert state.text == expected_text
        assert state.thoughts == expected_thoughts
        check_error(state, fault)
        assert sink.text == expected_text  # each character once, in order
        assert sink.thoughts == expected_thoughts
        assert sink.problems == []
        assert sink.ends == [state]
        assert len(server.requests) == 1  # no hidden retry re-sent the question

    check()
    seconds = time.monotonic() - started
    print(f"\nconsume/aconsume: {runs} examples in {seconds:.1f} s; {dict(sorted(tally.items()))}")
    assert runs >= CONSUME_EXAMPLES


# ---- Chat --------------------------------------------------------------------------------

CHAT_TAKES_RETRY = "retry" in inspect.signature(Chat.__init__).parameters
"""Chat is getting ``retry=``: retries before the first chunk would turn a fault at k=0
into a success, so it is turned off here (this test is about what one stream delivers)."""

turn_texts = st.lists(st.one_of(WORDS, st.sampled_from(UNICODE)), min_size=1, max_size=4).map(
    "".join
)


@st.composite
def chat_sends(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(answers)
    chunks = draw(chunkings(text))
    exchanges = draw(st.lists(st.tuples(turn_texts, turn_texts), max_size=2))
    return {
        "history": [
            types.Content(role=role, parts=[types.Part(text=said)])
            for question, reply in exchanges
            for role, said in (("user", question), ("model", reply))
        ],
        "message": "q: " + draw(turn_texts),
        "chunks": chunks,
        "delays": draw(pacings(len(chunks))),
        "fault": draw(fault_points(len(chunks))),
        "sync": draw(st.booleans()),
    }


def merged(contents: list[types.Content]) -> list[tuple[str, str]]:
    """(role, text) per turn: the SDK stores one model Content per streamed chunk."""
    turns: list[tuple[str, str]] = []
    for content in contents:
        text = "".join(p.text or "" for p in content.parts or [])
        if turns and turns[-1][0] == content.role:
            turns[-1] = (turns[-1][0], turns[-1][1] + text)
        else:
            turns.append((content.role or "user", text))
    return turns


def test_chat_history_and_view_lose_and_duplicate_nothing(server, client, model):
    runs = 0
    tally: Counter[str] = Counter()
    started = time.monotonic()
    extra = {"retry": False} if CHAT_TAKES_RETRY else {}

    @settings(max_examples=CHAT_EXAMPLES, **PROPERTY_SETTINGS)
    @given(example=chat_sends())
    def check(example: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        chunks: list[str] = example["chunks"]
        fault: FaultPoint = example["fault"]
        describe(example, len(chunks), tally)
        replies = serve(server)
        replies.add(chunks, example["delays"])
        replies.add(["fine, ", "thanks"], [0.0, 0.0])  # the next, clean, send
        if fault.fires:
            server.fail_next(fault.fault())
        expected = "".join(chunks[: fault.after] if fault.fires else chunks)

        chat = Chat(model, client=client, key=None, history=example["history"], **extra)
        assert chat.key is None  # not kept per cell: each example starts afresh
        messages: list[dict[str, Any]] = []
        chat.view.send = lambda content, buffers=None: messages.append(content)

        def send(message: str) -> StreamState:
            if example["sync"]:
                return chat.send(message)
            return asyncio.run(chat.send_async(message))

        before = chat.history
        state = send(example["message"])

        # The result.
        assert state.text == expected
        check_error(state, fault)

        # The text shown: the view's delta messages, each character once at its offset.
        start = max(i for i, m in enumerate(messages) if m.get("type") == "reply_start")
        shown = ""
        for message in messages[start + 1 :]:
            if "text" in message:
                assert message["at"] == len(shown), "a gap or a repeat in the view's text"
                shown += message["text"]
        assert shown == expected
        last = chat.view.turns[-1]
        assert last == chat.turns[-1].to_json()
        assert last["message"] == example["message"] and last["reply"] == expected
        assert last["status"] == ("error" if fault.fires else "done")
        assert not chat.busy and not chat.view.busy

        # The history: unchanged by a faulted send; one exchange more after a clean one.
        history = chat.history
        if fault.fires:
            assert history == before
            recorded = merged(before)
        else:
            assert history[: len(before)] == before
            added = history[len(before) :]
            assert added[0].role == "user"
            assert [p.text for p in added[0].parts] == [example["message"]]
            assert all(c.role == "model" for c in added[1:])
            assert merged(added[1:]) == [("model", expected)]
            recorded = [*merged(before), ("user", example["message"]), ("model", expected)]

        # The next message goes to the model with the recorded history only.
        follow_up = send("and then?")
        assert follow_up.ok and follow_up.text == "fine, thanks"
        body = server.requests[-1].body
        sent = [types.Content.model_validate(c) for c in body["contents"]]
        assert merged(sent) == [*recorded, ("user", "and then?")]
        assert merged(chat.history) == [*recorded, ("user", "and then?"), ("model", "fine, thanks")]
        assert len(server.requests) == 2

    check()
    seconds = time.monotonic() - started
    print(f"\nChat: {runs} examples in {seconds:.1f} s; {dict(sorted(tally.items()))}")
    assert runs >= CHAT_EXAMPLES


def test_the_properties_run_at_least_a_thousand_examples():
    assert CONSUME_EXAMPLES + CHAT_EXAMPLES >= 1000
