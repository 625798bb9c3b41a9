"""The text front end: an answer printed as it streams, over the real SDK and the offline
server; where it is chosen; and that stream(), Chat and %%gemini print no widget there."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from gemini_widgets import text_views
from gemini_widgets.answer_markdown import answer_markdown
from gemini_widgets.answer_wire import answer_json
from gemini_widgets.offline import Fault
from gemini_widgets.request import StreamRequest
from gemini_widgets.runner import Runner, SinkGroup
from gemini_widgets.settings import build_config
from gemini_widgets.stream import Delta, StreamState
from gemini_widgets.text_views import DISPLAY_ENV, TextView, front_end

WORDS = [f"w{i} " for i in range(10)]
STALL = 600.0
"""Seconds a stalled server stays silent: the test ends the stream long before."""
NEVER = 60.0


class Screen(io.StringIO):
    """An output stream that keeps what was on it after each delta."""

    def __init__(self) -> None:
        super().__init__()
        self.after_delta: list[tuple[str, str]] = []  # (what was printed, the state's text)


class Snapshots:
    """A sink told after the text view: what the screen showed once each delta was in."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    def on_start(self, state: StreamState, *, background: bool) -> None:
        pass

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self.screen.after_delta.append((self.screen.getvalue(), state.text))

    def on_end(self, state: StreamState) -> None:
        pass


def printed(client, model, prompt, **settings) -> tuple[StreamState, Screen, io.StringIO]:
    out, err = Screen(), io.StringIO()
    sinks = SinkGroup([TextView(out=out, err=err), Snapshots(out)])
    request = StreamRequest(client, model, prompt, build_config(**settings))
    return Runner(sinks, model=model).run(request), out, err


@pytest.fixture
def text_mode(monkeypatch):
    monkeypatch.setenv(DISPLAY_ENV, "text")


# ---- one answer --------------------------------------------------------------------------


def test_the_text_is_printed_as_each_delta_arrives(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.slow(between=0.1))  # chunks in separate frames: separate deltas
    state, out, err = printed(client, model, "count")
    assert len(out.after_delta) >= 3
    for shown, received in out.after_delta:
        assert shown == received  # nothing held back for the end
    assert out.getvalue() == "".join(WORDS) + "\n" and state.text == "".join(WORDS)
    assert err.getvalue() == ""


def test_text_before_a_stall_is_on_the_screen_while_the_stream_runs(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault(chunk_delay=STALL))  # the first chunk, then silence
    out, err = io.StringIO(), io.StringIO()
    view = TextView(out=out, err=err)
    request = StreamRequest(client, model, "count", build_config())
    done: list[StreamState] = []
    reader = threading.Thread(target=lambda: done.append(view.actions.run(request)))
    reader.start()
    deadline = time.monotonic() + NEVER
    while out.getvalue() != WORDS[0]:
        assert time.monotonic() < deadline, f"nothing printed: {out.getvalue()!r}"
        time.sleep(0.01)
    assert not done and not view.state.done
    view.stop()
    reader.join(NEVER)
    assert out.getvalue() == WORDS[0] + "\n"
    assert err.getvalue() == "gemini: Stopped; the partial answer is kept.\n"
    assert done[0].stopped and done[0].text == WORDS[0]


def test_a_dropped_stream_is_one_line_on_stderr_and_the_text_stays(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.drop(after=3))
    state, out, err = printed(client, model, "count")
    assert out.getvalue() == "".join(WORDS[:3]) + "\n"
    assert state.error is not None
    assert err.getvalue() == f"gemini: {state.error.message}\n"
    assert err.getvalue().count("\n") == 1


def test_a_retry_is_one_line_on_stderr_before_the_answer(client, server, model):
    server.script(*WORDS)
    server.fail_next(Fault.http(503, retry_after=0))
    fast = {"attempts": 3, "initial_delay": 0.0, "max_delay": 0.0, "jitter": 0.0}
    out, err = io.StringIO(), io.StringIO()
    request = StreamRequest(client, model, "count", build_config())
    from gemini_widgets.settings import stream_options

    view = TextView(out=out, err=err)
    state = Runner(view, options=stream_options(fast, None)).run(request)
    assert state.ok and out.getvalue() == "".join(WORDS) + "\n"
    assert err.getvalue() == "gemini: 503 UNAVAILABLE: retrying in 0 s (attempt 2 of 3).\n"


