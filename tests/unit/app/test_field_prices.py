"""Fields whose work grows with the data are priced in the query limit however a
document reaches them, the price table names fields that exist, every unpaged list of
objects is priced or bounded, and the dashboards' operations still fit the limit."""

from __future__ import annotations

import pytest

from app.field_prices import BOUNDED, HISTORY, ITEM, PRICES
from app.gql.limits import ShapeMeter, shape_limit
from app.persisted.catalogue import load_operations
from app.schema import build_schema
from app.settings import Settings
from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    OperationDefinitionNode,
    TypeInfo,
    ValidationContext,
    get_named_type,
    parse,
    validate,
)

SCHEMA = build_schema(Settings.from_env({}))._schema
DEFAULTS = Settings.from_env({})


def cost(source: str) -> int:
    document = parse(source)
    context = ValidationContext(SCHEMA, document, TypeInfo(SCHEMA), lambda _: None)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = SCHEMA.get_root_type(operation.operation)
    return ShapeMeter(context).measure(operation.selection_set, root).cost


def _fields() -> dict[str, object]:
    found = {}
    for name, kind in SCHEMA.type_map.items():
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType) and not name.startswith("__"):
            found.update({f"{name}.{field}": value.type for field, value in kind.fields.items()})
    return found


def test_every_price_and_bound_names_a_field_of_the_schema() -> None:
    fields = _fields()
    assert sorted(set(PRICES) - fields.keys()) == []
    assert sorted(BOUNDED - fields.keys()) == []


def test_every_unpaged_list_of_objects_is_priced_by_its_size_or_bounded() -> None:
    unpriced = []
    for key, kind in _fields().items():
        while isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        owner, _, field = key.partition(".")
        paged = owner.endswith("Connection") and field in ("edges", "nodes")
        objects = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
        if isinstance(kind, GraphQLList) and isinstance(get_named_type(kind), objects):
            if not paged and key not in BOUNDED and PRICES.get(key, None) is None:
                unpriced.append(key)
            elif key in PRICES:
                assert PRICES[key].size > 1, key
    assert unpriced == []


COUNTED = '{ project(slug: "x") { contributions(first: 5) { totalCount } } }'
PAGE_ONLY = '{ project(slug: "x") { contributions(first: 5) { nodes { kind } } } }'


@pytest.mark.parametrize(
    "source",
    [
        COUNTED,
        '{ project(slug: "x") { contributions(first: 5) { ...C } } } '
        "fragment C on ContributionConnection { totalCount }",
        '{ project(slug: "x") { contributions(first: 5) { ... on ContributionConnection '
        "{ totalCount } } } }",
        '{ ...Q } fragment Q on Query { project(slug: "x") { contributions(first: 5) '
        "{ totalCount } } }",
        '{ node(id: "x") { ... on Project { contributions(first: 5) { totalCount } } } }',
    ],
)
def test_a_count_over_the_history_is_priced_however_written(source: str) -> None:
    # project 1 + contributions 1 + totalCount (1 + HISTORY), once: a page does not repeat it
    assert cost(source) == 1 + 1 + 1 + HISTORY


def test_a_page_without_its_count_costs_its_page() -> None:
    assert cost(PAGE_ONLY) == 1 + 1 + 5 * (1 + 1)


def test_a_page_multiplies_its_nodes_not_what_the_connection_answers_once() -> None:
    source = (
        '{ project(slug: "x") { journal { events(first: 10) '
        "{ totalCount pageInfo { hasNextPage } nodes { seq hash } } } } }"
    )
    # project 1 + journal 1 + events (1 + totalCount 1 + pageInfo 2 + 10 * (nodes 1 + 2))
    assert cost(source) == 1 + 1 + 1 + 1 + 2 + 10 * 3


def test_an_unpaged_list_counts_as_a_default_page_and_an_item_scan_is_light() -> None:
    assert cost('{ sponsors(project: "x") { number sponsorships { number } } }') == (
        1 + 20 * (1 + 1 + 20 * 1)
    )
    assert cost('{ proposal(project: "x", number: 1) { tally { turnout } } }') == (1 + 1 + ITEM + 1)


def test_the_public_checks_cost_as_ordinary_fields() -> None:
    source = (
        '{ project(slug: "x") { journal { verify { ok checked } } '
        "treasury { integrity { ok transactions } } } }"
    )
    assert cost(source) == 1 + (1 + (1 + 2)) + (1 + (1 + 2))


def test_thirty_aliased_counts_are_refused_at_the_default_limit() -> None:
    aliased = " ".join(
        f'p{i}: project(slug: "x") {{ contributions(first: 1) {{ totalCount }} }}'
        for i in range(30)
    )
    errors = validate(
        SCHEMA,
        parse(f"{{ {aliased} }}"),
        [shape_limit(DEFAULTS.max_depth, DEFAULTS.max_aliases, DEFAULTS.max_cost)],
    )
    assert [e.extensions for e in errors] == [
        {"code": "QUERY_TOO_COSTLY", "cost": 30 * (1 + 1 + 1 + HISTORY)}
    ]


def test_ten_counts_fit_the_default_limit_and_eleven_do_not() -> None:
    one = '{ project(slug: "x") { contributions(first: 1) { totalCount } } }'
    assert 10 * cost(one) <= DEFAULTS.max_cost < 11 * cost(one)


@pytest.mark.parametrize("name", sorted(load_operations()))
def test_every_persisted_operation_fits_the_default_limit(name: str) -> None:
    rule = shape_limit(DEFAULTS.max_depth, DEFAULTS.max_aliases, DEFAULTS.max_cost)
    errors: list[GraphQLError] = validate(SCHEMA, parse(load_operations()[name]), [rule])
    assert errors == []
