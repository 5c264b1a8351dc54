"""A document repeating one field beyond what validation can compare in time is refused
with the field's name, counted as the comparison counts (merged selections, fragments
once each), and ordinary documents are not."""

from __future__ import annotations

import pytest

from app.repeated_fields import BUDGET, repeat_limit
from app.schema import build_schema
from app.settings import Settings
from graphql import parse, validate

SCHEMA = build_schema(Settings.from_env({}))._schema
RULE = repeat_limit(max_depth=12, max_cost=25_000)


def refusal(source: str) -> list[tuple[str, object]]:
    return [(e.message, e.extensions) for e in validate(SCHEMA, parse(source), [RULE])]


def expected(field: str, times: int) -> list[tuple[str, object]]:
    return [
        (
            f"Query repeats the field {field!r} {times} times in one selection (counting the "
            "selections it merges with); ask for each field once.",
            {"code": "DUPLICATED_FIELDS", "field": field, "times": times},
        )
    ]


@pytest.mark.parametrize(
    ("source", "field", "times"),
    [
        ("{ " + "__typename " * 1000 + "}", "__typename", 1000),
        ('{ project(slug: "x") { ' + "name " * 150 + "} }", "name", 150),
        # fields below repeated fields are compared once merged: 40 x 40
        (
            '{ project(slug: "x") { ' + ("journal { " + "length " * 40 + "} ") * 40 + "} }",
            "length",
            1600,
        ),
        # a fragment defined first is refused before it is compared
        (
            "fragment F on Project { " + "slug " * 200 + '} { project(slug: "x") { ...F } }',
            "slug",
            200,
        ),
        ("{ " + "a: __typename " * 120 + "}", "a", 120),
    ],
)
def test_a_field_repeated_beyond_the_budget_is_refused_by_name(
    source: str, field: str, times: int
) -> None:
    assert refusal(source) == expected(field, times)


def test_ordinary_repeats_and_a_fragment_spread_twice_pass() -> None:
    assert BUDGET >= 100 * 100
    assert refusal("{ " + "__typename " * 100 + "}") == []
    twice = '{ project(slug: "x") { ...F ...F name } } fragment F on Project { name slug }'
    assert refusal(twice) == []


def test_a_document_over_the_cost_limit_is_left_to_the_shape_limit() -> None:
    rule = repeat_limit(max_depth=12, max_cost=10)
    assert validate(SCHEMA, parse("{ " + "__typename " * 200 + "}"), [rule]) == []
