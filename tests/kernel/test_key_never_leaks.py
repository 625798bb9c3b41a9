"""The API key never leaves the SDK's request header: not in a saved notebook, widget state,
output, repr, log line, exception message, exported file or the server's records.

A recognisable fake key is really used: a kernel runs with ``GEMINI_API_KEY`` set to it and
``GOOGLE_GEMINI_BASE_URL`` pointing the SDK's Gemini API backend at an offline server in this
process, which accepts that key only (so every answered request proves the SDK sent it).
Every surface a user touches is run in that kernel through nbclient, and everything it
produced is scanned for the key and for any 12-character piece of it:

* every iopub message, read by a second, independent client (all parents, buffers too);
* the saved ``.ipynb`` with its outputs and ``metadata.widgets`` (base64 buffers decoded),
  and the execute replies;
* every file the kernel wrote (chat exports, a dump of every widget's state, the IPython
  directory), the kernel's log file (root, google_genai, httpx, httpcore, tornado at DEBUG)
  and the kernel process's stderr;
* the offline server's ``requests`` records and its log records in this process.

The same surfaces with the key refused are run again under ``%xmode Verbose`` (whose
tracebacks print every frame's locals, the SDK's request headers among them), and scanned.
A positive control then makes the kernel put pieces of the key into each of those channels
and checks the same scanner finds them, so a clean scan means something.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import re
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import pytest
from jupyter_client import BlockingKernelClient
from nbclient import NotebookClient

from gemini_widgets.offline import Fault, OfflineGemini, Pacing

WINDOW = 12
"""Any run of this many characters of the key counts as a leak."""

MODEL = "gemini-2.5-flash"
SERVER_LOGGERS = ("tornado", "gemini_widgets", "asyncio")
"""This process's loggers the offline server (tornado on a thread) writes to."""


def fake_key() -> str:
    """Shaped like a Gemini key (39 characters), recognisable, random per run; assembled here
    so no key-shaped literal sits in the repository."""
    pick = random.SystemRandom().choice
    alphanumeric = string.ascii_letters + string.digits
    # No '_' and no trailing '-': the offline demo writer, which echoes the control
    # prompt's key, reads '_' as emphasis and strips a final '-', which left the positive
    # control short of whole keys now and then (80 of 80 such keys echo whole).
    tail = "".join(pick(alphanumeric + "-") for _ in range(22)) + pick(alphanumeric)
    return "AI" + "za" + "Sy" + "LEAKCANARY" + tail


# ---- the scanner ---------------------------------------------------------------------------


@dataclass
class Finding:
    artifact: str
    needle: str
    context: str


@dataclass
class Scanner:
    """Counts the key, and every ``WINDOW``-character piece of it, case-insensitively."""

    secret: str
    artifacts: int = 0
    bytes: int = 0
    full_hits: int = 0
    fragment_hits: int = 0
    findings: list[Finding] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)
    """Artifacts and bytes per kind (the artifact name up to its first ``[``, ``/`` or ``:``)."""

    def __post_init__(self) -> None:
        lowered = self.secret.lower()
        self._needles = sorted({lowered[i : i + WINDOW] for i in range(len(lowered) - WINDOW + 1)})

    def scan(self, name: str, data: str | bytes) -> int:
        """Scan one artifact; return how many key pieces it holds."""
        text = data.decode("latin-1") if isinstance(data, bytes | bytearray) else data
        self.artifacts += 1
        self.bytes += len(data)
        kind = re.split(r"[\[/:]", name, maxsplit=1)[0]
        counts = self.kinds.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += len(data)
        lowered = text.lower()
        self.full_hits += lowered.count(self.secret.lower())
        hits = 0
        for needle in self._needles:
            at = lowered.find(needle)
            while at != -1:
                hits += 1
                if len(self.findings) < 20:
                    self.findings.append(Finding(name, needle, text[max(0, at - 80) : at + 80]))
                at = lowered.find(needle, at + 1)
        self.fragment_hits += hits
        return hits

    def report(self) -> str:
        lines = [
            f"{self.artifacts} artifacts, {self.bytes:,} bytes scanned: "
            f"{self.full_hits} whole keys, {self.fragment_hits} {WINDOW}-char pieces"
        ]
        lines += [f"  {kind}: {n} ({size:,} bytes)" for kind, (n, size) in self.kinds.items()]
        lines += [f"  found in {f.artifact}: ...{f.context!r}..." for f in self.findings]
        return "\n".join(lines)


