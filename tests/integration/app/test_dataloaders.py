"""DataLoaders keep the number of SQL statements of a page independent of its size."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest

from app import database
from app.context import context_for
from app.runtime import Runtime
from ledger.kernel.principal import ANONYMOUS
from tests.integration.app.seed import seed

CONTRIBUTIONS = """
query($first: Int!) {
  project(slug: "linux") {
    contributions(first: $first) {
      totalCount
      nodes { kind occurredAt contributor { displayName isBot identities { login source } } }
    }
  }
}
"""
CONTRIBUTORS = """
query($first: Int!) {
  project(slug: "linux") {
    contributors(first: $first) {
      totalCount
      nodes { credit contributor { displayName isBot identities { login source } } }
    }
  }
}
"""


RESET = "SELECT pg_advisory_unlock_all"


@pytest.fixture
async def counted(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool, list[str]]]:
    """A pool like the app's whose connections record every statement they run."""
    statements: list[str] = []

    async def init(conn: asyncpg.Connection) -> None:
        await database._init_connection(conn)
        conn.add_query_logger(lambda logged: statements.append(logged.query))

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, init=init)
    try:
        yield pool, statements
    finally:
        await pool.close()


@pytest.mark.parametrize(
    ("query", "field"), [(CONTRIBUTIONS, "contributions"), (CONTRIBUTORS, "contributors")]
)
async def test_a_page_with_people_runs_the_same_few_statements_at_any_size(
    query: str,
    field: str,
    runtime: Runtime,
    pool: asyncpg.Pool,
    counted: tuple[asyncpg.Pool, list[str]],
) -> None:
    await seed(pool, "linux", people_count=120, contributions=240)
    counting_pool, statements = counted
    app_runtime = dataclasses.replace(runtime, pool=counting_pool)

    async def run(first: int) -> list[str]:
        statements.clear()
        result = await runtime.schema.execute(
            query,
            variable_values={"first": first},
            context_value=context_for(app_runtime, ANONYMOUS),
        )
        assert result.errors is None
        assert result.data is not None
        nodes = result.data["project"][field]["nodes"]
        assert len(nodes) == first
        assert all(n["contributor"]["identities"] for n in nodes)
        # The pool's own reset on release is not a statement of the query.
        return [s for s in statements if not s.startswith(RESET)]

    await run(10)  # warm the connections' type caches
    small, large = await run(10), await run(100)
    # project, page, total, contributors (one batch), identities (one batch)
    assert len(small) == len(large) == 5, large
    assert sorted(small) == sorted(large)
    assert sum("any($1::bigint[])" in s for s in large) == 2


UNCOUNTED = """
query($first: Int!) {
  project(slug: "linux") {
    contributions(first: $first) { ...Page }
  }
}
fragment Page on ContributionConnection {
  nodes { kind contributor { displayName } }
  ... on ContributionConnection { pageInfo { hasNextPage } }
}
"""


async def test_the_count_runs_only_when_total_count_is_selected(
    runtime: Runtime, pool: asyncpg.Pool, counted: tuple[asyncpg.Pool, list[str]]
) -> None:
    await seed(pool, "linux", people_count=3, contributions=30)
    counting_pool, statements = counted
    app_runtime = dataclasses.replace(runtime, pool=counting_pool)
    context = context_for(app_runtime, ANONYMOUS)
    result = await runtime.schema.execute(
        UNCOUNTED, variable_values={"first": 10}, context_value=context
    )
    assert result.errors is None
    assert result.data is not None
    page = result.data["project"]["contributions"]
    assert (len(page["nodes"]), page["pageInfo"]) == (10, {"hasNextPage": True})
    assert not [s for s in statements if "count(*)" in s]
    through_fragment = UNCOUNTED.replace("pageInfo { hasNextPage }", "totalCount")
    statements.clear()
    result = await runtime.schema.execute(
        through_fragment,
        variable_values={"first": 10},
        context_value=context_for(app_runtime, ANONYMOUS),
    )
    assert result.data is not None
    assert result.data["project"]["contributions"]["totalCount"] == 30
    assert len([s for s in statements if "count(*)" in s]) == 1
