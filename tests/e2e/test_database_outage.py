"""While PostgreSQL is stopped, every entry point answers the same typed "unavailable"
(GraphQL reads, mutations and subscriptions with ``extensions.code``; webhooks,
persisted GETs, reports and readiness with a 503 and the reason; the CLI with exit 75;
the proposal closer with a pass that waits), logs it as a warning without a stack
trace, and works again once the server is back, without a restart. Runs on its own
PostgreSQL server, really stopped (``pg_ctl stop -m immediate``)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.cli import main
from app.main import create_app
from app.runtime import Runtime
from governance.closer import Closer
from intake.connections import connect_forge
from ledger.register.projects import ProjectInput, create_project
from tests.e2e.own_server import Server
from tests.unit.intake.forge_requests import signed

SECRET = "outage-secret-2"
READ = '{ project(slug: "demo") { name } }'
CREATE = "mutation($i: CreateProjectInput!) { createProject(input: $i) { __typename } }"
TALLY = 'subscription { proposalTally(project: "demo", number: 1) { final } }'
UNAVAILABLE = re.compile(r"the database is unavailable \(\w+\); retry")


class Collect(logging.Handler):
    """Every record logged anywhere while it is attached to the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class EntryPoints:
    """One call through each entry point of a running app, answers by name."""

    def __init__(self, client: AsyncTestClient[Litestar], env: dict[str, str]) -> None:
        self.client = client
        self.env = env
        self.runtime: Runtime = client.app.state.runtime
        self.token = self.runtime.tokens.issue("admin", admin=True)

    async def settled(self) -> None:
        """Wait until the app (served on the client's own event loop thread) has given
        every pooled connection back, so nothing of it runs beside the next call."""
        pool = self.runtime.pool
        for _ in range(200):
            if pool.get_idle_size() == pool.get_size():
                return
            await asyncio.sleep(0.01)

    async def closer(self) -> int:
        """A closer pass on a pool of this event loop (the app's pool lives on the
        client's loop and must not be driven from here)."""
        # one connection holds the closer's lock (one process at a time), one closes
        pool = await database.create_pool(self.env["DATABASE_URL"], min_size=0, max_size=2)
        try:
            return await Closer(pool).run_once()
        finally:
            pool.terminate()

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        return response.status_code, response.json()

    async def http(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, **kwargs)
        body = response.json()
        return response.status_code, body, response.headers.get("retry-after")

    async def subscription(self) -> Any:
        ws = await self.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
        with ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            assert await asyncio.to_thread(ws.receive_json, timeout=30) == {
                "type": "connection_ack"
            }
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": TALLY}})
            return await asyncio.to_thread(ws.receive_json, timeout=30)

    async def cli(self) -> Any:
        result = await asyncio.to_thread(
            CliRunner().invoke, main, ["governance", "close-due"], env=self.env
        )
        return result.exit_code, result.output

    async def all(self, tag: str) -> dict[str, Any]:
        body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
        headers = signed("github", SECRET, body, "ping", f"delivery-{tag}")
        totals = {"variables": json.dumps({"slug": "demo"})}
        answers = {
            "read": await self.graphql(READ),
            "mutation": await self.graphql(CREATE, {"i": {"slug": f"p-{tag}", "name": tag}}),
            "webhook": await self.http(
                "POST", "/webhooks/github/demo", content=body, headers=headers
            ),
            "persisted": await self.http("GET", "/graphql/persisted/ProjectTotals", params=totals),
            "report": await self.http("GET", "/projects/demo/reports/2024.json"),
            "ready": await self.http("GET", "/readyz"),
            "cli": await self.cli(),
            "closer": await self.closer(),
            "subscription": await self.subscription(),
        }
        await self.settled()
        return answers


