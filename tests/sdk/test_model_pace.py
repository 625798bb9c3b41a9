"""Each offline model answers at its own pace and length; the request log says when each
request was answered, so a test can tell concurrent streams from streams run in turn."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

import pytest
from google import genai
from google.genai import types

from gemini_widgets.offline import Fault, OfflineGemini, Pacing
from gemini_widgets.offline.catalogue import FLASH_PACE, ModelPace, find_model

PROMPT = "Explain how a lighthouse lens works."
MODELS = ("gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro")


def _client(server: OfflineGemini) -> genai.Client:
    return genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.base_url))


def _words(client: genai.Client, model: str, prompt: str = PROMPT) -> int:
    config = types.GenerateContentConfig(seed=7)
    chunks = client.models.generate_content_stream(model=model, contents=prompt, config=config)
    return len("".join(c.text or "" for c in chunks).split())


def test_pro_writes_longer_and_flash_lite_shorter_than_flash(client):
    lite, flash, pro = (_words(client, model) for model in MODELS)
    assert lite < flash < pro
    assert pro > 1.1 * flash  # a difference a reader sees, not a rounding


def test_a_length_the_prompt_names_is_met_by_every_model(client):
    prompt = "Explain how a lighthouse lens works in 150 words."
    counts = {model: _words(client, model, prompt) for model in MODELS}
    assert len(set(counts.values())) == 1, counts


def test_a_slower_model_waits_longer_for_its_first_chunk_and_between_chunks():
    pacing, rng = Pacing(), random.Random(1)
    paces = [find_model(m).pace for m in MODELS]
    firsts = [pacing.delay(0, rng, pace) for pace in paces]
    assert firsts == sorted(firsts) and len(set(firsts)) == 3
    assert [p.between for p in paces] == sorted(p.between for p in paces)
    assert Pacing.instant().delay(5, rng, find_model("gemini-2.5-pro").pace) == 0


@dataclass(frozen=True)
class RecordedPacing(Pacing):
    """Tiny random gaps (the test stays fast), each one noted with the pace it was asked at."""

    delays: list[tuple[float, ModelPace]] = field(default_factory=list)

    def delay(self, sent: int, rng: random.Random, pace: ModelPace = FLASH_PACE) -> float:
        self.delays.append((super().delay(sent, rng, pace), pace))
        return 0.0


def test_the_server_paces_each_request_at_its_model_pace():
    pacing = RecordedPacing(first_chunk=0.0, between=(0.0001, 0.0002))
    with OfflineGemini(pacing=pacing) as server:
        client = _client(server)
        _words(client, "gemini-2.5-pro")
    assert pacing.delays and {pace for _, pace in pacing.delays} == {
        find_model("gemini-2.5-pro").pace
    }


@pytest.mark.parametrize("deterministic", [True, False])
def test_a_deterministic_server_streams_at_the_same_pace_each_time(deterministic):
    pacing = RecordedPacing(first_chunk=0.0, between=(0.0001, 0.0002))
    with OfflineGemini(pacing=pacing, deterministic=deterministic) as server:
        client, runs = _client(server), []
        for _ in range(2):
            pacing.delays.clear()
            chunks = client.models.generate_content_stream(
                model="gemini-2.5-flash", contents=PROMPT
            )
            list(chunks)
            runs.append([delay for delay, _ in pacing.delays])
    assert len(runs[0]) > 10
    assert (runs[0] == runs[1]) is deterministic


@dataclass(frozen=True)
class UntilAllAsked(Pacing):
    """Slow gaps until ``expected`` requests arrived: streams run in turn could not overlap
    (and would take minutes); streams run at once all start before any ends."""

    server: list[OfflineGemini] = field(default_factory=list)
    expected: int = 3

    def gap(self, rng: random.Random) -> float:
        asked = len(self.server[0].requests) if self.server else 0
        return 0.002 if asked >= self.expected else 0.5


def test_the_request_log_shows_concurrent_streams_overlapping():
    pacing = UntilAllAsked(first_chunk=0.0)
    with OfflineGemini(pacing=pacing) as server:
        pacing.server.append(server)
        client = _client(server)
        threads = [threading.Thread(target=_words, args=(client, m)) for m in MODELS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = server.requests
    assert [r.model for r in sorted(log, key=lambda r: r.model)] == sorted(MODELS)
    assert all(r.ended_at is not None and r.ended_at > r.started_at for r in log)
    assert all(a.overlaps(b) for a in log for b in log)
    span = max(r.ended_at for r in log) - min(r.started_at for r in log)
    assert span < sum(r.ended_at - r.started_at for r in log)


def test_a_dropped_stream_has_its_end_logged(server, client):
    server.fail_next(Fault(drop_after=2))
    with pytest.raises(Exception):  # noqa: B017 - the transport's error, whichever it is
        _words(client, "gemini-2.5-flash")
    (request,) = server.requests
    assert request.ended_at is not None and request.ended_at >= request.started_at
