"""A project connected to every forge, and a poster of signed deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from intake.connections import connect_forge
from intake.forges import FORGES
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project
from tests.unit.intake.forge_requests import STANDARD_SECRET, form_delivery, signed

SECRET = "forge-secret-0001"


def secret_for(forge: str) -> str:
    return STANDARD_SECRET if forge == "standard" else SECRET


async def make_project(pool: asyncpg.Pool, slug: str = "demo") -> Project:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, slug.title()), "admin")
        for forge in FORGES:
            await connect_forge(conn, project, forge, secret_for(forge), "first", "admin")
    return project


@pytest.fixture
async def project(pool: asyncpg.Pool) -> Project:
    return await make_project(pool)


@dataclass
class Poster:
    client: AsyncTestClient[Litestar]

    async def post(
        self,
        forge: str,
        body: bytes | dict[str, Any],
        *,
        event: str | None = None,
        delivery: str | None = None,
        slug: str = "demo",
        secret: str | None = None,
        headers: dict[str, str] | None = None,
        event_type: str | None = None,
        form: bool = False,
    ) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        key = secret or secret_for(forge)
        if form:
            raw, sent = form_delivery(forge, key, raw, event, delivery, event_type)
        else:
            sent = signed(forge, key, raw, event, delivery, event_type)
        sent.update(headers or {})
        return await self.client.post(f"/webhooks/{forge}/{slug}", content=raw, headers=sent)


@pytest.fixture
def poster(client: AsyncTestClient[Litestar]) -> Poster:
    return Poster(client)
