"""Every request goes through the document limits, masking and body limit; what the
client sees in each case is the whole JSON response."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.app.conftest import ClientFactory
from tests.integration.app.seed import seed


async def post(client: AsyncTestClient[Litestar], query: str, **variables: Any) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def refusal(message: str, column: int, **extensions: Any) -> dict[str, Any]:
    """The whole response to a document refused by one of our validation rules."""
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 1, "column": column}],
                "extensions": extensions,
            }
        ],
    }


DEEP = "{ projects { nodes { contributors { nodes { contributor { displayName } } } } } }"
DEEP_BY_FRAGMENTS = (
    "{ projects { ...P } } "
    "fragment P on ProjectConnection { nodes { contributors { ...C } } } "
    "fragment C on ContributorStandingConnection "
    "{ nodes { ... on ContributorStanding { contributor { displayName } } } }"
)


async def test_a_query_deeper_than_the_limit_is_refused_however_written(
    make_client: ClientFactory,
) -> None:
    async with make_client(COMMONS_GRAPHQL_MAX_DEPTH="4") as client:
        for query in (DEEP, DEEP_BY_FRAGMENTS):
            assert await post(client, query) == refusal(
                "Query depth 5 exceeds the limit of 4.", 1, code="QUERY_TOO_DEEP", depth=5
            )
    async with make_client(COMMONS_GRAPHQL_MAX_DEPTH="5") as client:
        for query in (DEEP, DEEP_BY_FRAGMENTS):
            assert await post(client, query) == {"data": {"projects": {"nodes": []}}}


async def test_too_many_aliases_are_refused_counting_each_use_of_a_fragment(
    make_client: ClientFactory,
) -> None:
    async with make_client(COMMONS_GRAPHQL_MAX_ALIASES="3") as client:
        three = "{ a: __typename b: __typename c: __typename }"
        assert await post(client, three) == {"data": {"a": "Query", "b": "Query", "c": "Query"}}
        four = "{ ...F ...F } fragment F on Query { a: __typename b: __typename }"
        assert await post(client, four) == refusal(
            "Query aliases 4 exceeds the limit of 3.", 1, code="TOO_MANY_ALIASES", aliases=4
        )


async def test_a_document_with_too_many_tokens_is_refused(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_GRAPHQL_MAX_TOKENS="10") as client:
        assert await post(client, "{ a: __typename b: __typename }") == {
            "data": {"a": "Query", "b": "Query"}
        }
        long = "{ a: __typename b: __typename c: __typename }"
        assert await post(client, long) == {
            "data": None,
            "errors": [
                {
                    "message": "Syntax Error: Document contains more than 10 tokens. "
                    "Parsing aborted.",
                    "locations": [{"line": 1, "column": 45}],
                }
            ],
        }


async def test_a_query_costlier_than_the_limit_is_refused_however_written(
    make_client: ClientFactory,
) -> None:
    # projects(first: 50) { nodes { slug name } } = 1 + 50 * (1 + 2) = 151.
    inline = "{ projects(first: 50) { nodes { slug name } } }"
    named = (
        "{ projects(first: 50) { ...P } } fragment P on ProjectConnection { nodes { slug name } }"
    )
    typed = "{ projects(first: 50) { ... on ProjectConnection { nodes { ... on Project { slug name } } } } }"
    by_variable = "query($n: Int) { projects(first: $n) { nodes { slug name } } }"
    async with make_client(COMMONS_GRAPHQL_MAX_COST="150") as client:
        for query in (inline, named, typed):
            assert await post(client, query) == refusal(
                "Query cost 151 exceeds the limit of 150.", 1, code="QUERY_TOO_COSTLY", cost=151
            )
        # A variable counts as the largest page whatever its value.
        assert await post(client, by_variable, n=1) == refusal(
            "Query cost 301 exceeds the limit of 150.", 1, code="QUERY_TOO_COSTLY", cost=301
        )
    async with make_client(COMMONS_GRAPHQL_MAX_COST="151") as client:
        for query in (inline, named, typed):
            assert await post(client, query) == {"data": {"projects": {"nodes": []}}}


async def test_a_fragment_bomb_is_measured_once_per_fragment_and_refused(
    make_client: ClientFactory,
) -> None:
    chain = " ".join(f"fragment A{i} on Query {{ ...A{i + 1} ...A{i + 1} }}" for i in range(40))
    bomb = f"{{ ...A0 }} {chain} fragment A40 on Query {{ __typename }}"
    async with make_client() as client:
        assert await post(client, bomb) == refusal(
            f"Query cost {2**40} exceeds the limit of 25000.",
            1,
            code="QUERY_TOO_COSTLY",
            cost=2**40,
        )


async def test_too_many_directives_are_refused(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_GRAPHQL_MAX_DIRECTIVES="2") as client:
        two = "{ a: __typename @include(if: true) b: __typename @skip(if: true) }"
        assert await post(client, two) == {"data": {"a": "Query"}}
        three = "{ a: __typename @include(if: true) b: __typename @skip(if: true) c: __typename @skip(if: false) }"
        assert await post(client, three) == refusal(
            "More than 2 directives in one document.", 80, code="TOO_MANY_DIRECTIVES"
        )


TYPO = "{ projectz { totalCount } }"


@pytest.mark.parametrize("environment", ["test", "production"])
async def test_field_suggestions_are_off_outside_development(
    make_client: ClientFactory, environment: str
) -> None:
    async with make_client(COMMONS_ENV=environment) as client:
        assert await post(client, TYPO) == {
            "data": None,
            "errors": [
                {
                    "message": "Cannot query field 'projectz' on type 'Query'.",
                    "locations": [{"line": 1, "column": 3}],
                }
            ],
        }


async def test_field_suggestions_are_on_in_development(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_ENV="development") as client:
        assert await post(client, TYPO) == {
            "data": None,
            "errors": [
                {
                    "message": "Cannot query field 'projectz' on type 'Query'. "
                    "Did you mean 'project' or 'projects'?",
                    "locations": [{"line": 1, "column": 3}],
                }
            ],
        }


async def test_introspection_can_be_switched_off(make_client: ClientFactory) -> None:
    query = "{ __schema { queryType { name } } }"
    async with make_client(COMMONS_GRAPHQL_INTROSPECTION="false") as client:
        assert await post(client, query) == {
            "data": None,
            "errors": [
                {
                    "message": "GraphQL introspection has been disabled, but the requested "
                    "query contained the field '__schema'.",
                    "locations": [{"line": 1, "column": 3}],
                },
                {
                    "message": "GraphQL introspection has been disabled, but the requested "
                    "query contained the field 'queryType'.",
                    "locations": [{"line": 1, "column": 14}],
                },
            ],
        }
        assert await post(client, "{ __typename }") == {"data": {"__typename": "Query"}}
    async with make_client(COMMONS_GRAPHQL_INTROSPECTION="true") as client:
        assert await post(client, query) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


class Collect(logging.Handler):
    """Keeps the records of one logger (the app's logging set-up replaces root handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_an_unexpected_error_is_masked_and_logged_with_its_id(
    make_client: ClientFactory, pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux")
    # A schema the code does not expect: the rollup table has gone.
    await pool.execute("ALTER TABLE project_stats RENAME TO project_stats_gone")
    query = '{ project(slug: "linux") { slug totals { contributions } } }'
    logger = logging.getLogger("commons.graphql")
    collect = Collect()
    async with make_client() as client:
        logger.addHandler(collect)
        try:
            body = await post(client, query)
        finally:
            logger.removeHandler(collect)
    error_id = body["errors"][0]["extensions"]["errorId"]
    assert re.fullmatch("[0-9a-f]{32}", error_id)
    assert body == {
        "data": {"project": None},
        "errors": [
            {
                "message": f"Unexpected error (id {error_id}).",
                "locations": [{"line": 1, "column": 33}],
                "path": ["project", "totals"],
                "extensions": {"code": "INTERNAL", "errorId": error_id},
            }
        ],
    }
    (record,) = collect.records
    assert record.getMessage() == f"unexpected GraphQL error {error_id}"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], asyncpg.UndefinedTableError)
    assert "project_stats" in str(record.exc_info[1])


