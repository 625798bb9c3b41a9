"""Untrusted answer parts in real JupyterLab: payloads in every field of a tool answer run
nothing and fetch nothing, through StreamView (``stream``) and ``Chat``.

The offline server replays recorded chunks (``server.replay``, the SDK's replay-file
format), so any candidate JSON reaches the views through the real SDK: grounding sources
(titles, ``javascript:`` and ``data:`` URIs), search queries, the Search Suggestions chip's
HTML (script, handlers, remote images, CSS ``url()`` and ``@import``, frames, a meta
refresh...), supports with indexes out of range, fetched URLs and their status, quoted
sources, code and its output and outcome, function names, arguments and results, images of
the wrong type, files. A Python function the SDK really calls with HTML arguments returns
HTML too. Each script would call ``alert(N)`` and bump ``top.__xss_hits``; each URL points at
a local listener that records every request (``test_exfiltration_lab.Listener``).
Positive controls at the end prove the traps and the listener work.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from replay_files import answer_chunk, stream_interaction
from test_exfiltration_lab import Listener
from xss_payloads import CHUNK_GAP, trap

pytestmark = pytest.mark.browser

SURFACES = ("stream", "chat")
DONE_MARK = "PARTS-XSS-FINISHED"
SANDBOX = "allow-popups allow-popups-to-escape-sandbox"


def T(number: int) -> str:
    return trap(number)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _text(text: str) -> dict[str, Any]:
    return {"text": text}


def chip_html(base: str) -> str:
    """Search Suggestions HTML trying every way to run script or load something."""
    return f"""<style>
@import url("{base}/chip/import");
.container {{ background: url({base}/chip/css-bg); }}
@font-face {{ font-family: leak; src: url({base}/chip/font); }}
.chip {{ font-family: leak; list-style-image: url({base}/chip/list); }}
</style>
<div class="container" style="background-image:url({base}/chip/style-attr)">
  <div class="headline"><span class="headline-label" id="chip-marker">CHIP-MARKER</span></div>
</div>
<div class="vectors">
  <script>{T(100)}</script>
  <img src=x onerror={T(101)}>
  <img src="{base}/chip/img" alt="chip image">
  <img srcset="{base}/chip/srcset 1x">
  <svg onload={T(102)}><image href="{base}/chip/svg-image" width="9" height="9"/></svg>
  <a class="chip" href="javascript:{T(103)}">js link</a>
  <a class="chip" href="{base}/chip/link-only" ping="{base}/chip/ping">a link</a>
  <iframe src="{base}/chip/iframe"></iframe>
  <iframe srcdoc="<script>{T(104)}</script>"></iframe>
  <object data="{base}/chip/object"></object><embed src="{base}/chip/embed">
  <link rel="stylesheet" href="{base}/chip/link-css">
  <link rel="prefetch" href="{base}/chip/prefetch">
  <meta http-equiv="refresh" content="0;url={base}/chip/refresh">
  <form action="{base}/chip/form"><input type="image" src="{base}/chip/input"></form>
  <video poster="{base}/chip/poster" src="{base}/chip/video" autoplay></video>
  <table background="{base}/chip/table"><tr><td>cell</td></tr></table>
  <details open ontoggle={T(105)}><summary>s</summary>x</details>
  <noscript><img src="{base}/chip/noscript"></noscript>
  <math><mglyph src="{base}/chip/mglyph"></mglyph></math>
