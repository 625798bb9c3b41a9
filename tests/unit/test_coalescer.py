"""Frame-budget coalescing: fast streams merge, slow streams show each chunk at once."""

from __future__ import annotations

from gemini_widgets.coalesce import Coalescer
from gemini_widgets.stream import Delta


def test_first_chunk_is_emitted_at_once(clock):
    coalescer = Coalescer(1 / 30, clock)
    assert coalescer.add(Delta("a")) == Delta("a")


def test_fast_chunks_are_merged_into_one_delta_per_frame(clock):
    coalescer = Coalescer(0.1, clock)
    emitted = []
    for i in range(100):  # one chunk per ms for 100 ms
        clock.now = i / 1000
        delta = coalescer.add(Delta(str(i % 10)))
        if delta:
            emitted.append(delta)
    clock.now = 0.2
    emitted.append(coalescer.due())
    assert len(emitted) == 2
    assert "".join(d.text for d in emitted) == "0123456789" * 10


def test_slow_chunks_are_each_emitted_at_once(clock):
    coalescer = Coalescer(1 / 30, clock)
    for i in range(5):
        clock.now = i * 0.5
        assert coalescer.add(Delta(f"c{i}")) == Delta(f"c{i}")


def test_held_delta_reports_when_it_is_due(clock):
    coalescer = Coalescer(0.1, clock)
    coalescer.add(Delta("a"))
    clock.now = 0.03
    assert coalescer.add(Delta("b")) is None
    assert abs(coalescer.seconds_until_due() - 0.07) < 1e-9
    clock.now = 0.1
    assert coalescer.due() == Delta("b")
    assert coalescer.seconds_until_due() is None


def test_flush_returns_everything_held(clock):
    coalescer = Coalescer(10, clock)
    coalescer.add(Delta("a"))
    coalescer.add(Delta("b", thoughts="t"))
    coalescer.add(Delta("c"))
    assert coalescer.flush() == Delta("bc", thoughts="t")
    assert coalescer.flush() is None
