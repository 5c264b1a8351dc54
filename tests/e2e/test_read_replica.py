"""Reads past one database, on a real streaming replica (``pg_basebackup`` of this test's
own server, streaming from it): public queries, proofs and reports read there; writes
and the reads of a mutation go to the primary; a client that just wrote gets what it
wrote by sending back the journal head it saw; ``/readyz`` shows the replica's lag;
the replica going away sends reads to the primary, and its coming back returns them."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.main import create_app
from app.runtime import Runtime
from tests.e2e.own_server import Server, Standby

CREATE = """
mutation($i: CreateProjectInput!) {
  createProject(input: $i) { ... on ProjectPayload { project { slug journal { length } } } }
}
"""
READ = "query($s: String!) { project(slug: $s) { name journal { length } } }"


# Folders of their own, outside pytest's: concurrent pytest runs prune each other's.
@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="commons-replica-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def server(folder: Path) -> Iterator[Server]:
    own = Server(folder / "pg")
    try:
        yield own
    finally:
        own.close()


@pytest.fixture
def standby(server: Server) -> Iterator[Standby]:
    # A short folder of its own: the replica's socket lives in it.
    replica = Standby(server, Path(tempfile.mkdtemp(prefix="commons-standby-")))
    try:
        yield replica
    finally:
        replica.close()


@pytest.fixture
async def client(
    server: Server, standby: Standby, folder: Path
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    await asyncio.to_thread(database.migrate, server.url)
    env = {
        "DATABASE_URL": server.url,
        "COMMONS_READ_DATABASE_URL": standby.url,
        "COMMONS_DATA_DIR": str(folder / "data"),
        "COMMONS_ENV": "test",
        "COMMONS_RUN_WORKER": "false",
        "COMMONS_HEAD_MAX_DELAY": "0.1",
    }
    async with AsyncTestClient(app=create_app(env)) as test_client:
        yield test_client


class Api:
    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client
        runtime: Runtime = client.app.state.runtime
        self.token = runtime.tokens.issue("admin", admin=True)

    async def graphql(self, query: str, variables: dict[str, Any], head: str = "") -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        if head:
            headers["Commons-Journal-Head"] = head
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def create(self, slug: str) -> str:
        body = await self.graphql(CREATE, {"i": {"slug": slug, "name": slug.upper()}})
        project = body["data"]["createProject"]["project"]
        return f"{project['slug']}:{project['journal']['length']}"

    async def name(self, slug: str, head: str = "") -> str | None:
        project = (await self.graphql(READ, {"s": slug}, head))["data"]["project"]
        return None if project is None else str(project["name"])

    async def ready(self) -> dict[str, Any]:
        response = await self.client.get("/readyz")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def eventually(probe: Callable[[], Awaitable[Any]], expected: Any) -> Any:
    for _ in range(300):
        seen = await probe()
        if seen == expected:
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"still {seen!r}, never {expected!r}")


async def on_replica(standby: Standby, sql: str) -> Any:
    conn = await asyncpg.connect(standby.url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_public_reads_go_to_the_replica_and_a_writer_reads_its_own_writes(
    client: AsyncTestClient[Litestar], standby: Standby
) -> None:
    api = Api(client)
    assert await on_replica(standby, "SELECT pg_is_in_recovery()") is True
    await api.create("first")
    assert await eventually(lambda: api.name("first"), "FIRST") == "FIRST"
    ready = await eventually(lambda: _lag_bytes(api), 0)
    assert ready == 0

    await on_replica(standby, "SELECT pg_wal_replay_pause()")
    head = await api.create("second")
    assert head == "second:2"  # the mutation read its own journal on the primary
    assert await api.name("second") is None  # the paused replica answered
    assert await api.name("second", head) == "SECOND"  # it had not replayed: the primary did
    assert await api.name("first", "first:2") == "FIRST"  # replayed that far: either answers
    body = await api.ready()
    assert body["status"] == "ready"
    assert body["replica"]["status"] == "streaming"
    assert await eventually(lambda: _lag_bytes(api, positive=True), True)

    await on_replica(standby, "SELECT pg_wal_replay_resume()")
    assert await eventually(lambda: api.name("second"), "SECOND") == "SECOND"
    assert await eventually(lambda: _lag_bytes(api), 0) == 0


async def _lag_bytes(api: Api, positive: bool = False) -> Any:
    lag = (await api.ready())["replica"].get("lag_bytes")
    return (lag or 0) > 0 if positive else lag


async def test_proofs_read_the_replica_when_it_holds_them_and_the_primary_otherwise(
    client: AsyncTestClient[Litestar], standby: Standby, server: Server
) -> None:
    api = Api(client)
    await api.create("demo")

    async def head_size(headers: dict[str, str] | None = None) -> Any:
        answer = await client.get("/projects/demo/tree-head", headers=headers or {})
        return answer.json().get("tree_size") if answer.status_code == 200 else None

    assert await eventually(head_size, 2) == 2  # published in the background, replicated
    signed = (await client.get("/projects/demo/tree-head")).json()
    await on_replica(standby, "SELECT pg_wal_replay_pause()")
    mutation = 'mutation { updateProject(input: {slug: "demo", name: "Demo 2"}) { __typename } }'
    await api.graphql(mutation, {})
    primary = await asyncpg.connect(server.url)
    try:
        published = "SELECT max(size) FROM tree_heads"
        assert await eventually(lambda: primary.fetchval(published), 3) == 3
    finally:
        await primary.close()
    stale = (await client.get("/projects/demo/tree-head")).json()
    assert stale == signed  # the replica's newest head, replay paused
    writer = {"Commons-Journal-Head": "demo:3"}
    assert await head_size(writer) == 3  # the writer's read goes to the primary
    proof = await client.get("/projects/demo/proofs/inclusion", params={"seq": 3}, headers=writer)
    assert proof.json()["tree_size"] == 3, proof.text
    old = await client.get("/projects/demo/proofs/inclusion", params={"seq": 2})
    assert old.json()["tree_size"] == 2, old.text  # the replica's tree, for everyone else
    await on_replica(standby, "SELECT pg_wal_replay_resume()")
    assert await eventually(head_size, 3) == 3


async def test_the_replica_going_away_sends_reads_to_the_primary_until_it_is_back(
    client: AsyncTestClient[Litestar], standby: Standby
) -> None:
    api = Api(client)
    await api.create("kept")
    assert await eventually(lambda: api.name("kept"), "KEPT") == "KEPT"
    await asyncio.to_thread(standby.stop)
    assert await api.name("kept") == "KEPT"  # the failed read was answered by the primary
    await api.create("later")
    assert await api.name("later") == "LATER"
    body = await api.ready()
    assert (body["status"], body["replica"]["status"], body["replica"]["reads"]) == (
        "ready",
        "unavailable",
        "primary",
    )
    report = await client.get("/projects/kept/reports/2026.json")
    assert report.status_code == 200
    await asyncio.to_thread(standby.start)
    status = await eventually(lambda: _replica_status(api), "streaming")
    assert status == "streaming"
    assert await eventually(lambda: api.name("later"), "LATER") == "LATER"


async def _replica_status(api: Api) -> str:
    return str((await api.ready())["replica"]["status"])


async def test_a_malformed_journal_head_is_refused(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ projects { totalCount } }"},
        headers={"Commons-Journal-Head": "Not A Head"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "Commons-Journal-Head"


async def test_the_replica_runs_with_the_settings_it_copied_from_the_embedded_primary(
    server: Server, standby: Standby
) -> None:
    conn = await asyncpg.connect(standby.url)
    try:
        assert await conn.fetchval("SELECT pg_is_in_recovery()")
        for name, value in database.EMBEDDED_SETTINGS.items():
            assert await conn.fetchval(f"SHOW {name}") == value, name
    finally:
        await conn.close()
