"""User options become GenerateContentConfig through one validated path."""

from __future__ import annotations

import typing

import pydantic
import pytest
from google.genai import types

from gemini_widgets.settings import SETTINGS, SettingsError, build_config


def test_short_names_map_onto_config_fields():
    config = build_config(
        temperature=0.2,
        top_p=0.9,
        top_k=20,
        max_output_tokens=100,
        system="be brief",
        seed=3,
        stop=["END"],
        candidates=2,
        thinking_budget=0,
        show_thoughts=True,
    )
    assert config.temperature == 0.2
    assert config.top_p == 0.9
    assert config.top_k == 20
    assert config.max_output_tokens == 100
    assert config.system_instruction == "be brief"
    assert config.seed == 3
    assert config.stop_sequences == ["END"]
    assert config.candidate_count == 2
    assert config.thinking_config == types.ThinkingConfig(thinking_budget=0, include_thoughts=True)


def test_none_values_are_ignored_and_base_is_kept():
    base = types.GenerateContentConfig(temperature=0.5, seed=1)
    config = build_config(base, temperature=None, top_k=4)
    assert (config.temperature, config.seed, config.top_k) == (0.5, 1, 4)


def test_schema_implies_json():
    class Item(pydantic.BaseModel):
        name: str

    config = build_config(schema=Item)
    assert config.response_mime_type == "application/json"
    assert config.response_schema is Item


def test_any_config_field_passes_through_by_its_own_name():
    config = build_config(presence_penalty=0.5, response_modalities=["TEXT"])
    assert config.presence_penalty == 0.5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": 7}, "temperature must be between 0 and 2, got 7.0."),
        ({"top_p": 1.5}, "top_p must be between 0 and 1, got 1.5."),
        ({"top_k": 0}, "top_k must be at least 1, got 0."),
        ({"max_output_tokens": 0}, "max_output_tokens must be at least 1, got 0."),
        ({"candidates": 9}, "candidates must be between 1 and 8, got 9."),
        ({"thinking_budget": -5}, "thinking_budget must be -1 (dynamic), 0 (off) or a positive"),
        ({"seed": "x"}, "seed must be an integer, got str 'x'."),
        ({"stop": ["a", "b", "c", "d", "e", "f"]}, "stop takes at most 5 sequences, got 6."),
        ({"temprature": 1}, "Unknown setting 'temprature'; did you mean 'temperature'?"),
    ],
)
def test_bad_values_get_one_sentence(options, message):
    with pytest.raises(SettingsError) as caught:
        build_config(**options)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_every_setting_has_help():
    assert all(s.help for s in SETTINGS.values())


def test_every_setting_sets_a_real_config_field():
    for setting in SETTINGS.values():
        model = types.GenerateContentConfig
        *parents, leaf = setting.config_field.split(".")
        for part in parents:
            annotation = model.model_fields[part].annotation
            model = next(
                t for t in typing.get_args(annotation) if issubclass(t, pydantic.BaseModel)
            )
        assert leaf in model.model_fields, setting.name


def test_a_nested_setting_keeps_what_the_config_already_holds_there():
    base = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    assert build_config(base, thinking_budget=0).thinking_config == types.ThinkingConfig(
        include_thoughts=True, thinking_budget=0
    )
    given = build_config(
        thinking_config=types.ThinkingConfig(thinking_budget=64), show_thoughts=True
    )
    assert given.thinking_config == types.ThinkingConfig(thinking_budget=64, include_thoughts=True)