</div>
<base href="{base}/chip/base/"><a href="relative">relative</a>
"""


def answers(base: str) -> dict[str, list[dict[str, Any]]]:
    """Prompt -> the recorded chunks the offline server replays for it."""
    sentences = ["Claim one is sourced. ", "Claim two is sourced too. ", "Claim three.\n"]
    ends = [sum(len(s) for s in sentences[: i + 1]) for i in range(3)]
    grounding = {
        "webSearchQueries": [f"<img src=x onerror={T(1)}>", f'<img src="{base}/query">'],
        "groundingChunks": [
            {"web": {"uri": f"javascript:{T(2)}", "title": f"<img src=x onerror={T(3)}>"}},
            {"web": {"uri": f" JaVaScRiPt:{T(4)}", "title": f"<script>{T(5)}</script>"}},
            {"web": {"uri": f"data:text/html,<script>{T(6)}</script>", "title": '"><svg>'}},
            {"web": {"uri": f"{base}/source/link-only", "title": f'<img src="{base}/title">'}},
            {"retrievedContext": {"uri": "vbscript:msgbox(7)", "title": "<iframe src=x>"}},
            {"web": {"uri": f'http://x.invalid/" onmouseover="{T(8)}', "title": "quote"}},
        ],
        "groundingSupports": [
            {"segment": {"endIndex": ends[0], "text": sentences[0]}, "groundingChunkIndices": [0]},
            {
                "segment": {"startIndex": ends[0], "endIndex": ends[1], "text": sentences[1]},
                "groundingChunkIndices": [1, 2, 3],
            },
            {
                "segment": {"startIndex": ends[1], "endIndex": ends[2] - 1},
                "groundingChunkIndices": [4, 5, 99],
            },
            {"segment": {"startIndex": 5, "endIndex": 100_000}, "groundingChunkIndices": [0]},
        ],
        "searchEntryPoint": {"renderedContent": chip_html(base)},
    }
    urls = {
        "urlMetadata": [
            {"retrievedUrl": f"javascript:{T(9)}",
             "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS"},
            {"retrievedUrl": f'<img src="{base}/url/img" onerror={T(10)}>',
             "urlRetrievalStatus": f"<img src=x onerror={T(11)}>"},
            {"retrievedUrl": f"{base}/url/link-only?q=SECRET",
             "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_ERROR"},
            {"retrievedUrl": f"data:text/html,<script>{T(12)}</script>",
             "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_UNSAFE"},
        ]
    }  # fmt: skip
    citations = {
        "citationSources": [
            {"uri": f"javascript:{T(13)}", "title": f"<img src=x onerror={T(14)}>",
             "license": f"<svg onload={T(15)}>", "startIndex": 0, "endIndex": 5},
            {"uri": f"{base}/cited/link-only", "title": f'<img src="{base}/cited/title">'},
        ]
    }  # fmt: skip
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" onload="{T(30)}"><image href="{base}/svg"/></svg>'
    )
    return {
        "xss-parts-grounding": [
            answer_chunk(_text(sentences[0])),
            answer_chunk(_text(sentences[1])),
            answer_chunk(
                _text(sentences[2]),
                finishReason="STOP",
                groundingMetadata=grounding,
                urlContextMetadata=urls,
                citationMetadata=citations,
            ),
        ],
        "xss-parts-code": [
            answer_chunk(_text("Running it.\n\n")),
            answer_chunk(
                {
                    "executableCode": {
                        "language": "PYTHON",
                        "code": f"print('</code></pre><img src=x onerror={T(20)}>')\n"
                        f'# <script>{T(21)}</script> <img src="{base}/code/img">\n',
                    }
                }
            ),
            answer_chunk(
                {
                    "codeExecutionResult": {
                        "outcome": "OUTCOME_OK",
                        "output": f'<img src="{base}/code/output" onerror={T(22)}>'
                        f"<script>{T(23)}</script>\n",
                    }
                }
            ),
            answer_chunk(
                {"executableCode": {"language": f"<img src=x onerror={T(24)}>", "code": "x = 1"}}
            ),
            answer_chunk(
                {"codeExecutionResult": {"outcome": f"<svg onload={T(25)}>", "output": "1"}}
            ),
            answer_chunk(_text("\n\nAfter the code.\n"), finishReason="STOP"),
        ],
        "xss-parts-calls": [
            answer_chunk(_text("Calling.\n\n")),
            answer_chunk(
                {
                    "functionCall": {
                        "name": f"<img src=x onerror={T(26)}>",
                        "args": {
                            f"<svg onload={T(27)}>": f'<img src="{base}/call/arg" onerror={T(28)}>',
                            "long": "x" * 80 + f"<script>{T(29)}</script>",
                        },
                    }
                },
                {
                    "functionResponse": {
                        "name": f"<img src=x onerror={T(26)}>",
                        "response": {"result": f'<img src="{base}/call/result" onerror={T(31)}>'},
                    }
                },
                {"functionCall": {"id": "c2", "name": "failing", "args": {}}},
                {
                    "functionResponse": {
                        "id": "c2",
                        "name": "failing",
                        "response": {"error": f"<img src=x onerror={T(32)}>"},
                    }
                },
                {"functionCall": {"name": f"<b onmouseover={T(33)}>unanswered</b>", "args": {}}},
            ),
            answer_chunk(
                {"inlineData": {"mimeType": "image/svg+xml", "data": _b64(svg)}},
                {"inlineData": {"mimeType": "image/png", "data": _b64(svg)}},
                {
                    "inlineData": {
                        "mimeType": "text/html",
                        "data": _b64(f"<script>{T(34)}</script>"),
                    }
                },
                {"fileData": {"mimeType": "text/html", "fileUri": f"{base}/file"}},
                {"fileData": {"mimeType": "image/png", "fileUri": f"javascript:{T(35)}"}},
            ),
            answer_chunk(_text("\n\nCalls done.\n"), finishReason="STOP"),
        ],
        # The SDK calls lookup_note (below) with these arguments, then asks again with its
        # result, which the offline server's own writer answers (quoting the result).
        "xss-parts-function": [
            answer_chunk(
                {
                    "functionCall": {
                        "name": "lookup_note",
                        "args": {"topic": f'<img src="{base}/fn/arg" onerror={T(40)}>'},
                    }
                }
            ),
        ],
    }


def function_result(base: str) -> dict[str, str]:
    return {
        "note": f'<img src="{base}/fn/result" onerror={T(41)}>',
        f"<svg onload={T(42)}>": f"<script>{T(43)}</script>",
    }


PROMPTS = ["xss-parts-grounding", "xss-parts-code", "xss-parts-calls", "xss-parts-function"]


def replay_file(base: str) -> dict[str, Any]:
    """The SDK's replay-file format (gemini_widgets/offline/replay.py): one interaction per
    prompt, matched on the request's contents."""
    return {
        "replay_id": "answer-parts-xss",
        "interactions": [
            stream_interaction(prompt, chunks) for prompt, chunks in answers(base).items()
        ],
    }


