"""Input the fuzzer found crashing resolvers now gets a readable, typed error."""

from __future__ import annotations

import base64
import json
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import GraphQL
from tests.integration.app.seed import seed


def cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def invalid(field: str, message: str, column: int, data: Any = None) -> dict[str, Any]:
    return {
        "data": data,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 1, "column": column}],
                "path": field.split("."),
                "extensions": {"code": "invalid_input"},
            }
        ],
    }


FORGED_CURSORS = {
    "projects": [cursor("x"), cursor(1e30), cursor(2**70), cursor(True), cursor(None), cursor([1])],
    "contributions": [
        cursor("yesterday", 1),
        cursor("2024-01-01T00:00:00", 1),
        cursor("2024-01-01T00:00:00+00:00", "1"),
        cursor("2024-01-01T00:00:00+00:00", 2**64),
    ],
    "contributors": [cursor("NaN", 1), cursor(5, 1), cursor("1.5", 1.5)],
    "journal.events": [cursor("1"), cursor(-(2**63) - 1)],
}


async def test_a_forged_cursor_is_malformed_on_every_connection(
    gql: GraphQL, pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux")
    root = "query($after: String) { projects(after: $after) { totalCount } }"
    for after in FORGED_CURSORS["projects"]:
        assert await gql(root, {"after": after}) == invalid("projects", "malformed cursor", 25)
    for field in ("contributions", "contributors", "journal.events"):
        selection = (
            field.replace(".", " { ") + "(after: $after) { totalCount }" + " }" * field.count(".")
        )
        query = f'query($after: String) {{ project(slug: "linux") {{ {selection} }} }}'
        column = query.index(field.split(".")[-1] + "(") + 1
        for after in FORGED_CURSORS[field]:
            assert await gql(query, {"after": after}) == invalid(
                f"project.{field}", "malformed cursor", column, {"project": None}
            ), (field, after)


async def test_a_contributor_number_that_is_not_ascii_digits_in_range_is_refused(
    gql: GraphQL,
) -> None:
    query = "query($id: ID!) { contributor(id: $id) { number } }"
    for contributor in ("\u00b2", "99999999999999999999999", "\u0663"):
        assert await gql(query, {"id": contributor}) == invalid(
            "contributor", "malformed global id", 19, {"contributor": None}
        )


async def test_text_with_a_nul_character_is_refused_as_a_value(gql: GraphQL) -> None:
    query = "query($slug: String!) { project(slug: $slug) { name } }"
    assert await gql(query, {"slug": "li\u0000nux"}) == invalid(
        "project",
        'value not accepted: invalid byte sequence for encoding "UTF8": 0x00',
        25,
        {"project": None},
    )


async def test_variables_that_do_not_coerce_stay_readable(gql: GraphQL) -> None:
    query = 'query($n: Int, $since: DateTime) { projects(first: $n) { totalCount } project(slug: "x") { contributions(filter: {since: $since}) { totalCount } } }'
    assert await gql(query, {"n": 2**40, "since": "soon"}) == {
        "data": None,
        "errors": [
            {
                "message": "Variable '$n' has invalid value: Int cannot represent non "
                "32-bit signed integer value: 1099511627776",
                "locations": [{"line": 1, "column": 7}],
            },
            {
                "message": "Variable '$since' has invalid value: Value cannot represent a "
                "DateTime: \"soon\". Expected 4 digits, got 'soon'",
                "locations": [{"line": 1, "column": 16}],
            },
        ],
    }


RECORD = """
mutation($metadata: JSON) {
  recordContribution(input: {project: "linux", contributor: CONTRIBUTOR, kind: "code",
      occurredAt: "2024-05-01T00:00:00Z", idempotencyKey: "k1", metadata: $metadata}) {
    __typename
    ... on ValidationError { message field }
  }
}
"""


async def test_deeply_nested_metadata_is_a_validation_error(
    gql: GraphQL, pool: asyncpg.Pool, admin_token: str
) -> None:
    seeded = await seed(pool, "linux")
    nested: Any = {}
    for _ in range(200):
        nested = {"a": nested}
    query = RECORD.replace("CONTRIBUTOR", str(seeded.contributors[0]))
    assert await gql(query, {"metadata": nested}, admin_token) == {
        "data": {
            "recordContribution": {
                "__typename": "ValidationError",
                "message": "metadata nests deeper than 32",
                "field": "metadata",
            }
        }
    }


async def test_a_body_that_is_not_utf8_json_is_a_400(
    client: AsyncTestClient[Litestar],
) -> None:
    for body in (b"\x00" * 9, b"\xff\xfe\x00", b'{"query": "\xc3"}'):
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.text) == (
            400,
            "Unable to parse request body as JSON",
        ), body


async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: AsyncTestClient[Litestar],
) -> None:
    for body in (b"null", b"5", b'"query"', b"true"):
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.text) == (
            400,
            "The request body must be a JSON object.",
        ), body


async def test_a_body_nested_beyond_the_parser_is_a_400(
    client: AsyncTestClient[Litestar],
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = f'{{"query": "{{ __typename }}", "variables": {{"a": {deep}}}}}'.encode()
    for path, detail in (
        ("/graphql", "Unable to parse request body as JSON"),
        ("/graphql/persisted/ProjectOverview", '{"status_code":400,"detail":"body must be JSON"}'),
    ):
        response = await client.post(
            path, content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.text) == (400, detail), path
