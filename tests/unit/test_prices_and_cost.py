"""The price table, its tiers, name matching and overrides; cost from usage metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from google.genai import types

from gemini_widgets.cost import Cost, answer_cost, estimate_cost, total_cost
from gemini_widgets.offline.catalogue import MODELS
from gemini_widgets.prices import (
    PRICES_FILE,
    PricesError,
    price_for,
    prices,
    set_prices,
    shipped_prices,
)
from gemini_widgets.stream import StreamState

PRICING_PAGE = "https://ai.google.dev/gemini-api/docs/pricing"
Usage = types.GenerateContentResponseUsageMetadata
Modality = types.ModalityTokenCount


@pytest.fixture(autouse=True)
def _shipped_prices() -> Iterator[None]:
    set_prices(None)
    yield
    set_prices(None)


def usd(tokens: int, per_million: float) -> float:
    return tokens * per_million / 1_000_000


# ---- the table --------------------------------------------------------------------------


def test_every_entry_says_when_and_where_its_prices_were_read():
    raw = json.loads(PRICES_FILE.read_text())["models"]
    assert set(raw) == set(shipped_prices())
    for name, price in shipped_prices().items():
        assert raw[name]["as_of"] == price.as_of == "2025-12", name
        assert raw[name]["source"] == price.source == PRICING_PAGE, name
        assert price.tiers[-1].up_to_prompt_tokens is None


def test_the_table_prices_the_models_the_brief_names_and_every_offline_text_model():
    named = {
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "gemini-2.0-flash",
        "gemini-2.0-flash-lite",
    }
    offline = {m.name for m in MODELS}
    assert named | offline <= set(shipped_prices())
    for name in offline - {"gemini-2.5-flash-image"}:
        assert shipped_prices()[name].tiers[0].output is not None, name


@pytest.mark.parametrize(
    ("model", "input_", "output", "cached"),
    [
        ("gemini-2.5-pro", 1.25, 10.00, 0.125),
        ("gemini-2.5-flash", 0.30, 2.50, 0.03),
        ("gemini-2.5-flash-lite", 0.10, 0.40, 0.01),
        ("gemini-2.0-flash", 0.10, 0.40, 0.025),
        ("gemini-2.0-flash-lite", 0.075, 0.30, None),
        ("gemini-3-pro-preview", 2.00, 12.00, 0.20),
        ("gemini-3-flash-preview", 0.50, 3.00, 0.05),
    ],
)
def test_first_tier_prices(model, input_, output, cached):
    tier = shipped_prices()[model].tiers[0]
    assert (tier.input, tier.output, tier.cached_input) == (input_, output, cached)


def test_pro_prices_every_token_higher_above_200k_prompt_tokens():
    def cost(prompt: int) -> Cost:
        usage = Usage(
            prompt_token_count=prompt,
            cached_content_token_count=1_000,
            candidates_token_count=2_000,
            thoughts_token_count=3_000,
        )
        result = estimate_cost("gemini-2.5-pro", usage)
        assert result is not None
        return result

    at_limit, above = cost(200_000), cost(200_001)
    assert at_limit.input == pytest.approx(usd(199_000, 1.25))
    assert at_limit.cached_input == pytest.approx(usd(1_000, 0.125))
    assert at_limit.output == pytest.approx(usd(2_000, 10.00))
    assert at_limit.thoughts == pytest.approx(usd(3_000, 10.00))
    assert above.input == pytest.approx(usd(199_001, 2.50))
    assert above.cached_input == pytest.approx(usd(1_000, 0.25))
    assert above.output == pytest.approx(usd(2_000, 15.00))
    assert above.thoughts == pytest.approx(usd(3_000, 15.00))
    flash = [estimate_cost("gemini-2.5-flash", Usage(prompt_token_count=n)) for n in (1, 10**6)]
    assert flash[1].input == pytest.approx(flash[0].input * 10**6)  # one tier: no jump


# ---- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("gemini-2.5-flash", "gemini-2.5-flash"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("Gemini-2.5-Flash", "gemini-2.5-flash"),
        ("gemini-2.5-flash-001", "gemini-2.5-flash"),
        ("gemini-2.5-flash-preview-09-2025", "gemini-2.5-flash"),
        ("gemini-2.5-flash-lite-preview-06-17", "gemini-2.5-flash-lite"),
        ("gemini-2.0-flash-lite-001", "gemini-2.0-flash-lite"),
        ("gemini-2.5-flash-image-preview", "gemini-2.5-flash-image"),
        ("projects/p/locations/us/publishers/google/models/gemini-2.5-pro", "gemini-2.5-pro"),
        ("gemini-2.5-pro-preview-06-05", "gemini-2.5-pro"),
    ],
)
def test_sdk_and_response_names_find_their_entry(name, entry):
    price = price_for(name)
    assert price is not None and price.model == entry


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "gemini-2.0-flash-exp",
        "gemini-2.5-flash-preview-tts",
        "gemini-2.5-flash-native-audio-preview-09-2025",
        "gemini-3-pro-image-preview",
        "gemini-flash-latest",
        "gemini-2.5-flashy",
        "tunedModels/gemini-2.5-flash",
        "gemini-1.5-flash",
        "my-model",
    ],
)
def test_other_names_have_no_price(name):
    assert price_for(name) is None
    assert estimate_cost(name, Usage(prompt_token_count=10, candidates_token_count=5)) is None


# ---- cost from usage -----------------------------------------------------------------------


def test_cost_breaks_down_by_kind_of_token():
    usage = Usage(
        prompt_token_count=10_000,
        cached_content_token_count=4_000,
        candidates_token_count=800,
        thoughts_token_count=1_200,
        tool_use_prompt_token_count=300,
        total_token_count=12_300,
    )
    cost = estimate_cost("gemini-2.5-flash", usage)
    assert cost == Cost(
        input=pytest.approx(usd(6_000, 0.30)),
        cached_input=pytest.approx(usd(4_000, 0.03)),
        tool_use=pytest.approx(usd(300, 0.30)),
        output=pytest.approx(usd(800, 2.50)),
        thoughts=pytest.approx(usd(1_200, 2.50)),
    )
    assert (
        float(cost)
        == cost.usd
        == pytest.approx(usd(6_000, 0.30) + usd(4_000, 0.03) + usd(300, 0.30) + usd(2_000, 2.50))
    )
    assert "≈ $" in repr(cost)


def test_audio_prompt_tokens_have_their_own_price():
    usage = Usage(
        prompt_token_count=1_000,
        prompt_tokens_details=[
            Modality(modality="TEXT", token_count=400),
            Modality(modality="AUDIO", token_count=600),
        ],
        cached_content_token_count=200,
        cache_tokens_details=[Modality(modality="AUDIO", token_count=200)],
        candidates_token_count=0,
    )
    flash = estimate_cost("gemini-2.5-flash", usage)
    assert flash.input == pytest.approx(usd(400, 0.30) + usd(400, 1.00))
    assert flash.cached_input == pytest.approx(usd(200, 0.10))
    pro = estimate_cost("gemini-2.5-pro", usage)  # one price for every modality
    assert pro.input == pytest.approx(usd(800, 1.25))


def test_image_output_is_priced_and_unpriced_text_output_gives_no_estimate():
    image_only = Usage(
        prompt_token_count=20,
        candidates_token_count=1290,
        candidates_tokens_details=[Modality(modality="IMAGE", token_count=1290)],
    )
    cost = estimate_cost("gemini-2.5-flash-image", image_only)
    assert cost.output == pytest.approx(usd(1290, 30.00))  # $0.0387 an image
    with_text = Usage(
        prompt_token_count=20,
        candidates_token_count=1300,
        candidates_tokens_details=[
            Modality(modality="TEXT", token_count=10),
            Modality(modality="IMAGE", token_count=1290),
        ],
    )
    assert estimate_cost("gemini-2.5-flash-image", with_text) is None
    cached = Usage(prompt_token_count=20, cached_content_token_count=10)
    assert estimate_cost("gemini-2.0-flash-lite", cached) is None  # no cache price known


def test_mid_stream_usage_prices_the_running_total():
    usage = Usage(prompt_token_count=100, thoughts_token_count=50, total_token_count=400)
    cost = estimate_cost("gemini-2.5-flash", usage)
    assert cost.output == pytest.approx(usd(250, 2.50))
    assert cost.thoughts == pytest.approx(usd(50, 2.50))


def test_no_usage_no_cost():
    assert estimate_cost("gemini-2.5-flash", None) is None
    assert answer_cost("gemini-2.5-flash", [None, None]) is None
    assert StreamState(model="gemini-2.5-flash").cost is None
    assert StreamState(model="gemini-2.5-flash").stats()["cost"] is None


def test_a_continued_answer_costs_every_request_it_took():
    first = Usage(prompt_token_count=100, candidates_token_count=1_000)
    second = Usage(prompt_token_count=1_150, candidates_token_count=400)
    state = StreamState(model="gemini-2.5-flash")
    state.usage = first
    state.resume()
    state.usage = second
    expected = estimate_cost("gemini-2.5-flash", first) + estimate_cost("gemini-2.5-flash", second)
    assert state.cost == expected
    assert state.stats()["cost"] == pytest.approx(expected.usd)


def test_a_total_with_an_unknown_part_is_unknown():
    one = Cost(input=0.5)
    assert total_cost([one, one]) == Cost(input=1.0)
    assert total_cost([one, None]) is None
    assert total_cost([]) == Cost()


# ---- overrides ------------------------------------------------------------------------------


def test_set_prices_overrides_adds_and_removes_models():
    usage = Usage(prompt_token_count=1_000_000, candidates_token_count=1_000_000)
    assert estimate_cost("gemini-2.5-flash", usage).usd == pytest.approx(0.30 + 2.50)
    set_prices(
        {
            "models/gemini-2.5-flash": {"input": 1, "output": 2},
            "my-tuned-model": {"tiers": [{"input": 5, "output": 7}], "as_of": "2026-01"},
            "gemini-2.0-flash": None,
        }
    )
    assert estimate_cost("gemini-2.5-flash-001", usage).usd == pytest.approx(3.0)
    assert estimate_cost("my-tuned-model", usage).usd == pytest.approx(12.0)
    assert prices()["my-tuned-model"].as_of == "2026-01"
    assert prices()["gemini-2.5-flash"].source == "set_prices"
    assert estimate_cost("gemini-2.0-flash", usage) is None
    assert estimate_cost("gemini-2.5-pro", usage) is not None  # the rest stays
    set_prices({"gemini-2.5-pro": {"input": 1}})  # replaces, not adds to, the overrides
    assert estimate_cost("gemini-2.5-flash", usage).usd == pytest.approx(0.30 + 2.50)
    assert estimate_cost("gemini-2.5-pro", usage) is None  # output has no price now
    set_prices(None)
    assert prices() == shipped_prices()


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ("cheap", "dict of model name"),
        ({"m": 0.3}, "a dict such as"),
        ({"m": {"output": 1}}, "'input'"),
        ({"m": {"input": -1}}, "input must be USD per 1M >= 0"),
        ({"m": {"input": True}}, "input must be"),
        ({"m": {"input": 1, "ouput": 2}}, "unknown ['ouput']"),
        ({"m": {"tiers": []}}, "non-empty list"),
        ({"m": {"tiers": [{"input": 1}, {"input": 2}]}}, "larger 'up_to_prompt_tokens'"),
        (
            {"m": {"tiers": [{"input": 1, "up_to_prompt_tokens": 5}, {"input": 2}] * 2}},
            "larger 'up_to_prompt_tokens'",
        ),
        ({"m": {"input": 1, "up_to_prompt_tokens": 1.5}}, "a whole number of tokens"),
    ],
)
def test_a_table_that_cannot_be_read_says_what_to_fix(table, says):
    with pytest.raises(PricesError) as raised:
        set_prices(table)
    assert says in str(raised.value)
    assert prices() == shipped_prices()  # the table in use is left as it was