async def test_typed_errors_stay_readable(make_client: ClientFactory, pool: asyncpg.Pool) -> None:
    await seed(pool, "linux")
    async with make_client() as client:
        assert await post(
            client, '{ project(slug: "linux") { contributions(first: 0) { totalCount } } }'
        ) == {
            "data": {"project": None},
            "errors": [
                {
                    "message": "first must be between 1 and 100",
                    "locations": [{"line": 1, "column": 28}],
                    "path": ["project", "contributions"],
                    "extensions": {"code": "invalid_input"},
                }
            ],
        }
        assert await post(
            client, '{ project(slug: "linux") { contributions(after: "!!") { totalCount } } }'
        ) == {
            "data": {"project": None},
            "errors": [
                {
                    "message": "malformed cursor",
                    "locations": [{"line": 1, "column": 28}],
                    "path": ["project", "contributions"],
                    "extensions": {"code": "invalid_input"},
                }
            ],
        }
        assert await post(client, "{ node(id: 5) { id } }") == {
            "data": {"node": None},
            "errors": [
                {
                    "message": "malformed global id",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["node"],
                    "extensions": {"code": "invalid_input"},
                }
            ],
        }


async def test_a_body_over_the_limit_gets_413(make_client: ClientFactory) -> None:
    padding = " " * 3000
    async with make_client(COMMONS_MAX_BODY="2048") as client:
        small = await client.post("/graphql", json={"query": "{ __typename }"})
        assert (small.status_code, small.json()) == (200, {"data": {"__typename": "Query"}})
        for path in ("/graphql", "/graphql/persisted/ProjectOverview"):
            response = await client.post(
                path, json={"query": f"{{ __typename {padding} }}", "variables": {}}
            )
            assert (response.status_code, response.json()) == (
                413,
                {"status_code": 413, "detail": "Request Entity Too Large"},
            ), path


async def test_graphiql_is_served_only_in_development(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_ENV="development") as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()
    for environment in ("test", "production"):
        async with make_client(COMMONS_ENV=environment) as client:
            page = await client.get("/graphql", headers={"accept": "text/html"})
            assert (page.status_code, page.text) == (404, "Not Found")