def working(tag: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a healthy instance answers (the parts that vary taken from ``answers``)."""
    webhook_id = answers["webhook"][1].get("id")
    return {
        "read": (200, {"data": {"project": {"name": "Demo"}}}),
        "mutation": (200, {"data": {"createProject": {"__typename": "ProjectPayload"}}}),
        "subscription": {
            "id": "1",
            "type": "next",
            "payload": {
                "data": None,
                "errors": [
                    {
                        "message": "no proposal 1 in this project",
                        "extensions": {"code": "not_found"},
                    }
                ],
            },
        },
        "webhook": (
            202,
            {
                "status": "ignored",
                "reason": "no_rules",
                "delivery": f"292430182:delivery-{tag}",
                "id": webhook_id,
            },
            None,
        ),
        "persisted": (
            200,
            {
                "data": {
                    "project": {
                        "name": "Demo",
                        "totals": {
                            "contributions": 0,
                            "credit": "0.0000",
                            "contributors": 0,
                            "firstAt": None,
                            "lastAt": None,
                        },
                    }
                }
            },
            None,
        ),
        "report": (200, answers["report"][1], None),
        "ready": (200, {"status": "ready", "revision": database.head_revision()}, None),
        "cli": (0, ""),
        "closer": 0,
    }


def unavailable(message: str, reason: str) -> dict[str, Any]:
    """What every entry point answers while the database is stopped."""
    refused = {"error": "unavailable", "message": message}
    return {
        "read": (
            200,
            {
                "data": {"project": None},
                "errors": [
                    {
                        "message": message,
                        "locations": [{"line": 1, "column": READ.index("project") + 1}],
                        "path": ["project"],
                        "extensions": {"code": "unavailable"},
                    }
                ],
            },
        ),
        "mutation": (
            200,
            {
                "data": None,
                "errors": [
                    {
                        "message": message,
                        "locations": [{"line": 1, "column": CREATE.index("createProject") + 1}],
                        "path": ["createProject"],
                        "extensions": {"code": "unavailable"},
                    }
                ],
            },
        ),
        "subscription": {
            "id": "1",
            "type": "next",
            "payload": {
                "data": None,
                "errors": [{"message": message, "extensions": {"code": "unavailable"}}],
            },
        },
        "webhook": (503, refused, "1"),
        "persisted": (503, refused, "1"),
        "report": (503, refused, "1"),
        "ready": (503, {"status": "unavailable", "reason": reason}, None),
        "cli": (75, f"Error: {message}\n"),
        "closer": 0,
    }


async def test_every_entry_point_answers_unavailable_while_postgresql_is_stopped(
    server: Server, tmp_path: Path
) -> None:
    await asyncio.to_thread(database.migrate, server.url)
    conn = await database.connect(server.url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("demo", "Demo"), "admin")
            await connect_forge(conn, project, "github", SECRET, "", "admin")
    finally:
        await conn.close()
    env = {
        "DATABASE_URL": server.url,
        "COMMONS_DATA_DIR": str(tmp_path / "data"),
        "COMMONS_ENV": "test",
        "COMMONS_RUN_WORKER": "false",
        "COMMONS_HEAD_PUBLISHER": "false",
    }
    async with AsyncTestClient(app=create_app(env)) as client:
        calls = EntryPoints(client, env)
        before = await calls.all("before")
        assert before == working("before", before)
        assert before["report"][1]["report"]["project"]["slug"] == "demo"

        collect = Collect()
        logging.getLogger().addHandler(collect)
        try:
            await asyncio.to_thread(server.crash)
            during = await calls.all("during")
        finally:
            logging.getLogger().removeHandler(collect)
        message = during["read"][1]["errors"][0]["message"]
        assert UNAVAILABLE.fullmatch(message), message
        reason = message.split("(")[1].split(")")[0]
        assert during == unavailable(message, reason)
        ours = [r for r in collect.records if r.name.startswith("commons")]
        assert [r for r in collect.records if r.levelno >= logging.ERROR] == []
        assert [r for r in ours if r.exc_info] == []
        assert {r.name for r in ours} == {"commons.graphql", "commons.http", "commons.governance"}
        assert all(r.levelno == logging.WARNING for r in ours)

        await asyncio.to_thread(server.start)
        after = await calls.all("after")
        assert after == working("after", after)
        assert after["report"][1]["report"]["project"]["slug"] == "demo"
        assert after["webhook"][1]["id"] > before["webhook"][1]["id"]