def message_parts(message: dict[str, Any]) -> Iterator[tuple[str, str | bytes]]:
    """A Jupyter message as JSON text, plus each binary buffer on its own."""
    buffers = message.get("buffers") or []
    frames = {k: message.get(k) for k in ("header", "parent_header", "metadata", "content")}
    yield "json", json.dumps(frames, default=str)
    for index, buffer in enumerate(buffers):
        yield f"buffer{index}", bytes(buffer)


def notebook_parts(path: Path) -> Iterator[tuple[str, str | bytes]]:
    """The saved file as written, plus every base64 widget buffer decoded."""
    yield path.name, path.read_bytes()
    nb = json.loads(path.read_text(encoding="utf-8"))
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model_id, model in state.items():
        for buffer in model.get("buffers", []):
            if buffer.get("encoding") == "base64":
                yield f"{path.name}:{model_id}:buffer", base64.b64decode(buffer["data"])


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        yield str(path.relative_to(root)), path.read_bytes()


# ---- the kernel session --------------------------------------------------------------------


@dataclass
class Step:
    source: str
    before: Callable[[], Any] | str | None = None
    """Run in this process just before the cell (arm a fault), or ``REFUSE``: the server
    refuses the key for this cell (400 API_KEY_INVALID)."""
    raises: bool = False
    expect: tuple[str, ...] = ()
    """Text the cell's outputs must contain: the surface really ran."""


REFUSE = "refuse"


SETUP = r"""
import asyncio, json, logging, os, sys
_log_handler = logging.FileHandler(os.environ["LEAK_LOG"], encoding="utf-8")
_log_handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
logging.basicConfig(level=logging.DEBUG, handlers=[_log_handler], force=True)
for _name in ("google_genai", "httpx", "httpx2", "httpcore", "tornado", "gemini_widgets",
              "asyncio", "anywidget", "ipykernel", "comm"):
    _logger = logging.getLogger(_name)
    _logger.setLevel(logging.DEBUG)
    if not _logger.propagate:
        _logger.addHandler(_log_handler)
import gemini_widgets as gw
from gemini_widgets import (BackgroundStream, Chat, StreamState, StreamView, current_backend,
                            get_client, stream)
from gemini_widgets.errors import describe_error
from gemini_widgets.offline import Fault
from google import genai
from google.genai import types
async def idle(chat):
    while chat.busy:
        await asyncio.sleep(0.02)
print("BACKEND", current_backend().kind, repr(current_backend()), current_backend())
print(get_client(), repr(get_client().models), repr(get_client().aio), repr(get_client().chats))
"""


