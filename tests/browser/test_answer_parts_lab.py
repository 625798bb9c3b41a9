"""The whole answer in real JupyterLab: search grounding (citation markers, sources, queries,
the sandboxed Search Suggestions chip), code the model ran, an image, tool cards in a
StreamView and in a Chat typed into, the saved notebook's Markdown, and a reload.

One notebook and kernel for the module: its cells stream one answer of each kind once, and
each test looks at what a user sees of one of them. The tests run in file order; the last
one reloads the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Japanese and emoji in the prompt: the grounded answer quotes them, and has a Japanese
# sentence of its own, so Gemini's UTF-8 byte offsets differ from character offsets.
GROUNDED_PROMPT = "東京の桜 🌸 when do the cherry blossoms bloom in Tokyo?"
WEATHER = '''def get_weather(city: str) -> dict:
    """The current weather in a city: temperature in °C and the sky."""
    return {"city": city, "temperature_c": 21, "sky": "sunny"}'''

SETUP = (
    "import json\n"
    "from gemini_widgets import Chat, stream\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Fault, Pacing\n"
    "offline_server().state.pacing = Pacing.instant()\n\n" + WEATHER
)
# The views, in this order on the page (.gw-stream), then the chat.
GROUNDED, CODE, IMAGE, CALLED, NOT_CALLED = range(5)
CELLS = [
    SETUP,
    f'grounded = stream("{GROUNDED_PROMPT}", tools=["google_search"], seed=1)',
    'counted = stream("How many primes are there below 1,000?", tools=["code_execution"], seed=1)',
    'drawn = stream("A lighthouse on a cliff at dusk", model="gemini-2.5-flash-image", seed=1)',
    'weather = stream("What\'s the weather like in Lisbon today?", tools=[get_weather], seed=1)',
    'asked = stream("What\'s the weather in Oslo?", tools=[get_weather], max_tool_calls=0, seed=1)',
    "chat = Chat(tools=[get_weather], seed=1)\nchat",
]
CHAT_CELL = len(CELLS) - 1

# Each citation marker, with the text of its block (paragraph, list item) before it, its
# labels and its links: a marker "sits right after" a sentence when that text ends with it.
MARKERS_JS = """(view) => [...view.querySelectorAll('.gw-segment .gw-cite')].map((marker) => {
    const block = marker.closest('p, li, td, th, h1, h2, h3, h4, h5, h6') || marker.parentElement;
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEndBefore(marker);
    const before = range.cloneContents();
    before.querySelectorAll('.gw-cite').forEach((other) => other.remove());
    return {
        before: before.textContent,
        labels: [...marker.children].map((item) => item.textContent),
        links: [...marker.querySelectorAll('a')].map((a) => [a.href, a.target, a.rel, a.title]),
    };
})"""

# Records every change of the chat's tool cards' states ("pending", "done"...), so "the
# card showed the call, then its result" is a fact about the page, not about polling.
CALL_STATES_JS = """() => {
    window.__gwCallStates = [];
    const chat = document.querySelector('.gw-chat');
    const record = () => {
        const states = [...chat.querySelectorAll('.gw-call')].map((c) => c.dataset.state);
        const line = states.join(',');
        if (window.__gwCallStates.at(-1) !== line) window.__gwCallStates.push(line);
    };
    new MutationObserver(record).observe(chat, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'],
    });
}"""


@pytest.fixture(scope="module")
def answers(browser, lab_server, request, kit) -> Iterator:
    """The module's notebook, run once: one answer of each kind, and a tool-calling chat."""
    with kit.module_page(browser, lab_server, request) as lab:
        lab.write(*CELLS).open()
        lab.run_all()
        for index in range(NOT_CALLED + 1):
            lab.wait_status("done", index=index)
        lab.page.locator(".gw-chat").wait_for()
        yield lab


def kernel_json(lab, expression: str):
    return json.loads(lab.kernel_output(f"print(json.dumps({expression}))"))


def pre_text(pre) -> str:
    """A <pre>'s own text, without the Copy button view_parts.js puts in it."""
    return pre.evaluate(
        "pre => [...pre.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('')"
    )


def norm(text: str) -> str:
    return " ".join(text.split())


