"""XSS payloads for tests/browser/test_xss_lab.py: model answers that would run script.

Each payload is a template: ``{T}`` is the trap (JavaScript, with no spaces or quotes, so it
fits unquoted attributes, URLs and TeX), and ``¦`` marks a chunk boundary: the offline server
sends the pieces between the marks as separate stream chunks, so a payload can be cut inside
a tag name, an attribute, a URL scheme, an entity or a code fence.

The trap first calls ``alert(N)`` (N is the payload's number: a dialog says which payload
ran, and alert reaches even cross-origin frames), then bumps ``top.__xss_hits``.
"""

# ruff: noqa: E501  (payloads are data: one per line reads best)
from __future__ import annotations

import base64
from dataclasses import dataclass

from gemini_widgets.coalesce import FRAME_INTERVAL

SPLIT = "¦"

# Seconds between the offline server's chunks in the XSS tests: over the kernel's delta
# interval (with room for a busy machine), so every partial answer is sent, and rendered,
# on its own rather than merged with the next.
CHUNK_GAP = round(FRAME_INTERVAL + 0.02, 3)


def trap(number: int) -> str:
    return f"alert({number});top.__xss_hits=-~top.__xss_hits"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Payload:
    name: str
    template: str

    def chunks(self, number: int) -> list[str]:
        text = self.template.replace("{T}", trap(number)).replace("{N}", str(number))
        text = text.replace("{B64_SCRIPT}", _b64(f"<script>{trap(number)}</script>"))
        text = text.replace(
            "{B64_SVG}",
            _b64(f'<svg xmlns="http://www.w3.org/2000/svg" onload="{trap(number)}"/>'),
        )
        parts = [part for part in text.split(SPLIT) if part]
        return [f"Payload {number} ({self.name}):\n\n", *parts, "\n\nafter *the payload*.\n"]