def steps(server: OfflineGemini) -> list[Step]:
    arm = server.fail_next
    return [
        Step(SETUP, expect=("BACKEND gemini",)),
        # stream(): sync, background, JSON
        Step(
            'r1 = stream("Explain binary search in two sentences.", seed=1, temperature=0.2,'
            ' system="Be brief.")\n'
            'print("R1", r1.ok, repr(r1), repr(r1.usage), repr(r1.responses[-1]))\n'
            "r1",
            expect=("R1 True",),
        ),
        Step('bg = stream("Write a haiku about the sea.", background=True)\nbg'),
        Step(
            "r2 = await bg\nprint('R2', r2.ok, repr(bg), repr(r2), repr(bg.view), bg.done())",
            expect=("R2 True",),
        ),
        Step(
            'r3 = stream("Three fruits", json=True)\nprint("R3", r3.ok, repr(r3.parsed))',
            expect=("R3 True",),
        ),
        # %%gemini and %gemini
        Step("%load_ext gemini_widgets"),
        Step(
            '%%gemini -o m1 --seed 3 -t 0.3 --top-p 0.9 --max-output-tokens 300 -s "Be terse."\n'
            "What is a hash map?"
        ),
        Step("%%gemini --chat trip -o c1\nPlan a day in Lisbon."),
        Step("%%gemini --chat trip --format text\nAnd one in Porto?"),
        Step("%%gemini --background -o mbg\nList three colours."),
        Step("await mbg\nprint('MBG', repr(mbg), repr(m1), repr(c1))", expect=("MBG",)),
        Step("%%gemini --json -o mj\nGive a JSON list of three fruits."),
        Step(
            "%%gemini --show-thoughts --thinking-budget 64 --stop END --format code\n"
            "Write a Python function that adds two numbers."
        ),
        Step("%gemini What is 2 + 2?"),
        Step(
            "%gemini config\n%gemini models\n%gemini chats\n%gemini history trip\n"
            "%config GeminiMagics\n%config GeminiMagics.temperature = 0.5\n"
            "%config GeminiMagics.model = 'gemini-2.5-flash'\n%gemini config",
            expect=("backend: Gemini API", "gemini-2.5-flash"),
        ),
        Step("%gemini backend offline", expect=("offline server",)),
        Step("%%gemini -o off1\nAn answer from the kernel's own offline server."),
        Step("%gemini backend vertex", expect=("Vertex AI",)),
        Step(
            "%gemini backend live\nprint('LIVE', repr(current_backend()))",
            expect=("LIVE Backend(kind='gemini'",),
        ),
        Step("%gemini reset trip\n%gemini chats", expect=("forgotten",)),
        Step("%gemini backend nowhere", raises=True, expect=("Unknown backend",)),
        Step("%%gemini --temperature 9\nx", raises=True, expect=("temperature",)),
        Step("%gemini history nobody", raises=True, expect=("No conversation",)),
        # Chat
        Step('chat = Chat(system="You are concise.", temperature=0.2)\nchat'),
        Step(
            'a1 = chat.send("Hello, I am Ada.")\na2 = chat.send("Who am I?")\n'
            'a3 = await chat.send_async("Tell me more.")\n'
            "print('CHAT', a1.ok, a2.ok, a3.ok, repr(chat), repr(a1), repr(a3), repr(chat.view))",
            expect=("CHAT True True True",),
        ),
        Step(
            'refusal = chat.submit("typed in the box", [("note.txt", "text/plain", b"a note")])\n'
            "await idle(chat)\nchat.regenerate()\nawait idle(chat)\n"
            "print('SUBMIT', refusal, chat.view.turns[-1]['status'])\n"
            "print(chat.history)\nprint(chat.to_markdown())\nprint(chat.view.turns)\n"
            'print(chat.export("chat.md"), chat.export("chat.json"))\n'
            'c2 = Chat.from_history("chat.json", key="restored")\nprint(repr(c2))\nc2',
            expect=("SUBMIT None done",),
        ),
        # errors: the key refused (400 API_KEY_INVALID)
        Step(
            'e1 = stream("This key is refused.")\n'
            "print('E1', e1.error.code, repr(e1), repr(e1.error), str(e1.error),"
            " repr(e1.error.exception), str(e1.error.exception))",
            before=REFUSE,
            expect=("E1 400", "API key not valid"),
        ),
        Step("%%gemini -o e2\nRefused by the magic.", before=REFUSE),
        Step("print('E2', e2.error.code, repr(e2.error))", expect=("E2 400",)),
        Step(
            'e3 = chat.send("Refused in the chat.")\n'
            "print('E3', e3.error.code, repr(e3), chat.view.turns[-1])",
            before=REFUSE,
            expect=("E3 400",),
        ),
        Step(
            "def _raw():\n"
            "    try:\n"
            f"        get_client().models.generate_content(model={MODEL!r}, contents='raw')\n"
            "    except Exception as exc:\n"
            "        return exc\n"
            "raw = _raw()\n"
            "print('RAW', type(raw).__name__, raw.code, str(raw), repr(raw), raw.details,"
            " describe_error(raw))",
            before=REFUSE,
            expect=("RAW ClientError 400",),
        ),
        Step(
            "%gemini models",
            before=REFUSE,
            raises=True,
            expect=("Cannot list the models: 400 INVALID_ARGUMENT", "API key not valid"),
        ),
        Step(
            f"get_client().models.generate_content(model={MODEL!r}, contents='uncaught')",
            before=REFUSE,
            raises=True,
            expect=("ClientError",),
        ),
        Step(
            "async def _araw():\n"
            f"    await get_client().aio.models.generate_content(model={MODEL!r}, contents='a')\n"
            "await _araw()",
            before=REFUSE,
            raises=True,
            expect=("ClientError",),
        ),
        # errors: 403, 429 (header and queue), a dropped stream, an error event, bad JSON
        Step(
            'e4 = stream("Forbidden.")\nprint("E4", e4.error.code, repr(e4.error))',
            before=lambda: arm(Fault.http(403)),
            expect=("E4 403",),
        ),
        Step(
            "limited = genai.Client(http_options=types.HttpOptions("
            'base_url=os.environ["GOOGLE_GEMINI_BASE_URL"],'
            ' headers={"x-offline-fault": Fault.http(429, retry_after=0.01).to_header()}))\n'
            'e5 = stream("Rate limited.", client=limited, retry=False)\n'
            'print("E5", e5.error.code, repr(e5), repr(e5.error))\n'
            'lchat = Chat(client=limited, key="limited", retry=False)\n'
            'e6 = lchat.send("Rate limited chat.")\n'
            "print('E6', repr(e6), repr(lchat), lchat.view.turns[-1])",
            expect=("E5 429", "E6"),
        ),
        Step(
            "%%gemini --retries 1 -o e7\nRate limited once.",
            before=lambda: arm(Fault.http(429, retry_after=0.01)),
        ),
        Step("print('E7', e7.error.code, repr(e7.error))", expect=("E7 429",)),
        Step(
            'e8 = stream("A dropped stream.")\nprint("E8", e8.error.kind, repr(e8.error))',
            before=lambda: arm(Fault.drop(after=2)),
            expect=("E8 connection",),
        ),
        Step(
            'e9 = chat.send("Dropped in the chat.")\nprint("E9", e9.error.kind)\n'
            "chat.retry()\nawait idle(chat)\nprint(chat.view.turns[-1]['status'])",
            before=lambda: arm(Fault.drop(after=1)),
            expect=("E9 connection",),
        ),
        Step(
            'e10 = stream("An error event.")\nprint("E10", e10.error.code, repr(e10.error))',
            before=lambda: arm(Fault.error_event(after=1, status=500)),
            expect=("E10 500",),
        ),
        Step(
            'e11 = stream("A malformed event.")\nprint("E11", e11.error.kind, repr(e11.error))',
            before=lambda: arm(Fault.malformed(after=1)),
            expect=("E11 malformed",),
        ),
        Step(
            'e12 = await stream("Dropped in the background.", background=True)\n'
            'print("E12", e12.error.kind)',
            before=lambda: arm(Fault.drop(after=1)),
            expect=("E12 connection",),
        ),
        Step(
            "%%gemini -o e13\nDropped in a magic.",
            before=lambda: arm(Fault.drop(after=1)),
        ),
        Step("print('E13', e13.error.kind, e13.error)", expect=("E13 connection",)),
        # no key at all
        Step(
            "def _without_key():\n"
            '    saved = os.environ.pop("GEMINI_API_KEY")\n'
            "    try:\n"
            "        try:\n"
            '            gw.use_backend("live")\n'
            "        except gw.MissingApiKeyError as exc:\n"
            "            print('MISSING', repr(exc))\n"
            '        get_ipython().run_line_magic("gemini", "backend live")\n'
            "    finally:\n"
            '        os.environ["GEMINI_API_KEY"] = saved\n'
            "_without_key()",
            raises=True,
            expect=("MISSING", "No API key"),
        ),
        # every object a user touches, by repr and str; then every variable (%whos)
        Step(
            "gw.use_backend(None)\n"
            "for obj in [get_client(), get_client().aio, current_backend(), chat, chat.view,"
            " a1, r1, r1.usage, bg, bg.view, mbg, m1, e1, e1.error, e1.error.exception, e8.error,"
            " e8.error.exception, raw, lchat, StreamView(), StreamState(), gw.Backend,"
            " get_ipython().find_magic('gemini').__self__]:\n"
            "    print(type(obj).__name__, repr(obj), str(obj))\n"
            "display(r1, chat, bg, current_backend())",
        ),
        Step("%whos"),
        Step(
            "from ipywidgets.widgets.widget import _instances\n"
            'with open("widget_states.json", "w", encoding="utf-8") as f:\n'
            "    json.dump({k: w.get_state() for k, w in list(_instances.items())}, f,"
            " default=repr)\n"
            "print('WIDGETS', len(_instances))\n_log_handler.flush()",
            expect=("WIDGETS",),
        ),
    ]