def wait_final_displays(lab, count: int) -> None:
    """``count`` outputs carry their final ``text/markdown`` beside the widget."""
    lab.page.wait_for_function(
        """([name, count]) => {
            const app = window.jupyterapp;
            const panel = [...app.shell.widgets('main')].find((w) => w.context?.path === name);
            let found = 0;
            for (const cell of panel.content.widgets) {
                const outputs = cell.model.outputs;
                for (let i = 0; outputs && i < outputs.length; i++) {
                    const data = outputs.get(i).data;
                    if (data['application/vnd.jupyter.widget-view+json'] && data['text/markdown'])
                        found++;
                }
            }
            return found >= count;
        }""",
        arg=[lab.path.name, count],
    )


# ---- search grounding -----------------------------------------------------------------------


def test_grounded_answer_puts_markers_after_the_supported_sentences(answers):
    lab = answers
    view = lab.stream_view(GROUNDED)
    grounding = kernel_json(
        lab,
        "{'supports': [{'text': s.text, 'sources': s.sources}"
        " for s in grounded.grounding.supports],"
        " 'sources': [[c.web.title, c.web.uri] for c in grounded.grounding.sources],"
        " 'queries': grounded.grounding.queries}",
    )
    supports, sources = grounding["supports"], grounding["sources"]
    assert any("🌏" in s["text"] for s in supports), "no support after the emoji: a weak test"
    expect(view.locator(".gw-segment .gw-cite")).to_have_count(len(supports))
    markers = view.evaluate(MARKERS_JS)
    lab.screenshot("grounded", locator=view)

    for support in supports:
        labels = [f"[{i + 1}]" for i in sorted(set(support["sources"]))]
        here = [m for m in markers if norm(m["before"]).endswith(norm(support["text"]))]
        assert here, f"no marker right after {support['text']!r}: {markers}"
        assert here[0]["labels"] == labels, (support, here[0])
        for (href, target, rel, title), index in zip(
            here[0]["links"], sorted(set(support["sources"])), strict=True
        ):
            assert (href, target, rel, title) == (
                sources[index][1],
                "_blank",
                "noopener noreferrer",
                sources[index][0],
            )
    # The Japanese sentence's marker, after the emoji and the full stop: its offsets counted
    # in characters, not in Gemini's UTF-8 bytes (which would put it far later).
    japanese = next(m for m in markers if "日本語" in m["before"])
    assert japanese["before"].rstrip().endswith("🌏."), japanese

    notes = view.locator(".gw-notes")
    expect(notes).to_be_visible()
    items = notes.locator(".gw-sources ol.gw-source-list > li")
    expect(items).to_have_count(len(sources))
    expect(items.locator("a")).to_have_text([title for title, _ in sources])
    for index, (_, uri) in enumerate(sources):
        link = items.nth(index).locator("a")
        expect(link).to_have_attribute("href", uri)
        expect(link).to_have_attribute("target", "_blank")
    assert items.first.evaluate("li => getComputedStyle(li.parentElement).listStyleType") in (
        "decimal",
        "",
    )
    expect(notes.locator(".gw-queries")).to_contain_text("Searched for:")
    expect(notes.locator(".gw-queries q")).to_have_text(grounding["queries"])
    assert not lab.console.widget_errors(), lab.console.widget_errors()


def test_search_suggestions_chip_is_shown_in_a_frame_that_runs_nothing(answers):
    lab = answers
    view = lab.stream_view(GROUNDED)
    frame = view.locator("iframe.gw-search-entry")
    expect(frame).to_have_count(1)
    expect(frame).to_be_visible()
    sandbox = frame.get_attribute("sandbox")
    assert sandbox == "allow-popups allow-popups-to-escape-sandbox"
    assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    # An opaque origin: the page cannot reach into it (nor it into the page).
    assert frame.evaluate("f => f.contentDocument === null")
    reach = "f => { try { return String(f.contentWindow.document); } catch { return 'denied'; } }"
    assert frame.evaluate(reach) == "denied"
    srcdoc = frame.get_attribute("srcdoc")
    assert srcdoc.startswith('<meta http-equiv="Content-Security-Policy" content="default-src')
    assert "<script" not in srcdoc.lower()

    queries = kernel_json(lab, "grounded.grounding.queries")
    chip = view.frame_locator("iframe.gw-search-entry")
    expect(chip.locator(".headline-label")).to_contain_text("Search suggestions")
    chips = chip.locator("a.chip")
    expect(chips).to_have_text(queries)
    expect(chips.first).to_be_visible()
    for index in range(len(queries)):
        href = chips.nth(index).get_attribute("href")
        assert href.startswith("https://www.google.com/search?q="), href
    # The chip fits its frame: its box ends inside the frame's 60 px.
    box, inner = frame.bounding_box(), chip.locator(".container").bounding_box()
    assert inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5, (box, inner)
    lab.screenshot("chip", locator=frame)