PAYLOADS: list[Payload] = [
    # ---- script elements ----
    Payload("script tag", "<script>{T}</script>"),
    Payload("script src data:", '<script src="data:text/javascript,{T}"></script>'),
    Payload("script in svg", "<svg><script>{T}</script></svg>"),
    Payload("script, upper case", "<SCRIPT>{T}</SCRIPT>"),
    # ---- event handlers ----
    Payload("img onerror, unquoted", "<img src=x onerror={T}>"),
    Payload("img onerror, absolute src", '<img src="https://xss.invalid/x.png" onerror="{T}">'),
    Payload("img onerror, entity-encoded handler", "<img src=x onerror=&#97;lert({N})>"),
    Payload("svg onload", "<svg onload={T}><circle r=5></circle></svg>"),
    Payload("svg animate onbegin", "<svg><animate onbegin={T} attributeName=x dur=1s></svg>"),
    Payload("body onload", "<body onload={T}>"),
    Payload("details ontoggle", "<details open ontoggle={T}><summary>s</summary>x</details>"),
    Payload("video onerror", "<video src=x onerror={T}></video>"),
    Payload("video source onerror", "<video><source onerror={T}></video>"),
    Payload("audio onerror", "<audio src=x onerror={T}></audio>"),
    Payload("input autofocus onfocus", "<input autofocus onfocus={T}>"),
    Payload("a autofocus onfocus", "<a href=#x id=x autofocus tabindex=1 onfocus={T}>x</a>"),
    Payload("marquee onstart", "<marquee onstart={T}>x</marquee>"),
    Payload(
        "div onmouseover full page", "<div onmouseover={T} style=position:fixed;inset:0>x</div>"
    ),
    # ---- javascript: and data: URLs ----
    Payload("markdown link javascript:", "[click](javascript:{T})"),
    Payload("markdown link mixed case", "[click](JaVaScRiPt:{T})"),
    Payload("markdown link entity scheme", "[click](&#106;avascript:{T})"),
    Payload("markdown reference link", "[click][r]\n\n[r]: javascript:{T}"),
    Payload("markdown autolink", "<javascript:{T}>"),
    Payload("markdown image javascript:", "![pic](javascript:{T})"),
    Payload("markdown link data:text/html", "[x](data:text/html;base64,{B64_SCRIPT})"),
    Payload("markdown image data:svg onload", "![pic](data:image/svg+xml;base64,{B64_SVG})"),
    Payload("html a javascript:", '<a href="javascript:{T}">x</a>'),
    Payload("html a tab in scheme", '<a href="java&#x09;script:{T}">x</a>'),
    Payload("html a leading space", '<a href="  javascript:{T}">x</a>'),
    Payload("html a data:text/html", '<a href="data:text/html,<script>{T}</script>">x</a>'),
    Payload("html img data:text/html", '<img src="data:text/html,<script>{T}</script>">'),
    # ---- SVG / MathML tricks, mutation XSS ----
    Payload(
        "svg a xlink:href", '<svg><a xlink:href="javascript:{T}"><text y=20>x</text></a></svg>'
    ),
    Payload(
        "svg animate href",
        "<svg><a><animate attributeName=href values=javascript:{T} /><text y=20>x</text></a></svg>",
    ),
    Payload("svg use data:", '<svg><use href="data:image/svg+xml;base64,{B64_SVG}#x"/></svg>'),
    Payload(
        "svg foreignObject iframe",
        '<svg><foreignObject><iframe srcdoc="<script>{T}</script>"></iframe></foreignObject></svg>',
    ),
    Payload("svg style mXSS", '<svg></p><style><a id="</style><img src=1 onerror={T}>">'),
    Payload(
        "math mglyph style mXSS",
        "<math><mtext><table><mglyph><style><img src=x onerror={T}></style></mglyph></table></mtext></math>",
    ),
    Payload(
        "math mglyph comment mXSS (DOMPurify 2.0.17)",
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror={T}&gt;">',
    ),
    Payload(
        "form/math namespace confusion (DOMPurify 2.0.16)",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror={T}>",
    ),
    Payload(
        "math annotation-xml text/html",
        '<math><annotation-xml encoding="text/html"><img src=x onerror={T}></annotation-xml></math>',
    ),
    Payload("math href", '<math href="javascript:{T}"><mi>x</mi></math>'),
    Payload("noscript title mXSS", '<noscript><p title="</noscript><img src=x onerror={T}>">'),
    Payload("comment mXSS", '<!--<img src="--><img src=x onerror={T}//">'),
    Payload("template content", "<template><img src=x onerror={T}></template>"),
    # ---- frames, embeds, documents ----
    Payload("iframe javascript:", '<iframe src="javascript:{T}"></iframe>'),
    Payload("iframe srcdoc", '<iframe srcdoc="<script>{T}</script>"></iframe>'),
    Payload("iframe data:text/html", '<iframe src="data:text/html,<script>{T}</script>"></iframe>'),
    Payload(
        "object data:text/html", '<object data="data:text/html,<script>{T}</script>"></object>'
    ),
    Payload("embed javascript:", '<embed src="javascript:{T}">'),
    Payload(
        "meta refresh javascript:", '<meta http-equiv="refresh" content="0;url=javascript:{T}">'
    ),
    Payload("form action javascript:", '<form action="javascript:{T}"><button>go</button></form>'),
    Payload("button formaction", "<button formaction=javascript:{T}>x</button>"),
    Payload("base href", '<base href="javascript:{T}//">\n\n[relative](x)'),
    # ---- CSS ----
    Payload("css url(javascript:)", '<div style="background:url(javascript:{T})">x</div>'),
    Payload("css expression", '<div style="width:expression({T})">x</div>'),
    Payload("style @import", "<style>@import 'javascript:{T}';</style>"),
    Payload("link stylesheet", "<link rel=stylesheet href=javascript:{T}>"),
    # ---- KaTeX ----
    Payload("katex href javascript:", "$\\href{javascript:{T}}{x}$"),
    Payload("katex url javascript:", "$$\\url{javascript:{T}}$$"),
    Payload("katex href data:text/html", "$\\href{data:text/html,<script>{T}</script>}{y}$"),
    Payload("katex html in text", "$\\text{<img src=x onerror={T}>}$"),
    # ---- inside code, tables, math ----
    Payload("fenced code", "```html\n<script>{T}</script>\n<img src=x onerror={T}>\n```"),
    Payload("inline code", "`<img src=x onerror={T}>` and `[x](javascript:{T})`"),
    Payload(
        "table cells", "| a | b |\n|---|---|\n| <img src=x onerror={T}> | [x](javascript:{T}) |"
    ),
    Payload("math in a table", "| m |\n|---|\n| $\\href{javascript:{T}}{x}$ |"),
    # ---- split across chunk boundaries ----
    Payload("split: script tag name", "<scr¦ipt>{T}</scr¦ipt>"),
    Payload("split: onerror attribute name", "<img src=x on¦error={T}>"),
    Payload("split: handler value", "<img src=x onerror=¦{T}>"),
    Payload("split: tag left open across chunks", "<img src=x onerror={T}¦ alt=a¦>"),
    Payload("split: javascript scheme", "[x](java¦script:{T})"),
    Payload("split: entity in scheme", "[x](&#10¦6;avascript:{T})"),
    Payload("split: svg script", "<sv¦g><scr¦ipt>{T}</script></svg>"),
    Payload("split: iframe srcdoc", '<ifr¦ame srcd¦oc="<script>{T}</script>"></iframe>'),
    Payload(
        "split: mXSS",
        "<math><mtext><table><mgly¦ph><style><img src=x onerr¦or={T}></style></mglyph></table></mtext></math>",
    ),
    Payload(
        "split: code fence closing", "``¦`html\n<script>{T}</script>\n``¦`\n<img src=x onerror={T}>"
    ),
    Payload("split: math closing", "$\\href{java¦script:{T}}{x}¦$"),
    Payload("split: details ontoggle", "<details open ont¦oggle={T}>¦x</details>"),
]
