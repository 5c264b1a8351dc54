"""A small register written through the ledger's own functions (fast set-up for API tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from ledger.register import people, projects
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution

KINDS = ("code", "doc", "review", "bug")
START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    project_id: int
    slug: str
    contributors: list[int]


async def seed(
    pool: asyncpg.Pool, slug: str = "linux", people_count: int = 3, contributions: int = 6
) -> Seeded:
    """A project with ``people_count`` contributors (one github identity each, with an
    email) and ``contributions`` contributions spread over them, one hour apart."""
    async with pool.acquire() as conn, conn.transaction():
        project = await projects.create_project(
            conn, projects.ProjectInput(slug, slug.title()), "admin"
        )
        ids = []
        for n in range(people_count):
            identity, _ = await people.link_identity(
                conn,
                project.id,
                source="github",
                host="github.com",
                external_id=f"{slug}-{n}",
                contributor_id=None,
                login=f"{slug}-user{n}",
                email=f"user{n}@{slug}.example",
                display_name=f"User {n}",
                actor="admin",
            )
            ids.append(identity.contributor_id)
        items = [
            NewContribution(
                contributor_id=ids[i % people_count],
                kind=KINDS[i % len(KINDS)],
                occurred_at=START + timedelta(hours=i),
                source="git",
                natural_key=f"sha-{i}",
            )
            for i in range(contributions)
        ]
        await record_contributions(conn, project.id, items, "admin")
    return Seeded(project.id, slug, ids)
