"""The cells the key-leak kernel runs: every surface a user touches (``steps``: stream(),
the magics, Chat, errors with the key refused, repr and str of every object, widget states),
the same surfaces under ``%xmode Verbose`` (``VERBOSE_PROBE``), and a positive control that
puts pieces of the key into each channel (``CONTROL``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gemini_widgets.offline import Fault, OfflineGemini

MODEL = "gemini-2.5-flash"


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