VERBOSE_PROBE = (
    # IPython's Verbose tracebacks print every frame's locals, and the SDK's frames hold the
    # request headers (a user's own uncaught SDK call shows the key there: that is the SDK's
    # and IPython's doing). Every package surface, with the key refused, in that mode.
    Step("%xmode Verbose"),
    Step("%gemini models", before=REFUSE, raises=True, expect=("Cannot list the models",)),
    Step(
        'ev = stream("Refused, verbose.")\nprint("EV", ev.error.code)',
        before=REFUSE,
        expect=("EV 400",),
    ),
    Step("%%gemini -o ev2\nRefused, verbose.", before=REFUSE),
    Step(
        'ev3 = chat.send("Refused, verbose.")\nprint("EV3", ev3.error.code, ev2.error.code)',
        before=REFUSE,
        expect=("EV3 400 400",),
    ),
    Step(
        'ev4 = await stream("Refused, verbose.", background=True)\nprint("EV4", ev4.error.code)',
        before=REFUSE,
        expect=("EV4 400",),
    ),
    Step("%xmode Context"),
)

CONTROL = (
    # each channel gets a piece of the key (or all of it), so the scanner must find it there
    'print("CONTROL", os.environ["GEMINI_API_KEY"][6:22])\n'
    'logging.getLogger("leak.control").warning("control %s", os.environ["GEMINI_API_KEY"])\n'
    'os.write(2, ("control " + os.environ["GEMINI_API_KEY"] + "\\n").encode())\n'
    'with open("control.txt", "w") as f:\n'
    '    f.write(os.environ["GEMINI_API_KEY"][3:30])\n'
    'stream("control " + os.environ["GEMINI_API_KEY"])\n'
    "import ipywidgets\n"
    'ipywidgets.Text(value=os.environ["GEMINI_API_KEY"][:20])'
)


