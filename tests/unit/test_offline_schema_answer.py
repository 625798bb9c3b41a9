"""JSON answers for structured output: valid against the schema exactly as the SDK sends it."""

from __future__ import annotations

import datetime
import enum
import json
import random
import typing
from typing import Any, Literal

import pydantic
import pytest
from google.genai import _transformers, types
from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_widgets.offline.schema_answer import answer_for_schema

jsonschema = pytest.importorskip("jsonschema")


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Address(pydantic.BaseModel):
    street: str
    city: str
    postcode: int | None = None


class Person(pydantic.BaseModel):
    name: str
    age: int
    email: str
    favourite: Colour
    address: Address
    previous_address: Address | None = None
    nicknames: list[str]
    born: datetime.date
    joined_at: datetime.datetime
    role: Literal["admin", "editor", "viewer"]
    active: bool
    rating: float = pydantic.Field(ge=0, le=5)


class Recipe(pydantic.BaseModel):
    recipe_name: str
    ingredients: list[str]
    minutes: int
    vegetarian: bool


class Node(pydantic.BaseModel):
    name: str
    children: list[Node] = []


class Inventory(pydantic.BaseModel):
    counts: dict[str, int]
    labels: dict[str, str] = {}


class Constrained(pydantic.BaseModel):
    code: str = pydantic.Field(min_length=3, max_length=5)
    tags: list[str] = pydantic.Field(min_length=2, max_length=3)
    percent: int = pydantic.Field(ge=10, le=20)
    fixed: Literal["v1"]


class Exclusive(pydantic.BaseModel):
    """Exclusive bounds: JSON Schema only (the SDK's Gemini Schema has no field for them)."""

    ratio: float = pydantic.Field(gt=0, lt=1)
    level: int = pydantic.Field(gt=3, lt=5)


# What callers pass as response_schema (all that google-genai turns into a Gemini Schema).
RESPONSE_SCHEMA_ORIGINS: list[Any] = [
    Person,
    list[Person],
    Recipe,
    list[Recipe],
    Node,
    Constrained,
    Colour,
    list[Colour],
    typing.Optional[int],  # noqa: UP045 - the SDK is handed exactly this spelling
    int | str,
    list[int],
    float,
    bool,
    str,
]

JSON_SCHEMA_MODELS: list[type[pydantic.BaseModel]] = [
    Person,
    Recipe,
    Node,
    Inventory,
    Constrained,
    Exclusive,
]


def as_sent_response_schema(origin: Any) -> types.Schema | None:
    """``response_schema=origin`` through the SDK's transformer, the wire, and back."""
    schema = _transformers.t_schema(None, origin)
    assert schema is not None
    wire = {"responseSchema": schema.model_dump(mode="json", by_alias=True, exclude_none=True)}
    return types.GenerationConfig.model_validate(wire).response_schema


def as_sent_json_schema(model: type[pydantic.BaseModel]) -> Any:
    """``response_json_schema=Model.model_json_schema()`` as the server parses it."""
    wire = json.loads(json.dumps({"responseJsonSchema": model.model_json_schema()}))
    return types.GenerationConfig.model_validate(wire).response_json_schema


def roundtrip(value: Any) -> Any:
    """What the client receives: the answer is sent as JSON text."""
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("origin", RESPONSE_SCHEMA_ORIGINS, ids=repr)
@pytest.mark.parametrize("seed", range(8))
def test_answer_validates_against_response_schema_the_sdk_sends(origin: Any, seed: int) -> None:
    schema = as_sent_response_schema(origin)
    answer = roundtrip(answer_for_schema(schema, random.Random(seed), "people in a book club"))
    pydantic.TypeAdapter(origin).validate_python(answer)


@pytest.mark.parametrize("model", JSON_SCHEMA_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("seed", range(8))
def test_answer_validates_against_pydantic_json_schema(
    model: type[pydantic.BaseModel], seed: int
) -> None:
    schema = as_sent_json_schema(model)
    answer = roundtrip(answer_for_schema(schema, random.Random(seed), "a weekend hiking trip"))
    jsonschema.validate(answer, model.model_json_schema())
    model.model_validate(answer)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": ["string", "null"]},
        {"type": "integer", "minimum": 100, "maximum": 105},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5},
        {"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 50},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "email"},
        {"type": "string", "format": "uuid"},
        {"type": "string", "enum": ["north", "south"]},
        {"enum": [1, 2, 3]},
        {"const": "fixed"},
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
        {"type": "array", "items": {"type": "integer"}, "minItems": 6, "maxItems": 6},
        {"type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": True},
        {"type": "object", "additionalProperties": {"type": "number"}, "minProperties": 3},
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        {
            "allOf": [
                {"properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "integer"}}, "required": ["b"]},
            ]
        },
        {"oneOf": [{"type": "boolean"}, {"type": "null"}]},
        {
            "anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}],
            "$defs": {
                "Point": {
                    "type": "object",
                    "properties": {"x": {"type": "number"}},
                    "required": ["x"],
                }
            },
        },
        {
            "type": "object",
            "properties": {"when": {"type": "string", "format": "date"}},
            "required": ["when"],
            "title": "Event",
            "propertyOrdering": ["when"],
        },
        {},
    ],
    ids=lambda s: json.dumps(s)[:60],
)
def test_answer_validates_against_hand_written_json_schema(schema: dict[str, Any]) -> None:
    for seed in range(10):
        answer = roundtrip(answer_for_schema(schema, random.Random(seed), "tidal energy"))
        jsonschema.validate(answer, schema, format_checker=jsonschema.FormatChecker())


