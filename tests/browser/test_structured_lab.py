"""Structured output in real JupyterLab: a 50-object JSON answer streams into a table whose
rows appear as objects complete (sampled in the page while it streams), as do the items of
a wrapper model's list (``{"recipes": [...]}``, under its key); the JSON button shows the
raw text, values (and a wrapped list's key) are text only, a broken answer says so in one
sentence; light and dark theme.

One notebook and kernel for the module; the tests run in file order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

EVIL = '<img src=x onerror="window.__gwPwned=1">'
SETUP = (
    "import json\n"
    "from pydantic import BaseModel\n"
    "from gemini_widgets import Chat, stream\n"
    "from gemini_widgets.client import offline_server\n"
    "from gemini_widgets.offline import Pacing\n"
    "# Twice Gemini's pace: long enough to watch the rows arrive.\n"
    "offline_server().state.pacing = Pacing.scaled(2)\n\n"
    "class Recipe(BaseModel):\n"
    "    name: str\n"
    "    minutes: int\n"
    "    ingredients: list[str]\n\n"
    "class Recipes(BaseModel):\n"
    "    recipes: list[Recipe]\n"
)
EVIL_CHUNKS = (
    f'[{{"name": {json.dumps(EVIL)}, "minutes": 1, ',
    f'"ingredients": [{json.dumps(EVIL)}]}}]',
)
EVIL_KEY_CHUNK = json.dumps({EVIL: [{"a": 1}, {"a": 2}]})
SCRIPTED = (
    "offline_server().state.pacing = Pacing.instant()\n"
    f"offline_server().script({EVIL_CHUNKS[0]!r}, {EVIL_CHUNKS[1]!r}, prompt='evil')\n"
    'offline_server().script(\'[{"name": "Soup", "minutes": }]\', prompt=\'broken\')\n'
    f"offline_server().script({EVIL_KEY_CHUNK!r}, prompt='evil key')\n"
    "evil = stream('evil', schema=list[Recipe])\n"
    "broken = stream('broken', schema=list[Recipe])\n"
    "evil_key = stream('evil key', json=True)"
)
CELLS = [
    SETUP,
    'recipes = stream("Give me 50 recipes for a weeknight dinner.", schema=list[Recipe])',
    'wrapped = stream("Give me 30 recipes for a picnic.", schema=Recipes)',
    SCRIPTED,
    "chat = Chat(schema=list[Recipe])\nchat",
    'reply = chat.send("List 4 dinners")',
]
RECIPES, WRAPPED, EVIL_VIEW, BROKEN, EVIL_KEY = range(5)

# Samples the first two views' tables every animation frame: finished rows and whether a
# row is arriving, each time they change, with the view's status (window.__gwRows[view]).
SAMPLER_JS = """() => {
    window.__gwRows = [[], []];
    const sample = () => {
        const views = document.querySelectorAll('.gw-stream');
        window.__gwRows.forEach((samples, i) => {
            const table = views[i]?.querySelector('.gw-json-table');
            if (!table) return;
            const done = table.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length;
            const open = table.querySelectorAll('tr.gw-json-open').length;
            const last = samples.at(-1);
            if (!last || last.done !== done || last.open !== open) {
                samples.push({ done, open, status: views[i].dataset.status });
            }
        });
        if (!window.__gwStopSampling) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
}"""
# The view at index i is streaming with at least n finished rows.
ROWS_WHILE_STREAMING_JS = """([i, n]) => {
    const view = document.querySelectorAll('.gw-stream')[i];
    return view?.dataset.status === 'streaming'
        && view.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length >= n;
}"""


@pytest.fixture(scope="module")
def lab(browser, lab_server, request, kit) -> Iterator:
    """The module's notebook, open, its setup cell run, the sampler installed."""
    with kit.module_page(browser, lab_server, request) as notebook:
        notebook.write(*CELLS).open()
        yield notebook


def screenshot_top(lab, view, step: str) -> None:
    """The page with ``view``'s top at the top: a 50-row view is taller than the window."""
    view.evaluate("view => view.scrollIntoView({ block: 'start' })")
    lab.screenshot(step)


def kernel_json(lab, expression: str):
    return json.loads(lab.kernel_output(f"print(json.dumps({expression}))"))


def test_rows_appear_as_the_objects_complete(lab):
    lab.page.evaluate(SAMPLER_JS)
    lab.run_all(wait=False)
    view = lab.stream_view(RECIPES)
    lab.page.wait_for_function(
        """() => document.querySelectorAll(
            '.gw-stream tr.gw-json-row:not(.gw-json-open)').length >= 12"""
    )
    view.scroll_into_view_if_needed()
    lab.screenshot("streaming-light", locator=view)
    # The wrapper model's answer streams next: its list's rows, while it streams.
    lab.page.wait_for_function(ROWS_WHILE_STREAMING_JS, arg=[WRAPPED, 8])
    wrapped = lab.stream_view(WRAPPED)
    wrapped.scroll_into_view_if_needed()
    lab.screenshot("wrapper-streaming-light", locator=wrapped)
    lab.wait_until_cells_ran()
    lab.wait_status("done", index=RECIPES)
    lab.page.evaluate("() => { window.__gwStopSampling = true; }")
    samples = lab.page.evaluate("() => window.__gwRows[0]")
    counts = [s["done"] for s in samples]
    assert counts == sorted(counts), f"rows went away while streaming: {counts}"
    streaming = [s for s in samples if s["status"] == "streaming"]
    assert len({s["done"] for s in streaming}) >= 10, f"the table grew in few steps: {counts}"
    assert any(s["open"] for s in streaming), "no unfinished row was shown while streaming"
    assert counts[-1] == 50 and samples[-1]["open"] == 0
    screenshot_top(lab, view, "done-light")


def test_the_table_holds_the_parsed_values(lab):
    view = lab.stream_view(RECIPES)
    names = view.locator("tbody tr").evaluate_all(
        "rows => rows.map((tr) => [tr.cells[1].textContent, tr.cells[2].textContent])"
    )
    parsed = kernel_json(lab, "[[r.name, str(r.minutes)] for r in recipes.parsed]")
    assert [list(pair) for pair in names] == parsed and len(parsed) == 50
    heads = view.locator("thead th").all_text_contents()
    assert heads == ["#", "name", "minutes", "ingredients"]
    tree = view.locator("tbody tr").first.locator("details.gw-json-tree")
    tree.locator("summary").click()
    items = tree.locator("li").all_text_contents()
    assert items == kernel_json(lab, "recipes.parsed[0].ingredients")
    assert view.locator(".gw-json-count").text_content() == "50 rows"


def test_a_wrapper_models_list_items_appeared_as_rows_under_its_key(lab):
    view = lab.wait_status("done", index=WRAPPED)
    samples = lab.page.evaluate("() => window.__gwRows[1]")
    counts = [s["done"] for s in samples]
    assert counts == sorted(counts), f"rows went away while streaming: {counts}"
    streaming = [s for s in samples if s["status"] == "streaming"]
    assert len({s["done"] for s in streaming}) >= 8, f"the table grew in few steps: {counts}"
    assert counts[-1] == 30 and samples[-1]["open"] == 0
    names = view.locator("tbody tr").evaluate_all(
        "rows => rows.map((tr) => tr.cells[1].textContent)"
    )
    assert names == kernel_json(lab, "[r.name for r in wrapped.parsed.recipes]")
    assert view.locator("thead th").all_text_contents() == ["#", "name", "minutes", "ingredients"]
    assert view.locator(".gw-json-source").text_content() == "recipes"
    assert view.locator(".gw-json-count").text_content() == "30 rows"
    assert kernel_json(lab, "[len(wrapped.to_pandas()), type(wrapped.parsed).__name__]") == [
        30,
        "Recipes",
    ]
    screenshot_top(lab, view, "wrapper-done-light")


def test_the_json_button_shows_the_raw_text(lab):
    view = lab.stream_view(RECIPES)
    button = view.locator(".gw-json-toggle")
    button.click()
    raw = view.locator(".gw-json-raw")
    assert raw.is_visible() and not view.locator(".gw-json-table").is_visible()
    assert raw.text_content() == kernel_json(lab, "recipes.text")
    screenshot_top(lab, view, "raw-light")
    button.click()
    assert view.locator(".gw-json-table").is_visible() and not raw.is_visible()


def test_values_are_text_and_a_broken_answer_is_one_sentence(lab):
    lab.wait_status("done", index=EVIL_VIEW)
    evil = lab.stream_view(EVIL_VIEW)
    cells = evil.locator("tbody tr").first.locator("td")
    assert cells.first.text_content() == EVIL
    evil.locator(".gw-json-tree summary").click()
    assert evil.locator(".gw-json-tree li").first.text_content() == EVIL
    assert evil.locator("img").count() == 0
    assert lab.page.evaluate("() => window.__gwPwned") is None

    broken = lab.wait_status("done", index=BROKEN)
    sentence = kernel_json(lab, "broken.parse_error")
    assert sentence.startswith("The answer is not valid JSON") and sentence.endswith(".")
    assert broken.locator(".gw-notice").text_content() == sentence
    assert broken.locator("tr.gw-json-bad").count() == 1
    assert kernel_json(lab, "broken.text") == '[{"name": "Soup", "minutes": }]'
    broken.scroll_into_view_if_needed()
    lab.screenshot("broken-light", locator=broken)

    evil_key = lab.wait_status("done", index=EVIL_KEY)
    assert evil_key.locator(".gw-json-source").text_content() == EVIL
    assert evil_key.locator("tr.gw-json-row").count() == 2
    assert evil_key.locator("img").count() == 0
    assert lab.page.evaluate("() => window.__gwPwned") is None


def test_a_chat_with_a_schema_shows_its_reply_as_a_table(lab):
    lab.wait_until_cells_ran()
    chat = lab.page.locator(".gw-chat")
    reply = chat.locator(".gw-message.gw-model").last
    rows = reply.locator("tr.gw-json-row")
    assert rows.count() == 4
    names = rows.evaluate_all("rows => rows.map((tr) => tr.cells[1].textContent)")
    assert names == kernel_json(lab, "[r.name for r in reply.parsed]")
    chat.scroll_into_view_if_needed()
    lab.screenshot("chat-light", locator=chat)


def test_the_table_reads_in_the_dark_theme(lab):
    view = lab.stream_view(RECIPES)
    colours = """view => [
        getComputedStyle(view.querySelector('.gw-json-table td')).color,
        getComputedStyle(view.querySelector('.gw-json-table')).backgroundColor,
        getComputedStyle(view).backgroundColor,
    ]"""
    notice = lab.stream_view(BROKEN).locator(".gw-notice")
    shade = "n => getComputedStyle(n).backgroundColor"
    light, light_notice = view.evaluate(colours), notice.evaluate(shade)
    with lab.dark_theme():
        lab.page.wait_for_function(
            "before => getComputedStyle(document.querySelector('.gw-json-table td')).color"
            " !== before",
            arg=light[0],
        )
        dark, dark_notice = view.evaluate(colours), notice.evaluate(shade)
        screenshot_top(lab, view, "done-dark")
        lab.screenshot("broken-dark", locator=lab.stream_view(BROKEN))
        lab.screenshot("chat-dark", locator=lab.page.locator(".gw-chat"))
    assert dark[0] != light[0], "the table's text keeps its light-theme colour"
    assert dark[2] != light[2], "the view's background keeps its light-theme colour"
    # The parse error's sentence: a light background under the dark theme's light text
    # could not be read.
    assert dark_notice != light_notice, "the notice keeps its light background"