class Listener:
    """A second client on the kernel's iopub: every message, whatever cell it belongs to."""

    def __init__(self, connection_info: dict[str, Any]) -> None:
        self.client = BlockingKernelClient()
        self.client.load_connection_info(connection_info)
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.messages: list[dict[str, Any]] = []

    def drain(self, quiet: float = 0.1) -> None:
        """Every message the kernel published before now, then any that follow within
        ``quiet`` seconds (a background task's). "Before now" is an event, not a pause: a
        request of ours goes busy and idle on iopub after all of them, however late they
        reach this client on a busy machine."""
        asked = self.client.kernel_info()
        deadline = time.monotonic() + 60
        while True:
            message = self.client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            self.messages.append(message)
            if (
                message["parent_header"].get("msg_id") == asked
                and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"
            ):
                break
        self.client.get_shell_msg(timeout=60)  # the kernel_info_reply
        while True:
            try:
                self.messages.append(self.client.get_iopub_msg(timeout=quiet))
            except Empty:
                return

    def stop(self) -> None:
        self.client.stop_channels()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is still evidence
            self.lines.append(repr(record.__dict__))


@dataclass
class Mark:
    """How far each growing artifact had got when a phase ended."""

    messages: int
    replies: int
    requests: int
    server_logs: int
    log: int
    stderr: int


@dataclass
class Run:
    notebook: Path
    throwaway: Path
    work: Path
    log: Path
    stderr: Path
    messages: list[dict[str, Any]]
    replies: list[dict[str, Any]]
    server_logs: list[str]
    main: Mark
    """The end of the main session: everything before it must be clean."""
    probe: Mark
    """The end of the Verbose-traceback probe; the positive control follows it."""


def cell_text(cell: Any) -> str:
    pieces = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            pieces.append(out.text)
        elif out.output_type == "error":
            pieces += [out.ename, out.evalue, *out.traceback]
        else:
            for mime in ("text/plain", "text/markdown"):
                value = out.get("data", {}).get(mime)
                if value:
                    pieces.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(pieces)


@pytest.fixture(scope="module")
def key() -> str:
    return fake_key()


@pytest.fixture(scope="module")
def server(key: str) -> Iterator[OfflineGemini]:
    with OfflineGemini(api_keys=[key], pacing=Pacing.instant(), deterministic=True) as server:
        yield server