def test_gemini_schema_built_by_hand_is_honoured() -> None:
    schema = types.Schema(
        type=types.Type.OBJECT,
        properties={
            "scores": types.Schema(
                type=types.Type.ARRAY,
                items=types.Schema(type=types.Type.INTEGER, minimum=1, maximum=5),
                min_items=4,
                max_items=4,
            ),
            "label": types.Schema(type=types.Type.STRING, enum=["good", "bad"], format="enum"),
            "note": types.Schema(type=types.Type.STRING, nullable=True),
        },
        required=["scores", "label"],
        property_ordering=["label", "scores", "note"],
    )
    answer = answer_for_schema(schema, random.Random(3), "movie reviews")
    assert list(answer) == ["label", "scores", "note"]
    assert len(answer["scores"]) == 4 and all(1 <= s <= 5 for s in answer["scores"])
    assert answer["label"] in ("good", "bad")
    jsonschema.validate(
        answer, schema.json_schema.model_dump(mode="json", by_alias=True, exclude_none=True)
    )


def test_list_length_follows_the_number_in_the_prompt() -> None:
    schema = as_sent_response_schema(list[Recipe])
    answer = answer_for_schema(schema, random.Random(1), "List 3 popular cookie recipes")
    assert len(answer) == 3


def test_strings_use_the_prompt_words() -> None:
    schema = as_sent_response_schema(list[Recipe])
    answer = answer_for_schema(schema, random.Random(1), "List 4 popular cookie recipes")
    text = json.dumps(answer).lower()
    assert "cookie" in text


def test_field_names_steer_values_to_plausible_ones() -> None:
    for seed in range(20):
        person = Person.model_validate(
            answer_for_schema(as_sent_response_schema(Person), random.Random(seed), "a club")
        )
        assert 18 <= person.age <= 75
        assert person.email.endswith("@example.com")
        assert len(person.name.split()) == 2  # a person's name, not a phrase from the prompt


def test_same_seed_same_answer_other_seed_other_answer() -> None:
    schema = as_sent_json_schema(Person)
    first = answer_for_schema(schema, random.Random(5), "team members")
    assert answer_for_schema(schema, random.Random(5), "team members") == first
    others = {json.dumps(answer_for_schema(schema, random.Random(s), "team")) for s in range(6)}
    assert len(others) == 6


def test_no_schema_gives_an_object_about_the_prompt() -> None:
    answer = answer_for_schema(None, random.Random(1), "Summarize the benefits of green tea")
    assert answer["topic"] == "benefits of green tea"
    assert "green tea" in json.dumps(answer)
    json.dumps(answer)


# -- generated schemas -------------------------------------------------------------------------

_LEAVES = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer"},
        {"type": "number", "minimum": -3, "maximum": 3},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "string", "enum": ["x", "y"]},
        {"type": ["integer", "null"]},
        {"type": "string", "format": "date"},
        {"type": "string", "maxLength": 4},
    ]
)
_NAMES = st.sampled_from(["name", "age", "title", "tags", "email", "price", "items", "x"])


def _json_schemas() -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.dictionaries(_NAMES, children, max_size=4).flatmap(
            lambda props: st.builds(
                lambda required: {"type": "object", "properties": props, "required": required},
                st.lists(st.sampled_from(sorted(props) or ["name"]), unique=True).map(
                    lambda names: [n for n in names if n in props]
                ),
            )
        )
        arrays = st.builds(
            lambda items, low, extra: {
                "type": "array", "items": items, "minItems": low, "maxItems": low + extra,
            },
            children, st.integers(0, 3), st.integers(0, 3),
        )  # fmt: skip
        unions = st.lists(children, min_size=1, max_size=3).map(lambda xs: {"anyOf": xs})
        return objects | arrays | unions

    return st.recursive(_LEAVES, extend, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(schema=_json_schemas(), seed=st.integers(0, 2**32), prompt=st.text(max_size=40))
def test_any_generated_json_schema_is_satisfied(
    schema: dict[str, Any], seed: int, prompt: str
) -> None:
    answer = roundtrip(answer_for_schema(schema, random.Random(seed), prompt))
    jsonschema.validate(answer, schema)


def _to_gemini(schema: dict[str, Any]) -> dict[str, Any]:
    """The Gemini spelling of a generated JSON schema: upper-case types, nullable, snake_case."""
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if isinstance(kind, list):
        out["nullable"] = "null" in kind
        kind = next(k for k in kind if k != "null")
    if kind == "null":
        return {"type": "STRING", "nullable": True}
    if kind:
        out["type"] = kind.upper()
    for key, value in schema.items():
        if key == "properties":
            out[key] = {k: _to_gemini(v) for k, v in value.items()}
        elif key == "items":
            out[key] = _to_gemini(value)
        elif key == "anyOf":
            out["any_of"] = [_to_gemini(v) for v in value]
        elif key in ("minItems", "maxItems", "maxLength"):
            out[{"minItems": "min_items", "maxItems": "max_items"}.get(key, "max_length")] = value
        elif key not in ("type",):
            out[key] = value
    return out


@settings(max_examples=200, deadline=None)
@given(schema=_json_schemas(), seed=st.integers(0, 2**32))
def test_any_generated_gemini_schema_is_satisfied(schema: dict[str, Any], seed: int) -> None:
    gemini = types.Schema.model_validate(_to_gemini(schema))
    answer = roundtrip(answer_for_schema(gemini, random.Random(seed), "solar panels"))
    jsonschema.validate(
        answer, gemini.json_schema.model_dump(mode="json", by_alias=True, exclude_none=True)
    )