def cells(replay: Path, base: str) -> list[str]:
    result = base64.b64encode(json.dumps(function_result(base)).encode()).decode()
    setup = (
        "import base64, json\n"
        "from IPython.display import display\n"
        "from gemini_widgets import Chat, stream\n"
        "from gemini_widgets.client import offline_server\n"
        "from gemini_widgets.offline import Pacing\n"
        "server = offline_server()\n"
        f"server.state.pacing = Pacing(first_chunk=0.01, between=({CHUNK_GAP}, {CHUNK_GAP}))\n"
        f"server.replay({str(replay)!r})\n"
        f"RESULT = json.loads(base64.b64decode({result!r}))\n\n"
        "def lookup_note(topic: str) -> dict:\n"
        '    """The saved note about a topic."""\n'
        "    return RESULT\n\n"
        f"PROMPTS = {PROMPTS!r}\n"
        "def tools_for(prompt):\n"
        "    return {'tools': [lookup_note]} if prompt.endswith('function') else {}"
    )
    streams = "for prompt in PROMPTS:\n    _ = stream(prompt, **tools_for(prompt))"
    chats = (
        "chats = []\n"
        "for prompt in PROMPTS:\n"
        "    chat = Chat(key=prompt, **tools_for(prompt))\n"
        "    display(chat)\n"
        "    _ = chat.send(prompt)\n"
        "    chats.append(chat)"
    )
    return [setup, streams, chats, f"print({DONE_MARK!r})"]


