"""Where no widget can be shown, an answer is printed as it streams.

Plain ``python``, terminal IPython, output piped to a file: ``front_end()`` says ``text``
there, and ``stream()``, ``Chat`` and ``%%gemini`` print the answer with a ``TextView``
instead of showing a ``StreamView``. Same runner, same ``StreamState`` returned. No IPython
here (tests/unit/test_layers.py): a script that streams loads no widget library.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Literal, TextIO

from .answer_markdown import annotations_markdown, part_markdown
from .answer_parts import PlacedPart
from .answer_wire import annotations_json, part_json
from .outcome import notice_for
from .retry import RetryNotice
from .runner import Runner
from .stream import Delta, StreamState

__all__ = [
    "DISPLAY_ENV",
    "FrontEnd",
    "TextView",
    "front_end",
    "in_marimo_notebook",
    "part_text",
    "printable",
    "say_offline",
]

DISPLAY_ENV = "GEMINI_WIDGETS_DISPLAY"
"""``text`` or ``widget`` overrides ``front_end()``'s choice (``auto`` or unset: choose)."""
FrontEnd = Literal["widget", "marimo", "text"]

# C0 and C1 controls but newline and tab: model text is untrusted, and a terminal obeys
# escape sequences (clear the screen, rewrite the title, hide text, OSC 52 to the clipboard).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_offline_said = False


def front_end() -> FrontEnd:
    """``widget`` in an IPython kernel (JupyterLab, Notebook 7, VS Code, Colab and Voilà all
    run ipykernel), ``marimo`` in a marimo notebook (``marimo edit``/``run``: the same
    widgets, shown through marimo's output), ``text`` anywhere else: plain ``python`` (a
    marimo notebook run as a script too), terminal IPython, a pipe.
    ``GEMINI_WIDGETS_DISPLAY=text|widget`` overrides it (a kernel whose front end shows no
    widgets, such as qtconsole, wants ``text``); ``widget`` in marimo stays ``marimo``."""
    chosen = os.environ.get(DISPLAY_ENV, "").strip().lower()
    if chosen not in ("", "auto", "text", "widget"):
        raise ValueError(
            f"{DISPLAY_ENV} must be 'text', 'widget' or 'auto', not {chosen!r}: unset it to "
            "let gemini-widgets choose."
        )
    if chosen == "text":
        return "text"
    if in_marimo_notebook():
        return "marimo"
    if chosen == "widget":
        return "widget"
    ipython = sys.modules.get("IPython")  # never imported here: loaded means it may be running
    shell = ipython.get_ipython() if ipython is not None else None
    # ZMQInteractiveShell (ipykernel) has a kernel; the terminal's shell has none.
    return "widget" if getattr(shell, "kernel", None) is not None else "text"


def in_marimo_notebook() -> bool:
    """This code runs in a marimo notebook's kernel (not as a script: ``python nb.py``)."""
    marimo = sys.modules.get("marimo")  # never imported here: loaded means it may be running
    return marimo is not None and bool(marimo.running_in_notebook())


