"""A setting is declared once, in ``settings.SETTINGS``: every front end is made from it.

The proof runs in a fresh Python: it adds a setting to the table before the magic and
``stream()``/``Chat`` are made (``import gemini_widgets`` loads neither), then uses it as a
``%%gemini`` flag, a ``%config`` default and a ``stream()`` keyword against this session's
offline server, whose recorded requests show what the SDK sent, and reads its help where
users look for it.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from gemini_widgets import Chat, stream
from gemini_widgets.magics import GeminiMagics
from gemini_widgets.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]

# Run in the child process; writes what it saw to the JSON file named by argv[1].
CHILD = r"""
import contextlib, inspect, io, json, sys

from gemini_widgets.settings import SETTINGS, Setting

SETTINGS["repeat_penalty"] = Setting(
    "repeat_penalty",
    float,
    "penalise words the answer already used, -2 to 2",
    lambda v: None if -2 <= v <= 2 else "between -2 and 2",
    field="presence_penalty",
    aliases=("-r",),
    magic_default=True,
)

from IPython.testing import globalipapp

from gemini_widgets import Chat, stream

shell = globalipapp.start_ipython()
shell.run_line_magic("load_ext", "gemini_widgets")
magics = shell.magics_manager.registry["GeminiMagics"]
seen = {}


def run(cell):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = shell.run_cell(cell)
    error = result.error_before_exec or result.error_in_exec
    return {"error": None if error is None else str(error), "out": out.getvalue()}


seen["short flag"] = run("%%gemini -r 0.5\nshort flag")
seen["long flag"] = run("%%gemini --repeat-penalty 1.5\nlong flag")
seen["bad flag"] = run("%%gemini -r 9\nbad flag")
run("%config GeminiMagics.repeat_penalty = 0.25")
seen["default"] = magics.repeat_penalty
seen["with default"] = run("%%gemini\nwith default")
seen["config listing"] = run("%gemini config")["out"]
try:
    magics.repeat_penalty = 7.0
except Exception as exc:
    seen["bad default"] = str(exc)
magics.repeat_penalty = None
stream("keyword", repeat_penalty=-0.5)
seen["magic help"] = type(magics).gemini.__doc__
seen["trait help"] = type(magics).class_traits()["repeat_penalty"].help
seen["keyword docs"] = [inspect.getdoc(f) for f in (stream, Chat.__init__)]
seen["keywords"] = [list(inspect.signature(f).parameters) for f in (stream, Chat)]
with open(sys.argv[1], "w") as file:
    json.dump(seen, file)
"""


def test_a_setting_added_to_the_table_is_a_flag_a_default_and_a_keyword(server, tmp_path):
    report = tmp_path / "seen.json"
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "PYTHONPATH")}
    env.pop("GOOGLE_GENAI_USE_VERTEXAI", None)
    env.update(
        GEMINI_WIDGETS_BACKEND="live",
        GEMINI_API_KEY="test-key",
        GOOGLE_GEMINI_BASE_URL=server.base_url,  # the SDK's own redirect, to this server
    )
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(report)],
        cwd=ROOT,  # imports this checkout's gemini_widgets
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(report.read_text())

    sent = {r.prompt_text: r.config for r in server.requests}
    assert sent == {
        "short flag": {"presencePenalty": 0.5},
        "long flag": {"presencePenalty": 1.5},
        "with default": {"presencePenalty": 0.25},
        "keyword": {"presencePenalty": -0.5},
    }
    assert seen["short flag"]["error"] is None and seen["with default"]["error"] is None
    assert seen["bad flag"]["error"].splitlines()[0] == (
        "repeat_penalty must be between -2 and 2, got 9.0."
    )
    assert seen["default"] == 0.25
    assert "repeat_penalty: 0.25\n" in seen["config listing"]
    assert seen["bad default"] == "repeat_penalty must be between -2 and 2, got 7.0."

    help_text = " ".join(seen["magic help"].split())
    assert "[-r REPEAT_PENALTY]" in help_text
    assert (
        "-r REPEAT_PENALTY, --repeat-penalty REPEAT_PENALTY "
        "penalise words the answer already used, -2 to 2"
    ) in help_text
    assert seen["trait help"] == "penalise words the answer already used, -2 to 2"
    for doc, keywords in zip(seen["keyword docs"], seen["keywords"], strict=True):
        assert "    repeat_penalty (float, sets presence_penalty): penalise words" in doc
        assert keywords[-2:] == ["repeat_penalty", "settings"]


def test_stream_and_chat_list_every_setting_with_its_help():
    for function in (stream, Chat.__init__):
        parameters = inspect.signature(function).parameters
        doc = inspect.getdoc(function)
        for name, setting in SETTINGS.items():
            assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
            assert f"    {name} (" in doc and setting.help in doc
        assert list(parameters)[-1] == "settings"  # other config fields still pass through


def test_every_setting_is_a_magic_option_or_default_as_its_table_row_says():
    parser = GeminiMagics.gemini.parser
    options = {action.dest: action for action in parser._actions}
    traits = GeminiMagics.class_traits(config=True)
    for name, setting in SETTINGS.items():
        if setting.flag:
            assert tuple(options[name].option_strings) == setting.flags
            assert options[name].help.startswith(setting.help)
        assert (name in traits) == setting.magic_default
        if setting.magic_default:
            assert traits[name].help == setting.help