# ---- what the page holds --------------------------------------------------------------------

# Anything in a widget that runs script or loads something. The widget's own chip frame is
# allowed (and inspected on its own); links may point anywhere http(s): a link is followed
# only when clicked.
INSPECT_JS = r"""
window.__partsInspect = (root, base) => {
    const found = [];
    const FORBIDDEN = new Set(['script', 'style', 'link', 'frame', 'frameset', 'object',
        'embed', 'portal', 'form', 'input', 'textarea', 'select', 'meta', 'base', 'template',
        'video', 'audio', 'source', 'track', 'picture', 'image', 'feimage', 'use',
        'noscript']);
    const nodes = root.nodeType === 1 ? [root, ...root.querySelectorAll('*')] : [];
    for (const el of nodes) {
        const tag = el.localName.toLowerCase();
        if (FORBIDDEN.has(tag)) found.push(`<${tag}>`);
        if (tag === 'iframe' && !(el.classList.contains('gw-search-entry')
                && el.getAttribute('sandbox') === 'SANDBOX'))
            found.push(`<iframe ${el.outerHTML.slice(0, 120)}>`);
        const src = el.getAttribute('src') ?? '';
        if (tag === 'img' && !/^data:image\/(png|jpeg|gif|webp);base64,/.test(src))
            found.push(`<img src=${src}>`);
        for (const { name, value } of el.attributes) {
            const attr = name.toLowerCase();
            const v = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
            if (attr.startsWith('on')) found.push(`<${tag} ${attr}=${value}>`);
            if (attr === 'href' && !/^(https?:|#)/.test(v)) found.push(`<${tag} href=${value}>`);
            if (/^(src|srcset|poster|background|data|action|formaction|ping|xlink:href)$/.test(attr)
                    && !(tag === 'img' && attr === 'src'))
                found.push(`<${tag} ${attr}=${value}>`);
            if (attr === 'style' && /url\(|@import|expression/.test(v))
                found.push(`<${tag} style=${value}>`);
            const isLink = tag === 'a' && attr === 'href';
            if (value.includes(base) && !isLink && attr !== 'title' && attr !== 'srcdoc')
                found.push(`<${tag} ${attr}> names the listener: ${value}`);
        }
    }
    return found;
};
""".replace("SANDBOX", SANDBOX)