# ---- code execution, images ----------------------------------------------------------------


def test_code_run_shows_highlighted_code_output_and_outcome_before_the_text_after_it(answers):
    lab = answers
    view = lab.stream_view(CODE)
    run = kernel_json(
        lab, "{'code': counted.code_runs[0].code.code, 'output': counted.code_runs[0].output}"
    )
    card = view.locator(".gw-code-run")
    expect(card).to_have_count(1)
    expect(card.locator(".gw-part-label").first).to_contain_text("Code the model ran")
    expect(card.locator(".gw-part-label .gw-tag").first).to_have_text("python")
    code = card.locator(".gw-code pre code.hljs")
    expect(code).to_have_class(re.compile(r"\blanguage-python\b"))
    assert code.text_content() == run["code"]
    assert code.locator("[class^='hljs-']").count() > 3, "the code is not highlighted"
    badge = card.locator(".gw-outcome")
    expect(badge).to_have_text("ok")
    expect(badge).to_have_attribute("data-outcome", "ok")
    assert pre_text(card.locator("pre.gw-output")) == run["output"]
    lab.screenshot("code-run", locator=view)

    order = view.evaluate(
        """view => {
            const body = view.querySelector('.gw-body');
            const card = body.querySelector('.gw-code-run');
            const segments = [...body.querySelectorAll('.gw-segment')];
            const before = segments.find((s) => s.textContent.includes('Let me count'));
            const after = segments.find((s) => s.textContent.includes('The code ran'));
            const follows = (a, b) =>
                !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
            return {
                found: [!!before, !!after],
                order: [follows(before, card), follows(card, after)],
                gap: after.getBoundingClientRect().top - card.getBoundingClientRect().bottom,
                gapBefore: card.getBoundingClientRect().top - before.getBoundingClientRect().bottom,
            };
        }"""
    )
    assert order["found"] == [True, True], order
    assert order["order"] == [True, True], f"the code is not between its texts: {order}"
    assert order["gap"] >= 0 and order["gapBefore"] >= 0, f"the code overlaps its text: {order}"


