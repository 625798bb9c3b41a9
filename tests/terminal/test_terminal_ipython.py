"""Terminal IPython on a real pty: stream(), %%gemini and a Chat print their answers as
text while they stream, Ctrl-C keeps what was printed, and no widget repr appears."""

from __future__ import annotations

import re
import sys
from pathlib import Path

IPYTHON = Path(sys.executable).parent / "ipython"
ARM = (
    "from gemini_widgets.client import offline_server; from gemini_widgets.offline import Fault;"
    ' server = offline_server(); server.script("alpha ", "beta ", "gamma", prompt="stall here");'
    ' server.script("magic ", "answer", prompt="hello magic");'
    ' server.script("Hello there.", prompt="Hi");'  # ";": no Out[1]
)


def test_terminal_ipython_prints_answers_as_they_stream(spawn):
    ipython = spawn(IPYTHON, "--no-banner", "--colors=NoColor")
    ipython.expect(r"In \[1\]:")
    ipython.child.sendline("from gemini_widgets import Chat, stream; " + ARM)
    ipython.expect(r"In \[2\]:")

    # The first chunk, then the server stalls: its text is on the screen mid-stream.
    ipython.child.sendline("server.fail_next(Fault(chunk_delay=600)); stream('stall here')")
    ipython.expect("alpha ")
    streaming = ipython.screen.split("stream('stall here')")[-1]
    assert "alpha" in streaming and "beta" not in streaming and "In [3]:" not in streaming
    ipython.child.sendintr()  # Ctrl-C
    ipython.expect("gemini: Stopped; the partial answer is kept.")
    ipython.expect("KeyboardInterrupt")
    ipython.expect(r"In \[3\]:")
    # What was printed stays, the one line about the stop after it (^C: the tty's echo).
    assert re.search(
        r"\nalpha (\^C)?\ngemini: Stopped; the partial answer is kept\.\n", ipython.screen
    )

    ipython.child.sendline("%load_ext gemini_widgets")
    ipython.expect(r"In \[4\]:")
    ipython.child.sendline("%%gemini")
    ipython.expect(r"\.\.\.:")
    ipython.child.sendline("hello magic")
    ipython.child.sendline("")
    ipython.child.sendline("")  # a blank line ends the cell
    ipython.expect("magic answer")
    ipython.expect(r"In \[5\]:")

    ipython.child.sendline("chat = Chat(); chat.send('Hi').ok")
    ipython.expect(r"In \[6\]:")
    assert "\nHello there.\nOut[5]: True" in ipython.screen
    ipython.child.sendline("chat")
    ipython.expect(r"In \[7\]:")
    assert "\nOut[6]: <Chat gemini-2.5-flash, 1 exchanges>\n" in ipython.screen
    ipython.child.sendline("exit")
    ipython.expect_exit()

    screen = ipython.screen
    assert "<StreamView" not in screen and "<ChatView" not in screen