def test_code_the_model_ran_and_its_output_are_printed_where_they_came(client, server, model):
    server.fail_next(Fault.slow(between=0.1))  # chunks in separate frames: separate deltas
    state, out, _ = printed(client, model, "What is 12 * 34?", tools=["code_execution"])
    [run] = state.code_runs
    shown = out.getvalue()
    before, after = state.text[: run.at].strip(), state.text[run.at :].strip()
    order = [
        shown.index(before),
        shown.index("*Code the model ran:*"),
        shown.index("```python\n" + run.code.code.rstrip("\n")),
        shown.index("*Output (ok):*"),
        shown.index("12 * 34 = 408"),
        shown.index(after),
    ]
    assert order == sorted(order)
    # The terminal shows what the saved notebook shows, block for block.
    assert shown.strip() == answer_markdown(answer_json(state))
    # While it streamed: the code block was on the screen before the text after it came.
    firsts = [s for s, _ in out.after_delta if "*Code the model ran:*" in s]
    assert firsts and after not in firsts[0]


def get_weather(city: str) -> dict:
    """The current weather in a city."""
    return {"city": city, "celsius": 21, "sky": "sunny"}


def test_function_calls_and_their_results_are_lines(client, model):
    state, out, _ = printed(client, model, "What is the weather in Paris?", tools=[get_weather])
    [call] = state.function_calls
    shown = out.getvalue()
    assert call.name == "get_weather"
    assert "*Called* `get_weather(city=" in shown
    assert "returned* `{" in shown and '"sky": "sunny"' in shown
    assert shown.index("*Called*") < shown.index("returned*")


def test_an_image_is_one_line_with_its_type_and_size_never_base64(client):
    state, out, _ = printed(client, "gemini-2.5-flash-image", "Draw a cat")
    [image] = state.parts
    size = len(image.inline_data.data)
    shown = out.getvalue()
    expected = f"{size} bytes" if size < 1024 else f"{size / 1024:.1f} KB"
    assert f"[image: image/png, {expected}]" in shown
    assert "base64" not in shown and "iVBOR" not in shown and "data:" not in shown


def test_fetched_urls_come_at_the_end(client, model):
    prompt = "Summarise https://docs.example/guide and https://blog.example/post"
    state, out, _ = printed(client, model, prompt, tools=["url_context"])
    shown = out.getvalue()
    assert state.url_context
    assert shown.index(state.text.strip()[-40:]) < shown.index("**Fetched URLs**")
    assert "`https://docs.example/guide`" in shown and shown.endswith(")\n")


def test_thoughts_are_not_printed(client, server, model):
    server.script("The answer.", thoughts=["I should think about this."])
    state, out, _ = printed(client, model, "x", show_thoughts=True)
    assert state.thoughts == "I should think about this."
    assert out.getvalue() == "The answer.\n"


def test_terminal_control_sequences_from_the_model_are_not_printed(client, server, model):
    server.script("safe \x1b]52;c;cGF3bmVk\x07text\x1b[2J\r\n", "more\x9b31m")
    state, out, _ = printed(client, model, "x")
    assert "\x1b" in state.text  # the result keeps what the model sent
    assert out.getvalue() == "safe ]52;c;cGF3bmVktext[2J\nmore31m\n"


# ---- where it is chosen --------------------------------------------------------------------


class KernelShell:
    kernel = object()


class TerminalShell:
    pass


@pytest.mark.parametrize(
    ("env", "shell", "expected"),
    [
        ("", None, "text"),  # plain python
        ("", TerminalShell(), "text"),  # terminal IPython
        ("", KernelShell(), "widget"),  # ipykernel: Lab, Notebook, VS Code, Colab, Voilà
        ("text", KernelShell(), "text"),
        ("widget", None, "widget"),
        (" Auto ", KernelShell(), "widget"),
    ],
)
def test_the_front_end_is_widget_in_a_kernel_and_text_elsewhere(monkeypatch, env, shell, expected):
    import IPython

    monkeypatch.setenv(DISPLAY_ENV, env)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert front_end() == expected


def test_an_unknown_display_setting_is_one_sentence(monkeypatch):
    monkeypatch.setenv(DISPLAY_ENV, "html")
    with pytest.raises(ValueError, match=r"^GEMINI_WIDGETS_DISPLAY must be 'text', 'widget'"):
        front_end()


# ---- the surfaces in text mode ---------------------------------------------------------------


def test_stream_prints_the_answer_and_returns_the_result(client, server, model, text_mode, capsys):
    from gemini_widgets import stream

    server.script(*WORDS)
    result = stream("count", client=client, model=model)
    out = capsys.readouterr()
    assert isinstance(result, StreamState) and result.ok
    assert out.out == "".join(WORDS) + "\n" and out.err == ""
    assert "<StreamView" not in out.out + out.err