def test_image_answer_shows_the_picture(answers):
    lab = answers
    view = lab.stream_view(IMAGE)
    image = view.locator(".gw-image img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("src", re.compile(r"^data:image/png;base64,[A-Za-z0-9+/]"))
    image.scroll_into_view_if_needed()
    lab.page.wait_for_function(
        """index => {
            const view = document.querySelectorAll('.gw-stream')[index];
            const img = view.querySelector('.gw-image img');
            return img.complete && img.naturalWidth > 0;
        }""",
        arg=IMAGE,
    )
    size = kernel_json(lab, "[drawn.images[0].width, drawn.images[0].height]")
    natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == size
    box = image.bounding_box()
    assert box["width"] > 50 and box["height"] > 50, box
    expect(view.locator(".gw-segment").first).to_contain_text("Here is a picture")
    lab.screenshot("image", locator=view)


# ---- tool cards ----------------------------------------------------------------------------


def test_stream_tool_cards_show_the_result_or_not_called(answers):
    lab = answers
    called = lab.stream_view(CALLED).locator(".gw-call")
    expect(called).to_have_count(1)
    expect(called).to_have_attribute("data-state", "done")
    expect(called.locator(".gw-call-state")).to_have_text("called")
    expect(called.locator(".gw-call-name")).to_have_text('get_weather(city="Lisbon")')
    result = json.loads(pre_text(called.locator(".gw-call-result pre")))
    assert result == {"city": "Lisbon", "temperature_c": 21, "sky": "sunny"}
    lab.screenshot("called", locator=lab.stream_view(CALLED))

    unanswered = lab.stream_view(NOT_CALLED).locator(".gw-call")
    expect(unanswered).to_have_count(1)
    expect(unanswered).to_have_attribute("data-state", "not-called")
    expect(unanswered.locator(".gw-call-state")).to_have_text("not called")
    expect(unanswered.locator(".gw-call-name")).to_have_text('get_weather(city="Oslo")')
    expect(unanswered.locator(".gw-call-result, .gw-spinner")).to_have_count(0)
    lab.screenshot("not-called", locator=lab.stream_view(NOT_CALLED))


def test_chat_tool_card_shows_the_call_then_its_result(answers):
    lab = answers
    chat = lab.page.locator(".gw-chat")
    chat.scroll_into_view_if_needed()
    lab.page.evaluate(CALL_STATES_JS)
    # Both requests of the reply (the call, then the answer from its result) come slowly,
    # so the card is seen while the function's result is still on its way.
    lab.kernel_output(
        "offline_server().fail_next(Fault.slow(first_chunk=1.0, between=0.6), times=2)"
    )
    box = chat.locator(".gw-input")
    box.fill("What's the weather like in Lisbon today?")
    box.press("Enter")
    pending = chat.locator(".gw-call[data-state=pending]")
    expect(pending).to_have_count(1)
    expect(pending.locator(".gw-call-state")).to_have_text("calling")
    expect(pending.locator(".gw-spinner")).to_have_count(1)
    lab.screenshot("chat-calling", locator=chat)
    expect(chat).to_have_attribute("data-busy", "false")
    card = chat.locator(".gw-message.gw-model").last.locator(".gw-call")
    expect(card).to_have_attribute("data-state", "done")
    expect(card.locator(".gw-call-name")).to_have_text('get_weather(city="Lisbon")')
    result = json.loads(pre_text(card.locator(".gw-call-result pre")))
    assert result == {"city": "Lisbon", "temperature_c": 21, "sky": "sunny"}

    box.fill("And what about the weather in Oslo?")
    box.press("Enter")
    expect(chat.locator(".gw-message.gw-user")).to_have_count(2)
    expect(chat).to_have_attribute("data-busy", "false")
    cards = chat.locator(".gw-message.gw-model .gw-call")
    expect(cards).to_have_count(2)
    expect(cards.nth(1)).to_have_attribute("data-state", "done")
    expect(cards.nth(1).locator(".gw-call-name")).to_have_text('get_weather(city="Oslo")')
    expect(chat.locator(".gw-message.gw-model").last.locator(".gw-body")).to_contain_text("Oslo")
    states = lab.page.evaluate("() => window.__gwCallStates")
    first = [line.split(",")[0] for line in states if line]
    assert first[:2] == ["pending", "done"], f"the first card's states: {states}"
    assert states[-1] == "done,done", states
    lab.screenshot("chat-two-calls", locator=chat)
    turns = kernel_json(lab, "[t.to_json()['parts'] for t in chat.turns]")
    kinds = [[p["kind"] for p in parts] for parts in turns]
    assert kinds == [["call", "call_result"], ["call", "call_result"]], kinds


def test_answer_parts_read_in_light_and_dark_theme(answers):
    lab = answers
    view = lab.stream_view(GROUNDED)
    view.scroll_into_view_if_needed()
    colours = """view => [
        getComputedStyle(view.querySelector('.gw-notes')).color,
        getComputedStyle(view.querySelector('.gw-cite a')).color,
    ]"""
    parts = """() => {
        const colour = (selector) => getComputedStyle(document.querySelector(selector)).color;
        return [colour('.gw-code-run .gw-part-label'), colour('.gw-outcome'),
                colour('.gw-call-name'), colour('.gw-call-result pre')];
    }"""
    light, light_parts = view.evaluate(colours), lab.page.evaluate(parts)
    lab.screenshot("grounded-light", locator=view)
    with lab.dark_theme():
        lab.page.wait_for_function(
            "before => getComputedStyle(document.querySelector('.gw-notes')).color !== before",
            arg=light[0],
        )
        dark, dark_parts = view.evaluate(colours), lab.page.evaluate(parts)
        lab.screenshot("grounded-dark", locator=view)
        lab.screenshot("code-run-dark", locator=lab.stream_view(CODE))
        lab.screenshot("called-dark", locator=lab.stream_view(CALLED))
        lab.screenshot("chat-dark", locator=lab.page.locator(".gw-chat"))
    assert dark[0] != light[0], "the notes' text colour ignores the theme"
    assert dark[1] != light[1], "the citation markers' colour ignores the theme"
    names = ("code label", "outcome badge", "call name", "call result")
    unchanged = [name for name, a, b in zip(names, light_parts, dark_parts, strict=True) if a == b]
    assert not unchanged, f"these parts keep their light-theme colour: {unchanged}"


# ---- the saved notebook, a reload -----------------------------------------------------------


def test_saved_notebook_markdown_has_the_code_the_image_and_the_sources(answers):
    lab = answers
    wait_final_displays(lab, NOT_CALLED + 2)  # every stream, and the chat
    # The chat's output is updated when a reply ends: after the second one too.
    lab.page.wait_for_function(
        """([name, cell]) => {
            const app = window.jupyterapp;
            const panel = [...app.shell.widgets('main')].find((w) => w.context?.path === name);
            const outputs = panel.content.widgets[cell].model.outputs;
            for (let i = 0; i < outputs.length; i++) {
                if ((outputs.get(i).data['text/markdown'] ?? '').includes('Oslo')) return true;
            }
            return false;
        }""",
        arg=[lab.path.name, CHAT_CELL],
    )
    lab.save()
    cells = lab.read().cells

    def markdown(cell: int) -> str:
        found = [
            o.data["text/markdown"]
            for o in cells[cell].outputs
            if o.output_type in ("display_data", "execute_result") and "text/markdown" in o.data
        ]
        assert len(found) == 1, cells[cell].outputs
        return found[0]

    grounded = markdown(1 + GROUNDED)
    titles = kernel_json(lab, "[c.web.title for c in grounded.grounding.sources]")
    for number, title in enumerate(titles, 1):
        assert re.search(rf"^{number}\. \[{re.escape(title)}\]\(<https://", grounded, re.M), (
            grounded
        )
    assert "**Sources**" in grounded
    for query in kernel_json(lab, "grounded.grounding.queries"):
        assert query in grounded, f"the search {query!r} is not in the saved answer"
    assert "日本語の資料" in grounded and "🌏" in grounded

    code = markdown(1 + CODE)
    program = kernel_json(lab, "counted.code_runs[0].code.code").rstrip("\n")
    assert f"```python\n{program}\n```" in code, code
    assert "*Output (ok):*" in code and "There are 168 primes" in code
    assert code.index("Let me count") < code.index("```python") < code.index("The code ran")

    image = markdown(1 + IMAGE)
    inline = r"!\[image\]\(data:image/png;base64,[A-Za-z0-9+/=]{100,}\)"
    assert re.search(inline, image), image[:300]

    assert '*Called* `get_weather(city="Lisbon")`' in markdown(1 + CALLED)
    assert '*Called* `get_weather(city="Oslo")`' in markdown(1 + NOT_CALLED)
    chat = markdown(CHAT_CELL)
    assert '*Called* `get_weather(city="Oslo")`' in chat, chat
    assert chat.count("*get\\_weather returned* `{") == 2, chat


def test_reload_shows_every_part_again(answers):
    # A page reload makes new views of the kernel's live widgets: each asks the kernel for
    # its answer (a snapshot) and must show the parts as before.
    lab = answers
    wait_final_displays(lab, NOT_CALLED + 2)
    shape = """() => [...document.querySelectorAll('.gw-stream, .gw-chat')].map((view) => ({
        text: view.querySelector('.gw-body')?.textContent.replace(/\\s+/g, ' ') ?? '',
        cites: view.querySelectorAll('.gw-cite').length,
        sources: view.querySelectorAll('.gw-source-list li').length,
        frames: view.querySelectorAll('iframe.gw-search-entry').length,
        code: view.querySelectorAll('.gw-code-run code.hljs').length,
        outcomes: [...view.querySelectorAll('.gw-outcome')].map((b) => b.dataset.outcome),
        images: view.querySelectorAll('.gw-image img').length,
        calls: [...view.querySelectorAll('.gw-call')].map((c) => c.dataset.state),
    }))"""
    before = lab.page.evaluate(shape)
    lab.save()
    lab.page.reload()
    lab.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    for index in range(NOT_CALLED + 1):
        lab.wait_status("done", index=index)
    expect(lab.page.locator(".gw-chat .gw-message.gw-model .gw-call")).to_have_count(2)
    expect(lab.stream_view(GROUNDED).locator(".gw-cite")).to_have_count(before[GROUNDED]["cites"])
    expect(lab.stream_view(IMAGE).locator(".gw-image img")).to_have_count(1)
    lab.page.wait_for_function(
        "() => [...document.querySelectorAll('.gw-image img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    after = lab.page.evaluate(shape)
    lab.stream_view(GROUNDED).scroll_into_view_if_needed()
    lab.screenshot("reloaded")
    assert after == before
    assert before[GROUNDED]["frames"] == 1 and before[CODE]["outcomes"] == ["ok"]
    assert before[CALLED]["calls"] == ["done"] and before[NOT_CALLED]["calls"] == ["not-called"]
    chip = lab.stream_view(GROUNDED).frame_locator("iframe.gw-search-entry").locator("a.chip")
    expect(chip.first).to_be_visible()