def kernel_env(key: str, server: OfflineGemini, work: Path, log: Path) -> dict[str, str]:
    unset = (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GEMINI_WIDGETS_BACKEND",
        "GOOGLE_GEMINI_BASE_URL",
    )
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        GEMINI_API_KEY=key,  # the SDK reads it; the package picks the 'gemini' backend
        GOOGLE_GEMINI_BASE_URL=server.base_url,  # the SDK's Gemini API base URL, redirected
        GEMINI_OFFLINE_PACING="0",
        GEMINI_OFFLINE_DETERMINISTIC="1",
        IPYTHONDIR=str(work / ".ipython"),
        LEAK_LOG=str(log),
    )
    return env


@pytest.fixture(scope="module")
def run(key: str, server: OfflineGemini, tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("leak")
    work, saved = root / "work", root / "saved"
    work.mkdir()
    saved.mkdir()
    log, stderr = root / "kernel.log", root / "kernel.stderr"
    nb = nbformat.v4.new_notebook()
    replies: list[dict[str, Any]] = []
    client = NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
        on_cell_executed=lambda cell, cell_index, execute_reply: replies.append(execute_reply),
    )
    records = _Records()
    server_loggers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    old_levels = [logger.level for logger in server_loggers]
    for logger in server_loggers:
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)

    def refuse() -> None:
        server.state.api_keys = frozenset({"a-different-key"})

    def execute(steps: list[Step] | tuple[Step, ...]) -> None:
        for step in steps:
            tags = ["raises-exception"] if step.raises else []
            cell = nbformat.v4.new_code_cell(step.source, metadata={"tags": tags})
            nb.cells.append(cell)
            if step.before == REFUSE:
                refuse()
            elif step.before is not None:
                step.before()
            try:
                client.execute_cell(cell, len(nb.cells) - 1)
            finally:
                server.state.api_keys = frozenset({key})
            listener.drain()
            text = cell_text(cell)
            for expected in step.expect:
                assert expected in text, f"{step.source!r} did not show {expected!r}:\n{text}"

    def mark() -> Mark:
        listener.drain(quiet=0.5)  # whatever background tasks sent after their cell
        return Mark(
            messages=len(listener.messages),
            replies=len(replies),
            requests=len(server.requests),
            server_logs=len(records.lines),
            log=log.stat().st_size,
            stderr=stderr.stat().st_size,
        )

    env = kernel_env(key, server, work, log)
    try:
        with stderr.open("wb") as stderr_file, client.setup_kernel(env=env, stderr=stderr_file):
            listener = Listener(client.km.get_connection_info())
            try:
                execute(steps(server))
                main = mark()
                client.set_widgets_metadata()
                notebook = saved / "session.ipynb"
                nbformat.write(nb, notebook)

                execute(VERBOSE_PROBE)
                probe = mark()

                execute([Step(CONTROL, expect=("CONTROL",))])
                logging.getLogger("tornado.general").info("control %s", key[5:25])
                mark()
                client.set_widgets_metadata()
                throwaway = saved / "control.ipynb"
                nbformat.write(nb, throwaway)
                messages = listener.messages
            finally:
                listener.stop()
    finally:
        for logger, level in zip(server_loggers, old_levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)
    return Run(
        notebook=notebook,
        throwaway=throwaway,
        work=work,
        log=log,
        stderr=stderr,
        messages=messages,
        replies=replies,
        server_logs=records.lines,
        main=main,
        probe=probe,
    )


def scan_phase(scanner: Scanner, run: Run, server: OfflineGemini, start: Mark | None, end: Mark):
    """Scan what every growing artifact gained between two marks."""

    def piece(items: list[Any], attr: str) -> list[Any]:
        return items[getattr(start, attr) if start else 0 : getattr(end, attr)]

    for index, message in enumerate(piece(run.messages, "messages")):
        for part, data in message_parts(message):
            scanner.scan(f"iopub[{index}] {message['header']['msg_type']} {part}", data)
    for index, reply in enumerate(piece(run.replies, "replies")):
        scanner.scan(f"execute_reply[{index}]", json.dumps(reply, default=str))
    for index, request in enumerate(piece(server.requests, "requests")):
        scanner.scan(f"server.requests[{index}]", json.dumps(asdict(request), default=str))
        scanner.scan(f"server.requests[{index}] repr", repr(request))
    scanner.scan("server log", "\n".join(piece(run.server_logs, "server_logs")))
    log, err = run.log.read_bytes(), run.stderr.read_bytes()
    scanner.scan("kernel.log", log[start.log if start else 0 : end.log])
    scanner.scan("kernel.stderr", err[start.stderr if start else 0 : end.stderr])