def test_stream_in_widget_mode_still_shows_the_widget(client, server, model, monkeypatch, capsys):
    # The positive control: without a front end, display() prints the widget's repr.
    from gemini_widgets import stream

    monkeypatch.setenv(DISPLAY_ENV, "widget")
    server.script(*WORDS)
    stream("count", client=client, model=model)
    assert "<StreamView" in capsys.readouterr().out


def test_background_without_a_loop_is_still_one_sentence(client, server, model, text_mode):
    from gemini_widgets import stream

    with pytest.raises(RuntimeError, match=r"^A background stream needs a running event loop"):
        stream("count", client=client, model=model, background=True)


def test_a_chat_prints_each_reply_and_no_widget(client, server, model, text_mode, capsys):
    from gemini_widgets import Chat

    server.script("Hello there.", prompt="Hi")
    server.script("Seven.", prompt="Which number?")
    chat = Chat(model, client=client, key=None)
    chat._ipython_display_()
    assert capsys.readouterr().out == f"<Chat {model}, 0 exchanges>\n"
    first = chat.send("Hi")
    second = chat.send("Which number?")
    out = capsys.readouterr().out
    assert first.text == "Hello there." and second.text == "Seven."
    assert out == "Hello there.\nSeven.\n"
    assert repr(chat) == f"<Chat {model}, 2 exchanges>"
    assert "<ChatView" not in out


async def test_every_way_a_chat_replies_is_printed(client, server, model, text_mode, capsys):
    from gemini_widgets import Chat

    server.script("One.", prompt="Count")
    chat = Chat(model, client=client, key=None)
    await chat.send_async("Count")
    assert chat.regenerate() is None  # as the Regenerate button: a task on the loop
    await chat.task
    assert capsys.readouterr().out == "One.\nOne.\n"


def test_the_magic_prints_the_answer_in_terminal_ipython(ipython, monkeypatch, capsys):
    from gemini_widgets import client as factory

    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_WIDGETS_BACKEND", DISPLAY_ENV):
        monkeypatch.delenv(name, raising=False)
    factory._reset_for_tests()
    server = factory.offline_server()
    server.reset()
    server.script("magic ", "answer", prompt="hello magic")
    server.script('{"a": ', prompt="broken json")
    try:
        result = ipython.run_cell("%%gemini\nhello magic").result
        broken = ipython.run_cell("%%gemini --json --format text\nbroken json").result
    finally:
        server.reset()
        factory._reset_for_tests()
    out = capsys.readouterr()
    assert result.text == "magic answer" and broken.parse_error
    # As in a notebook, the shell shows the cell's result (Out[n]: <StreamState ...>).
    answers = [line for line in out.out.splitlines() if not line.startswith("Out[")]
    assert answers == ["magic answer", '{"a": ']  # once: not again by --format text
    lines = [line for line in out.err.splitlines() if line.startswith("gemini:")]
    assert lines == [f"gemini: {broken.parse_error}"]
    assert "<StreamView" not in out.out + out.err


def test_a_script_that_prints_its_answers_loads_no_widget_library(server):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ.pop("{DISPLAY_ENV}", None)
        from gemini_widgets import stream
        from google import genai
        from google.genai import types
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sys.argv[1]))
        result = stream("count", client=client)
        print(result.ok, [m for m in ("IPython", "ipywidgets", "anywidget") if m in sys.modules])
    """)
    server.script(*WORDS)
    done = subprocess.run(
        [sys.executable, "-c", script, server.base_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "".join(WORDS) + "\nTrue []\n"


def test_the_offline_server_is_named_once_per_process(client, server, model, monkeypatch):
    monkeypatch.setattr(text_views, "_offline_said", False)
    server.script(*WORDS)
    err = io.StringIO()
    for _ in range(2):
        view = TextView(out=io.StringIO(), err=err, backend="offline server (http://x)")
        view.actions.run(StreamRequest(client, model, "count", build_config()))
    assert err.getvalue() == (
        "[offline server (http://x) answers, not Gemini: set GEMINI_API_KEY to use Gemini]\n"
    )


def test_marimo_loaded_but_not_running_a_notebook_is_not_the_marimo_front_end(monkeypatch):
    # `python notebook.py` runs a marimo notebook as a script: its answers are printed.
    import marimo

    monkeypatch.setenv(DISPLAY_ENV, "")
    assert marimo.running_in_notebook() is False
    assert front_end() == "text"
