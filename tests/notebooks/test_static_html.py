"""The saved tutorial notebooks show their answers without a kernel: nbconvert's HTML has them.

A StreamView's output ends with its answer as ``text/markdown`` beside the widget view;
with no widget state saved, nbconvert (like GitHub) renders that Markdown. Each answer is
looked for as text in the HTML, by its longest plain line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9]*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
VIEW_REPR = re.compile(r"<StreamView [^>]* (\d+) chars>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def plain_line(markdown: str) -> str:
    """The longest line of ``markdown`` that renders as itself (no Markdown syntax)."""
    # Code in fenced blocks (code the model ran, its output) is highlighted into many spans.
    markdown = re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.M | re.S)
    lines = [re.sub(r"^(#{1,6}|[-+]|\d+\.)\s+", "", line.strip()) for line in markdown.splitlines()]
    # Inline code shows as its text, and so do braces and an underscore inside a word (a
    # tool answer quotes a function's name and arguments).
    shown_as_is = r"`[^`]+`|(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])"
    lines = [
        re.sub(r"`([^`]+)`", r"\1", line)
        for line in lines
        if line and not re.search(r"[*_`$|#\[\]<>&\\]", re.sub(shown_as_is, "", line))
    ]
    return max(lines, key=len, default="")


def stream_answers(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, the view's text/plain, its Markdown answer) of every StreamView."""
    answers = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET in data and VIEW_REPR.match(data.get("text/plain", "")):
                answers.append((index, data["text/plain"], data.get("text/markdown", "")))
    return answers


def compare_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, the view's text/plain, its Markdown) of every CompareView."""
    return [
        (index, output["data"]["text/plain"], output["data"].get("text/markdown", ""))
        for index, cell in enumerate(nb.cells)
        for output in cell.get("outputs", [])
        if output.get("data", {}).get("text/plain", "").startswith("<CompareView ")
    ]


def test_there_are_thirteen_tutorials() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == [f"{n:02}_" for n in range(1, 14)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_streamed_answer_is_in_the_html(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, "widget state saved: regenerate with execute.py"
    answers = stream_answers(nb)
    text = visible_text(HTMLExporter().from_notebook_node(nb)[0])

    for index, shown, markdown in answers:
        chars = int(VIEW_REPR.match(shown).group(1))
        assert shown.split()[-3] != "idle", f"cell {index}: the saved view never streamed"
        if chars == 0:
            continue  # an error before the first token: nothing to show but the error
        # An answer with parts (code it ran, calls, images, sources) has them in its Markdown too.
        assert len(markdown) >= chars, f"cell {index}: the saved output lacks the final answer"
        fenced = re.fullmatch(r"(`{3,})json\n(.*)\n\1", markdown, flags=re.S)
        if fenced:  # a JSON answer is one code block, highlighted into many spans
            squeezed = "".join(fenced.group(2).split())
            assert squeezed in "".join(text.split()), f"cell {index}: the JSON is not in the HTML"
            continue
        line = plain_line(markdown)
        assert line, f"cell {index}: no plain line to look for in {markdown[:80]!r}"
        assert " ".join(line.split()) in text, f"cell {index}: {line!r} is not in the HTML"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_compare_is_in_the_html(path: Path) -> None:
    """Each compare's answers under their labels, and its summary, are in the HTML."""
    nb = nbformat.read(path, as_version=4)
    text = visible_text(HTMLExporter().from_notebook_node(nb)[0])
    for index, shown, markdown in compare_outputs(nb):
        assert markdown, f"cell {index}: the saved compare lacks its Markdown ({shown})"
        *answers, summary = markdown.split("\n\n---\n\n")
        assert len(answers) >= 2, f"cell {index}: fewer than two answers in {shown}"
        for answer in answers:
            label, _, body = answer.partition("\n\n")
            assert label.startswith("### "), f"cell {index}: {label!r} is not a label"
            assert " ".join(label[4:].split()) in text, f"cell {index}: no label {label!r}"
            line = plain_line(body)
            assert line and " ".join(line.split()) in text, f"cell {index}: {line!r} not shown"
        assert "Summary (★ the best of each row)" in text, f"cell {index}: no summary"
        assert "estimated cost" in summary and "estimated cost" in text


def test_the_html_shows_no_widget_placeholder_instead_of_an_answer() -> None:
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    html = HTMLExporter().from_notebook_node(nb)[0]
    assert 'type="application/vnd.jupyter.widget-view+json"' not in html
    assert "Error displaying widget" not in html