def test_the_key_was_really_sent_and_refused(run: Run, server: OfflineGemini) -> None:
    """The offline server accepted only the fake key: every 200 proves the SDK sent it."""
    main = server.requests[: run.main.requests]
    answered = [r for r in main if r.status == 200 and r.action == "streamGenerateContent"]
    refused = [r for r in main if r.status == 400]
    assert len(answered) >= 20 and len(refused) >= 5, [(r.action, r.status) for r in main]
    assert all(r.had_key for r in main)
    assert all(r.headers.get("x-goog-api-key") == "<redacted>" for r in main)


def test_no_artifact_holds_the_key_or_a_piece_of_it(run: Run, server: OfflineGemini, key: str):
    scanner = Scanner(key)
    scan_phase(scanner, run, server, None, run.main)
    for name, data in notebook_parts(run.notebook):
        scanner.scan(name, data)
    for name, data in files_under(run.work):  # exports, widget states, .ipython
        if name != "control.txt":
            scanner.scan(f"work/{name}", data)

    assert scanner.full_hits == 0 and scanner.fragment_hits == 0, scanner.report()
    # What was covered: hundreds of messages, the notebook with its widget state, the rest.
    print(scanner.report())
    nb = json.loads(run.notebook.read_text(encoding="utf-8"))
    widget_state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    exported = {p.name for p in run.work.iterdir()}
    assert {"chat.md", "chat.json", "widget_states.json"} <= exported
    assert len(widget_state["state"]) >= 20
    assert run.main.messages >= 400 and run.main.log > 10_000
    assert scanner.artifacts >= 400 and scanner.bytes >= 3_000_000, scanner.report()


def test_the_scanner_finds_the_key_where_it_is(run: Run, server: OfflineGemini, key: str):
    """Positive control: pieces of the key put into each channel are found in each."""
    found = {}
    scanner = Scanner(key)
    control = run.messages[run.probe.messages :]
    found["iopub"] = sum(
        scanner.scan("control iopub", data) for m in control for _, data in message_parts(m)
    )
    found["notebook"] = sum(scanner.scan(n, d) for n, d in notebook_parts(run.throwaway))
    nb = json.loads(run.throwaway.read_text(encoding="utf-8"))
    found["widget state"] = scanner.scan("control widgets", json.dumps(nb["metadata"]["widgets"]))
    found["files"] = scanner.scan("control.txt", (run.work / "control.txt").read_bytes())
    found["log"] = scanner.scan("log", run.log.read_bytes()[run.probe.log :])
    found["stderr"] = scanner.scan("stderr", run.stderr.read_bytes()[run.probe.stderr :])
    found["requests"] = sum(
        scanner.scan("control request", json.dumps(asdict(r), default=str))
        for r in server.requests[run.probe.requests :]
    )
    found["server log"] = scanner.scan(
        "control server log", "\n".join(run.server_logs[run.probe.server_logs :])
    )
    assert all(found.values()), found
    assert scanner.full_hits >= 4, scanner.report()
    # a planted string, independent of the kernel: a 12-character piece and nothing less
    assert Scanner(key).scan("planted", f"~~{key[7:19]}~~") == 1
    assert Scanner(key).scan("planted", f"~~{key[7:18]}~~") == 0  # no key character around it
    assert Scanner(key).scan("planted", f'{{"k": "{key.upper()}"}}') == len(key) - WINDOW + 1


def test_verbose_tracebacks_from_package_surfaces_hold_no_key(
    run: Run, server: OfflineGemini, key: str
):
    """Under `%xmode Verbose` a traceback prints every frame's locals, and the SDK's frames
    hold the request headers: so no package surface may let an SDK error out as a traceback
    (`%gemini models` did, before it said one sentence instead)."""
    scanner = Scanner(key)
    scan_phase(scanner, run, server, run.main, run.probe)
    assert scanner.full_hits == 0 and scanner.fragment_hits == 0, scanner.report()
    assert scanner.artifacts >= 20, scanner.report()