OBSERVER_JS = r"""(base) => {
    window.__partsSeen = [];
    const where = (node) => {
        const el = node.nodeType === 1 ? node : node.parentElement;
        const stream = el?.closest('.gw-stream');
        if (stream) return ['stream', [...document.querySelectorAll('.gw-stream')].indexOf(stream)];
        // A chat's replies, not its own input box and buttons.
        const chat = el?.closest('.gw-chat');
        if (chat && el.closest('.gw-message.gw-model'))
            return ['chat', [...document.querySelectorAll('.gw-chat')].indexOf(chat)];
        return null;
    };
    new MutationObserver((records) => {
        for (const record of records) {
            const place = where(record.target);
            if (!place) continue;
            const roots = record.type === 'attributes' ? [record.target] : [...record.addedNodes];
            for (const root of roots)
                for (const finding of window.__partsInspect(root, base))
                    window.__partsSeen.push({ where: place, finding });
        }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""

# The chip frame's document, parsed inertly (DOMParser loads and runs nothing).
CHIP_JS = r"""(frame, base) => {
    const srcdoc = frame.getAttribute('srcdoc') ?? '';
    const doc = new DOMParser().parseFromString(srcdoc, 'text/html');
    const found = [];
    const metas = [...doc.querySelectorAll('meta')];
    if (metas.length !== 1 || metas[0].httpEquiv !== 'Content-Security-Policy'
            || !metas[0].content.startsWith("default-src 'none'"))
        found.push(`metas: ${metas.map((m) => m.outerHTML).join(' ')}`);
    if (!srcdoc.startsWith('<meta http-equiv="Content-Security-Policy"'))
        found.push('the policy does not come first');
    const bases = [...doc.querySelectorAll('base')];
    if (bases.length !== 1 || bases[0].hasAttribute('href')) found.push('a <base> with an href');
    const forbidden = 'script, img, iframe, frame, object, embed, link, form, input, video, '
        + 'audio, source, image, feimage, use, noscript, template';
    for (const el of doc.querySelectorAll(forbidden)) found.push(`<${el.localName}>`);
    for (const el of doc.querySelectorAll('*')) {
        for (const { name, value } of el.attributes) {
            const attr = name.toLowerCase();
            if (attr.startsWith('on')) found.push(`<${el.localName} ${attr}>`);
            if (attr === 'href' && el.localName === 'a' && !/^(https?:|#)/i.test(value.trim()))
                found.push(`<a href=${value}>`);
            if (value.includes(base) && !(el.localName === 'a' && attr === 'href'))
                found.push(`<${el.localName} ${attr}=${value}>`);
            if (/url\(|@import/i.test(value)) found.push(`<${el.localName} ${attr}=${value}>`);
        }
    }
    for (const style of doc.querySelectorAll('style'))
        if (/url\(|@import|image-set/i.test(style.textContent)) found.push('a stylesheet loads');
    return {
        found,
        opaque: frame.contentDocument === null,
        sandbox: frame.getAttribute('sandbox'),
        marker: doc.getElementById('chip-marker')?.textContent ?? null,
    };
}"""

SCAN_JS = r"""(base) => {
    const views = {
        stream: [...document.querySelectorAll('.gw-stream')],
        chat: [...document.querySelectorAll('.gw-chat')],
    };
    const out = {};
    for (const [surface, list] of Object.entries(views)) {
        out[surface] = list.map((view) => ({
            found: (surface === 'chat' ? [...view.querySelectorAll('.gw-message.gw-model')]
                : [view]).flatMap((node) => window.__partsInspect(node, base)),
            text: [...view.querySelectorAll('.gw-body')].map((b) => b.textContent).join('\n'),
            status: view.dataset.status ?? view.dataset.busy ?? '',
            frames: view.querySelectorAll('iframe').length,
        }));
    }
    out.hits = window.__xss_hits ?? 0;
    out.seen = window.__partsSeen;
    out.href = location.href;
    return out;
}"""

CONTROL_JS = r"""([base, sandbox]) => {
    const probe = document.createElement('div');
    probe.innerHTML = '<img src=x onerror="alert(\'control\');top.__xss_hits=-~top.__xss_hits">';
    document.body.append(probe);
    fetch(`${base}/control/fetch`, { mode: 'no-cors' });
    // A frame sandboxed like the chip's but without its policy and sanitiser: it does load.
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', sandbox);
    frame.setAttribute('srcdoc', `<img src="${base}/control/frame">`);
    document.body.append(frame);
}"""


@dataclass
class Run:
    base: str
    dialogs: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    scan: dict[str, Any] = field(default_factory=dict)
    chips: dict[str, dict[str, Any]] = field(default_factory=dict)
    chip_text: dict[str, list[str]] = field(default_factory=dict)
    markdown: dict[str, str] = field(default_factory=dict)
    control_hits: int = 0
    control_dialogs: list[str] = field(default_factory=list)
    control_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def parts_run(browser, lab_server, listener, request, kit) -> Run:
    base = listener.base
    run = Run(base=base)
    replay = lab_server.root / "answer_parts_xss_replay.json"
    replay.write_text(json.dumps(replay_file(base)), encoding="utf-8")

    with kit.module_page(browser, lab_server, request) as lab:
        page = lab.page

        def on_dialog(dialog) -> None:
            run.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.context.on("page", lambda popup: run.popups.append(popup.url))
        lab.write(*cells(replay, base)).open()
        page.evaluate(f"() => {{ {INSPECT_JS} }}")
        page.evaluate(OBSERVER_JS, base)
        before = page.url
        lab.run_all(wait=False)
        page.locator(".jp-OutputArea-output", has_text=DONE_MARK).wait_for(timeout=300_000)
        lab.wait_kernel_idle()
        expect(page.locator(".gw-stream")).to_have_count(len(PROMPTS))
        expect(page.locator(".gw-chat")).to_have_count(len(PROMPTS))
        for index in range(len(PROMPTS)):
            expect(lab.stream_view(index)).to_have_attribute("data-status", "done")
            expect(page.locator(".gw-chat").nth(index)).to_have_attribute("data-busy", "false")
        lab.wait_final_display()
        page.wait_for_timeout(2_000)  # late loads: lazy images, a meta refresh, timers
        run.requests = listener.seen()
        run.scan = page.evaluate(SCAN_JS, base)
        assert run.scan["href"] == before, "the page navigated"

        for surface, selector in (("stream", ".gw-stream"), ("chat", ".gw-chat")):
            view = page.locator(selector).nth(PROMPTS.index("xss-parts-grounding"))
            frame = view.locator("iframe.gw-search-entry")
            run.chips[surface] = frame.evaluate(CHIP_JS, base)
            inside = view.frame_locator("iframe.gw-search-entry")
            expect(inside.locator("#chip-marker")).to_be_visible()
            # Seen, not only present: the frame has a fixed height and shows no scrollbar.
            outer, marker = frame.bounding_box(), inside.locator("#chip-marker").bounding_box()
            run.chips[surface]["marker_inside"] = (
                outer["y"] <= marker["y"]
                and marker["y"] + marker["height"] <= outer["y"] + outer["height"]
            )
            run.chip_text[surface] = inside.locator("a").all_text_contents()
        lab.stream_view(0).scroll_into_view_if_needed()
        lab.screenshot("grounding", locator=lab.stream_view(0))
        lab.screenshot("code", locator=lab.stream_view(1))
        lab.screenshot("calls", locator=lab.stream_view(2))
        lab.screenshot("function", locator=lab.stream_view(3))
        lab.screenshot("chat-calls", locator=page.locator(".gw-chat").nth(2))

        lab.save()
        for cell in lab.read().cells[1:3]:
            for output in cell.outputs:
                data = output.get("data", {})
                if "text/markdown" in data:
                    run.markdown[f"{cell.source[:12]}#{len(run.markdown)}"] = data["text/markdown"]

        # Positive controls: the same kinds of traps, outside the widgets, are caught.
        seen = len(listener.seen())
        page.evaluate(CONTROL_JS, [base, SANDBOX])
        page.wait_for_function("() => (window.__xss_hits ?? 0) > 0")
        run.control_hits = page.evaluate("() => window.__xss_hits") - run.scan["hits"]
        deadline = time.monotonic() + 60  # at once, unless the listener is broken
        while len(listener.seen()) < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        run.control_requests = sorted(listener.seen()[seen:])
        run.control_dialogs = run.dialogs[len(run.dialogs) - 1 :]
        if run.control_dialogs == ["control"]:
            run.dialogs.pop()
    return run


# ---- the tests ------------------------------------------------------------------------------


def test_nothing_ran_and_nothing_was_fetched(parts_run: Run) -> None:
    run = parts_run
    print(
        f"\nAnswer parts: {len(PROMPTS)} answers x {len(SURFACES)} surfaces; listener requests "
        f"{len(run.requests)}, trap hits {run.scan['hits']}, dialogs {len(run.dialogs)}, "
        f"popups {len(run.popups)}, insertions seen while streaming {len(run.scan['seen'])}; "
        f"controls: {run.control_hits} hit, {run.control_requests}"
    )
    assert run.control_hits == 1 and run.control_dialogs == ["control"]
    assert run.control_requests == ["GET /control/fetch", "GET /control/frame"]
    assert run.requests == [], f"the browser fetched from answer parts: {run.requests}"
    assert run.scan["hits"] == 0, "a payload ran script"
    assert run.dialogs == [], f"dialogs opened by payloads: {run.dialogs}"
    assert run.popups == [], f"windows opened: {run.popups}"
    assert run.scan["seen"] == [], "dangerous nodes were inserted while streaming"


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("prompt", PROMPTS)
def test_answer_holds_nothing_that_runs_or_loads(parts_run: Run, surface: str, prompt: str):
    view = parts_run.scan[surface][PROMPTS.index(prompt)]
    assert view["found"] == [], f"{prompt} via {surface}: {view['found']}"
    assert view["frames"] == (1 if prompt == "xss-parts-grounding" else 0)


@pytest.mark.parametrize("surface", SURFACES)
def test_search_chip_frame_is_sanitised_sandboxed_and_shown(parts_run: Run, surface: str):
    chip = parts_run.chips[surface]
    assert chip["sandbox"] == SANDBOX
    assert chip["opaque"], "the page can reach into the chip's document"
    assert chip["found"] == [], chip["found"]
    assert chip["marker"] == "CHIP-MARKER" and chip["marker_inside"]
    # The one http(s) link stays (followed on a click only); javascript: lost its href.
    assert "a link" in parts_run.chip_text[surface]


@pytest.mark.parametrize("surface", SURFACES)
def test_untrusted_fields_show_as_text(parts_run: Run, surface: str):
    """The payloads reached the page, as text: a clean scan is not an empty view."""
    texts = [view["text"] for view in parts_run.scan[surface]]
    grounding, code, calls, function = texts
    for shown in (
        f"<img src=x onerror={T(3)}>",  # a source's title
        f"<script>{T(5)}</script>",
        f"<img src=x onerror={T(1)}>",  # a query
        f"javascript:{T(9)}",  # a fetched URL
        f"<img src=x onerror={T(14)}>",  # a quoted source
    ):
        assert shown in grounding, (shown, grounding)
    assert f"<img src=x onerror={T(20)}>" in code
    assert f"<script>{T(23)}</script>" in code
    assert "After the code." in code
    assert f"<img src=x onerror={T(26)}>(" in calls  # the call's name, as text
    assert f"<img src=x onerror={T(32)}>" in calls  # the error
    assert "Image not shown (image/svg+xml)" in calls
    assert "Calls done." in calls
    assert f"onerror={T(40)}" in function  # the argument the SDK called lookup_note with
    assert f"onerror={T(41)}" in function  # its result


def test_saved_markdown_renders_to_nothing_that_runs_or_loads(parts_run: Run) -> None:
    """nbconvert's Markdown (raw HTML passes through) of each saved output."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert len(parts_run.markdown) == 2 * len(PROMPTS), list(parts_run.markdown)
    problems = []
    for name, markdown in parts_run.markdown.items():
        problems += [f"{name}: {p}" for p in _dangerous_html(markdown2html_mistune(markdown))]
    assert problems == [], "\n".join(problems)
    joined = "\n".join(parts_run.markdown.values())
    assert "**Sources**" in joined and "After the code." in joined


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "link", "meta", "base", "style", "svg"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name == "href" and value.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} href={value[:40]}>")
            if name in ("src", "srcset", "poster", "background") and not (
                tag == "img" and value.startswith("data:image/png;base64,")
            ):
                self.found.append(f"<{tag} {name}={value[:60]}>")


def _dangerous_html(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    return finder.found
