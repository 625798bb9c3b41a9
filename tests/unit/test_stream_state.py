"""StreamState's numbers, fed real SDK chunks from the offline server."""

from __future__ import annotations

import pytest

from gemini_widgets.offline.wire import count_tokens
from gemini_widgets.stream import StreamState


def test_tokens_per_second_ignores_the_first_chunks_burst(client, server, model, clock):
    state = StreamState(clock=clock)
    server.script(*[f"w{i} " for i in range(11)])
    chunks = list(client.models.generate_content_stream(model=model, contents="x"))
    state.feed(chunks[0])
    clock.now = 0.001
    assert state.tokens_per_second is None  # one chunk a microsecond ago is no rate
    for i, chunk in enumerate(chunks[1:], start=1):
        clock.now = i * 0.1
        state.feed(chunk)
    after_first = state.output_tokens - count_tokens("w0 ")
    assert state.tokens_per_second == pytest.approx(after_first / 1.0)  # 10 chunks in 1 s