class TextView:
    """One answer printed as it streams (a ``RunSink``): to a terminal, a script's output, a
    file.

    Text goes to ``out`` as each delta arrives, flushed. Each non-text part is printed where
    it arrives, as the saved notebook shows it (``answer_markdown``): code the model ran and
    its output as fenced blocks, function calls and results as lines; an image as one line
    with its type and size. The sources and fetched URLs come at the end, then a newline.
    A retry, an error or a notice (stopped, blocked, cut off) is one line on ``err``,
    ``gemini: <sentence>``; what was printed stays.

    Thoughts are not printed: a terminal cannot fold them away as the widget does, and
    interleaved with the answer they would end up in a file the answer is piped to. They
    are in the result's ``.thoughts``.

    ``out``/``err`` default to ``sys.stdout``/``sys.stderr`` as they are when each line is
    written (IPython and pytest replace them). As a conversation's view it prints each
    reply; ``show_turns`` prints nothing (the turns are what the terminal already shows).
    """

    def __init__(
        self,
        *,
        out: TextIO | None = None,
        err: TextIO | None = None,
        backend: str = "",
        actions: Any = None,
    ) -> None:
        self._out, self._err = out, err
        self.backend = backend
        """Which service answers (``client.current_backend().label``); an offline one is
        said once per process, on ``err``: offline is visible, never taken for Gemini."""
        self.actions: Any = actions or Runner(self)
        """Runs the answer printed here (``stop``, ``continue_answer`` go to it)."""
        self.state: StreamState | None = None
        self._text_at = 0
        self._tail = ""
        self._after_block = False

    # ---- what the user asks ------------------------------------------------------------

    def stop(self) -> None:
        """Stop the stream; what was printed stays."""
        self.actions.stop()

    def continue_answer(self) -> StreamState:
        """Ask the model to go on from a cut-short answer; its text is printed after."""
        return self.actions.continue_answer()

    def start_continuation(self) -> Any:
        return self.actions.start_continuation()

    # ---- RunSink and ConversationView ---------------------------------------------------

    def on_start(self, state: StreamState, *, background: bool) -> None:
        resumed = state is self.state
        self.state = state
        self._text_at = len(state.text) if resumed else 0
        self._tail, self._after_block = "", False
        self._say_offline()

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        pending, at = delta.text, self._text_at
        for placed in delta.parts:
            cut = min(max(placed.at - at, 0), len(pending))
            self._write_text(pending[:cut])
            pending, at = pending[cut:], at + cut
            self._write_block(part_text(placed))
        self._write_text(pending)
        self._text_at = at + len(pending)
        self._flush()

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        self._say(notice.message)

    def on_end(self, state: StreamState) -> None:
        annotations = annotations_json(state)
        if annotations:
            self._write_block(annotations_markdown(annotations))
        if self._tail and not self._tail.endswith("\n"):
            self._write("\n")
        self._flush()
        message = state.error.message if state.error is not None else notice_for(state)
        if message:
            self._say(message)

    def show_turns(self, turns: list[dict[str, Any]], *, busy: bool, cost: float | None) -> None:
        """Nothing: each reply was printed as it streamed."""

    def __repr__(self) -> str:
        chars = len(self.state.text) if self.state is not None else 0
        return f"<TextView {chars} chars>"

    # ---- internals ---------------------------------------------------------------------

    def _write_text(self, text: str) -> None:
        if self._after_block:
            text = text.lstrip("\n")
            if not text:
                return
            self._write("\n")  # a blank line between a block and the text after it
            self._after_block = False
        self._write(text)

    def _write_block(self, block: str) -> None:
        if not block.strip():
            return
        if self._tail:
            self._write("\n" * (2 - len(self._tail) + len(self._tail.rstrip("\n"))))
        self._write(block.strip("\n") + "\n")
        self._after_block = True

    def _write(self, text: str) -> None:
        text = printable(text)
        if text:
            self._stream(self._out, sys.stdout).write(text)
            self._tail = (self._tail + text)[-2:]

    def _flush(self) -> None:
        self._stream(self._out, sys.stdout).flush()

    def _say(self, sentence: str) -> None:
        """One line on ``err``, after what ``out`` holds (a terminal shows both in order)."""
        self._flush()
        err = self._stream(self._err, sys.stderr)
        err.write(f"gemini: {' '.join(printable(sentence).split())}\n")
        err.flush()

    def _say_offline(self) -> None:
        say_offline(self.backend, self._stream(self._err, sys.stderr))

    @staticmethod
    def _stream(chosen: TextIO | None, default: TextIO) -> TextIO:
        return chosen if chosen is not None else default


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would obey (newline and tab
    stay): model text is untrusted."""
    return _CONTROLS.sub("", text)


def say_offline(backend: str, err: TextIO) -> None:
    """Once per process, when the offline server answers: a line on ``err`` that says so
    (offline is visible, never taken for Gemini)."""
    global _offline_said
    if backend.startswith("offline") and not _offline_said:
        _offline_said = True
        err.write(f"[{backend} answers, not Gemini: set GEMINI_API_KEY to use Gemini]\n")
        err.flush()


def part_text(placed: PlacedPart) -> str:
    """A non-text part as the terminal shows it: the saved notebook's Markdown, except an
    image, which is one line (a terminal would print its base64)."""
    blob = placed.part.inline_data
    if blob is not None and (blob.mime_type or "").startswith("image/"):
        return f"[image: {blob.mime_type}, {_size(len(blob.data or b''))}]"
    return part_markdown(part_json(placed))


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
