"""A hand-countable commons for the report tests: the CHAOSS example in July 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg

from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project

COUNTS = [1000, 433, 343, 332, 202, 90, 42, 33]
JULY = datetime(2026, 7, 10, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    project_id: int
    contributors: list[int]
    bot: int


async def seed_chaoss(pool: asyncpg.Pool, slug: str = "chaoss") -> Seeded:
    """Eight people (the first writes code, the rest docs at weight 10), a bot, four orgs."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, "Chaoss"), "admin")
        await set_policy(conn, project.id, {"doc": Decimal(10)}, Decimal(1), "docs", "admin")
        ids = [(await people.create_contributor(conn, f"P{i}")).id for i in range(8)]
        bot = (await people.create_contributor(conn, "ci-bot", is_bot=True)).id
        orgs = [(await people.create_organisation(conn, f"{slug}-org{i}")).id for i in range(4)]
        await people.add_affiliation(conn, ids[0], orgs[0])
        for i in (1, 5, 6, 7):
            await people.add_affiliation(conn, ids[i], orgs[1])
        await people.add_affiliation(conn, ids[2], orgs[2])
        await people.add_affiliation(conn, ids[3], orgs[2], None, date(2026, 7, 1))
        await people.add_affiliation(conn, ids[4], orgs[3])
        items = [
            NewContribution(who, "code" if i == 0 else "doc", JULY, "manual", f"{who}-{n}")
            for i, (who, count) in enumerate(zip(ids, COUNTS, strict=True))
            for n in range(count)
        ]
        items += [NewContribution(bot, "code", JULY, "manual", f"bot-{n}") for n in range(500)]
        items.append(
            NewContribution(ids[7], "doc", datetime(2026, 6, 20, tzinfo=UTC), "manual", "june")
        )
        await record_contributions(conn, project.id, items, "admin")
        return Seeded(project.id, ids, bot)
