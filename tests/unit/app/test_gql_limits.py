"""The document meter: depth, aliases and cost do not depend on how a document is
written, and nested fragments are measured in linear time."""

from __future__ import annotations

import pytest

from app.gql.limits import Shape, ShapeMeter, shape_limit
from app.schema import build_schema
from app.settings import Settings
from graphql import (
    GraphQLError,
    OperationDefinitionNode,
    TypeInfo,
    ValidationContext,
    parse,
    validate,
)

SCHEMA = build_schema(Settings.from_env({}))._schema


def shape(source: str) -> Shape:
    document = parse(source)
    errors: list[GraphQLError] = []
    context = ValidationContext(SCHEMA, document, TypeInfo(SCHEMA), errors.append)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return ShapeMeter(context).measure(operation.selection_set)


def measured(source: str) -> tuple[int, int, int]:
    found = shape(source)
    return found.depth, found.aliases, found.cost


@pytest.mark.parametrize(
    "source",
    [
        "{ projects { nodes { slug } } }",
        "{ projects { ...P } } fragment P on ProjectConnection { nodes { slug } }",
        "{ projects { ... on ProjectConnection { nodes { slug } } } }",
        "{ projects { ... { ...N } } } fragment N on ProjectConnection { nodes { ... on Project { slug } } }",
        "{ ...Q } fragment Q on Query { projects { nodes { slug } } }",
    ],
)
def test_a_connection_without_first_counts_as_a_default_page_however_written(source: str) -> None:
    # projects: 1 + 20 * (nodes: 1 + slug: 1)
    assert measured(source) == (2, 0, 41)


@pytest.mark.parametrize(
    ("argument", "cost"),
    [
        ("first: 5", 11),
        ("first: 100", 201),
        ("first: 100000", 201),
        ("first: -3", 3),
        ("first: $n", 201),
    ],
)
def test_first_multiplies_the_selection_and_a_variable_counts_as_the_largest_page(
    argument: str, cost: int
) -> None:
    source = f"query($n: Int) {{ projects({argument}) {{ edges {{ cursor }} }} }}"
    assert measured(source)[2] == cost


def test_nested_pages_multiply() -> None:
    source = "{ projects(first: 10) { nodes { contributors(first: 10) { nodes { credit } } } } }"
    # 1 + 10 * (nodes 1 + (contributors 1 + 10 * (nodes 1 + credit 1)))
    assert measured(source) == (4, 0, 1 + 10 * (1 + 1 + 10 * 2))


def test_aliases_count_each_use_of_a_fragment() -> None:
    source = "{ ...F x: __typename ...F } fragment F on Query { a: __typename b: projects { totalCount } }"
    assert measured(source) == (1, 5, 1 + 2 * (1 + 2))


def test_introspection_fields_do_not_add_depth() -> None:
    assert measured("{ __schema { types { fields { type { ofType { name } } } } } }")[0] == 0


def test_a_fragment_bomb_is_measured_without_expanding_it() -> None:
    chain = " ".join(f"fragment A{i} on Query {{ ...A{i + 1} ...A{i + 1} }}" for i in range(200))
    source = f"{{ ...A0 }} {chain} fragment A200 on Query {{ a: __typename }}"
    assert measured(source) == (0, 2**200, 2**200)


def test_unknown_and_cyclic_fragments_measure_as_empty() -> None:
    assert measured("{ ...Missing __typename }") == (0, 0, 1)
    cyclic = "{ ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A }"
    assert measured(cyclic) == (0, 0, 1)


def test_the_rule_reports_every_limit_exceeded() -> None:
    document = parse("{ a: projects(first: 3) { nodes { b: slug } } }")
    errors = validate(SCHEMA, document, [shape_limit(1, 1, 5)])
    assert [(e.message, e.extensions) for e in errors] == [
        ("Query depth 2 exceeds the limit of 1.", {"code": "QUERY_TOO_DEEP", "depth": 2}),
        ("Query aliases 2 exceeds the limit of 1.", {"code": "TOO_MANY_ALIASES", "aliases": 2}),
        ("Query cost 7 exceeds the limit of 5.", {"code": "QUERY_TOO_COSTLY", "cost": 7}),
    ]
