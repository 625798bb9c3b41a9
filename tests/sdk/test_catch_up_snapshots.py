"""``StreamView(catch_up=True)`` (what ``stream()`` makes in marimo): besides each piece once,
the answer whole each time it has doubled, so a browser store made after the first deltas
catches up while the cell still runs. Bounded: at most about twice the answer again."""

from __future__ import annotations

import itertools

from jupyter_client.session import json_packer

from gemini_widgets.generate import run_in_view
from gemini_widgets.request import StreamRequest
from gemini_widgets.settings import NO_RETRY, build_config
from gemini_widgets.widgets import StreamView

PROMPT = "Explain binary search in 600 words"


def _run(view: StreamView, client, model: str) -> tuple[list[dict], str]:
    sent: list[dict] = []
    view.send = lambda message, buffers=None: sent.append(message)
    request = StreamRequest(client, model, PROMPT, build_config(seed=7))
    state = run_in_view(view, request, NO_RETRY, background=False)
    return sent, state.text


def test_snapshots_come_at_doubling_sizes_and_end_with_the_whole_answer(client, server, model):
    sent, text = _run(StreamView(model=model, catch_up=True), client, model)
    snapshots = [m for m in sent if m["type"] == "snapshot"]
    sizes = [len(m["text"]) + len(m["thoughts"]) for m in snapshots]
    # The first with the first delta (a store made before it needs nothing more).
    first_delta = next(i for i, m in enumerate(sent) if m["type"] == "delta")
    assert sent[first_delta + 1]["type"] == "snapshot"
    assert all(later >= 2 * earlier for earlier, later in itertools.pairwise(sizes))
    # Each is the answer so far: the deltas before it, put together.
    for index, message in enumerate(sent):
        if message["type"] == "snapshot":
            so_far = "".join(m.get("text", "") for m in sent[:index] if m["type"] == "delta")
            assert message["text"] == so_far
    assert text.startswith(snapshots[-1]["text"])


def test_catching_up_costs_at_most_three_times_the_bytes_and_nothing_without_it(
    client, server, model
):
    plain, text = _run(StreamView(model=model), client, model)
    caught_up, _ = _run(StreamView(model=model, catch_up=True), client, model)
    assert not [m for m in plain if m["type"] == "snapshot"]
    plain_bytes = sum(len(json_packer(m)) for m in plain)
    caught_up_bytes = sum(len(json_packer(m)) for m in caught_up)
    text_bytes = len(text.encode())
    print(f"plain {plain_bytes} B, catch-up {caught_up_bytes} B, text {text_bytes} B")
    assert caught_up_bytes - plain_bytes <= 2.2 * text_bytes
