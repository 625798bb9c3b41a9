"""The renderer bundle: one shared widget per kernel, and each view can hand it over itself
to a page that cannot reach that widget (an output in a frame of its own)."""

from __future__ import annotations

from gemini_widgets import StreamView
from gemini_widgets.widgets.assets import shared_assets
from gemini_widgets.widgets.chat_view import ChatView


def test_views_refer_to_the_one_shared_bundle_and_carry_no_copy():
    first, second = StreamView(), StreamView()
    assert first._renderer is second._renderer is shared_assets()
    state = first.get_state()
    assert len(str(state["_renderer"])) < 100  # a reference ("IPY_MODEL_…"), not the bundle
    assert len(shared_assets().source) > 100_000


def test_a_view_hands_over_the_same_bundle_on_request():
    shared = shared_assets()
    for view in (StreamView(), ChatView(actions=None)):
        reply, buffers = view._renderer_bundle({}, [])
        assert buffers == []
        assert reply == {"version": shared.version, "source": shared.source, "css": shared.css}
