"""Hand-countable commons for the quality and sustainability figures.

``seed_threads``: July 2026 in project ``threads``: four change requests merged (two
repositories), one merged in June, three issues, reverts from git and a wiki, and a
bot whose work never counts. ``seed_cohorts``: project ``cohorts``: four people whose
first contributions fall in 2025's first three quarters, with two organisations.
``seed_rules``: project ``rules``: proposals decided now and changes made without a
vote. The figures each test expects are worked out beside the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from governance import service as votes
from governance import voters
from governance.electorate import Rule
from governance.models import check_draft
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution, Project
from ledger.register.projects import ProjectInput, create_project, update_settings


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    project_id: int
    ids: dict[str, int]


def _thread(
    who: int, kind: str, when: datetime, key: str, thread: str, role: str, **more: Any
) -> NewContribution:
    meta = {"thread": thread, "thread_role": role, **more}
    return NewContribution(who, kind, when, "github", key, metadata=meta)


async def seed_threads(pool: asyncpg.Pool, slug: str = "threads") -> Seeded:
    """Changes, reviews, comments, issues and reverts in July 2026 (see each line)."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, "Threads"), "admin")
        names = ("ann", "bob", "cy", "dee")
        ids = {n: (await people.create_contributor(conn, n.title())).id for n in names}
        ids["bot"] = (await people.create_contributor(conn, "ci[bot]", is_bot=True)).id
        a, b, c, d, bot = (ids[n] for n in (*names, "bot"))
        one, two = {"repository": "r/one"}, {"repository": "r/two"}
        items = [
            # PR1 by ann, opened 07-01 10:00, reviewed by bob 2 h later, merged by cy.
            _thread(a, "code", at(7, 2, 10), "pr1", "g:r/one#1", "change",
                    opened_at="2026-07-01T10:00:00Z", **one),
            _thread(b, "review", at(7, 1, 12), "pr1-r", "g:r/one#1", "review", **one),
            _thread(c, "maintenance", at(7, 2, 10), "pr1-m", "g:r/one#1", "merge", **one),
            # PR2 by ann, self-merged; bob comments after 1 h, reviews only after the merge.
            _thread(a, "code", at(7, 3, 6), "pr2", "g:r/one#2", "change",
                    opened_at="2026-07-03T00:00:00Z", **one),
            _thread(a, "maintenance", at(7, 3, 6), "pr2-m", "g:r/one#2", "merge", **one),
            _thread(b, "question", at(7, 3, 1), "pr2-c", "g:r/one#2", "comment", **one),
            _thread(b, "review", at(7, 4), "pr2-r", "g:r/one#2", "review", **one),
            # PR3 by bob, opened in June: his own review and the bot's do not count; dee's does.
            _thread(b, "code", at(7, 5), "pr3", "g:r/two#3", "change",
                    opened_at="2026-06-30T00:00:00Z", **two),
            _thread(b, "review", at(7, 1), "pr3-self", "g:r/two#3", "review", **two),
            _thread(bot, "review", at(7, 2), "pr3-bot", "g:r/two#3", "review", **two),
            _thread(d, "review", at(7, 4), "pr3-r", "g:r/two#3", "review", **two),
            _thread(b, "maintenance", at(7, 5), "pr3-m", "g:r/two#3", "merge", **two),
            # PR4 by cy, without an opening time: reviewed, but not timed.
            _thread(c, "code", at(7, 6), "pr4", "g:r/two#4", "change", **two),
            _thread(a, "review", at(7, 5), "pr4-r", "g:r/two#4", "review", **two),
            # PR5 merged in June: outside the period.
            _thread(d, "code", at(6, 20), "pr5", "g:r/two#5", "change",
                    opened_at="2026-06-19T00:00:00Z", **two),
            # I1 by dee, answered by ann after 30 min; I2 by ann, answered only by herself.
            _thread(d, "bug", at(7, 10), "i1", "g:r/one#6", "issue", **one),
            _thread(a, "question", at(7, 10, 0, 30), "i1-c", "g:r/one#6", "comment", **one),
            _thread(a, "bug", at(7, 11), "i2", "g:r/one#7", "issue", **one),
            _thread(a, "question", at(7, 12), "i2-c", "g:r/one#7", "comment", **one),
            # I3 opened in June.
            _thread(b, "bug", at(6, 20), "i3", "g:r/one#8", "issue", **one),
            # Reverts: ann's commit undoes two commits, bob's wiki edit three revisions,
            # the bot's revert never counts.
            NewContribution(a, "code", at(7, 15), "git", "git:rev1",
                            metadata={"commit": "e" * 40, "reverts": ["a" * 40, "b" * 40]}),
            NewContribution(b, "content", at(7, 16), "mediawiki", "wiki:rev9",
                            metadata={"reverts": [7, 8, 9]}),
            NewContribution(bot, "code", at(7, 17), "git", "git:rev2",
                            metadata={"reverts": ["c" * 40]}),
            NewContribution(c, "test", at(7, 18), "git", "t1"),
            NewContribution(c, "doc", at(7, 18), "git", "d1"),
        ]  # fmt: skip
        await record_contributions(conn, project.id, items, "admin")
        return Seeded(project.id, ids)


async def seed_cohorts(pool: asyncpg.Pool, slug: str = "cohorts") -> Seeded:
    """ann: 2025-Q1 (3), Q2, Q4 (Dec 1st); bob: Q1, Q3; cy: Q2, Q3; dee: Q3 and 2026-Q1.
    ann and cy work for org X, bob for Y from July 2025; dee for none."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, "Cohorts"), "admin")
        names = ("ann", "bob", "cy", "dee")
        ids = {n: (await people.create_contributor(conn, n.title())).id for n in names}
        x = (await people.create_organisation(conn, f"{slug}-x")).id
        y = (await people.create_organisation(conn, f"{slug}-y")).id
        await people.add_affiliation(conn, ids["ann"], x)
        await people.add_affiliation(conn, ids["cy"], x)
        await people.add_affiliation(conn, ids["bob"], y, date(2025, 7, 1))
        work = [
            ("ann", at(1, 5, year=2025)), ("ann", at(2, 5, year=2025)),
            ("ann", at(3, 5, year=2025)), ("ann", at(5, 5, year=2025)),
            ("ann", at(12, 1, year=2025)), ("bob", at(2, 6, year=2025)),
            ("bob", at(8, 6, year=2025)), ("cy", at(4, 7, year=2025)),
            ("cy", at(9, 7, year=2025)), ("dee", at(9, 8, year=2025)),
            ("dee", at(1, 8, year=2026)),
        ]  # fmt: skip
        items = [
            NewContribution(ids[who], "code", when, "git", f"{who}-{n}")
            for n, (who, when) in enumerate(work)
        ]
        await record_contributions(conn, project.id, items, "admin")
        return Seeded(project.id, ids)


async def _decide(
    pool: asyncpg.Pool,
    project: Project,
    title: str,
    method: str,
    electors: list[int],
    ballots: dict[int, dict[str, Any]],
    *,
    kind: str = "general",
    quorum: str = "0",
    action: dict[str, Any] | None = None,
) -> int:
    """A proposal created, opened, voted on and closed now."""
    draft = check_draft(title, f"{title}.", kind, [], method, {}, Rule(contributors=tuple(electors)),
                        quorum, action or {})  # fmt: skip
    closes = datetime.now(UTC) + timedelta(days=1)
    async with pool.acquire() as conn, conn.transaction():
        proposal, _ = await votes.create(conn, project, draft, closes, "admin", key=title)
        await votes.open_(conn, project.id, proposal.id, "admin")
        for voter, ballot in ballots.items():
            await votes.cast(conn, project.id, proposal.id, voter, ballot, f"contributor:{voter}")
    await pool.execute(
        "UPDATE proposals SET closes_at = clock_timestamp() - interval '1 second' WHERE id = $1",
        proposal.id,
    )
    async with pool.acquire() as conn, conn.transaction():
        await votes.close(conn, project, proposal.id, "admin")
    return proposal.id


async def seed_rules(pool: asyncpg.Pool, slug: str = "rules") -> Seeded:
    """Four proposals closed now (passed, vetoed, without quorum, a credit policy passed)
    and three changes without a vote (a credit policy, a voting role, a setting)."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, "Rules"), "admin")
        names = ("ann", "bob", "cy", "dee")
        ids = {n: (await people.create_contributor(conn, n.title())).id for n in names}
        await set_policy(conn, project.id, {"doc": Decimal(2)}, Decimal(1), "docs", "admin")
        await voters.set_role(conn, project, ids["cy"], "maintainer", "admin")
        project = await update_settings(conn, project, "governance_delegation", True, "admin")
    a, b, c, d = (ids[n] for n in names)
    yes = {"choice": "yes"}
    ids["p1"] = await _decide(pool, project, "Adopt a roadmap", "majority", [a, b, c],
                              {a: yes, b: yes})  # fmt: skip
    ids["p2"] = await _decide(pool, project, "Archive the plugin API", "lazy_consensus",
                              [a, b, c, d], {d: {"choice": "veto", "reason": "not yet"}})  # fmt: skip
    ids["p3"] = await _decide(pool, project, "Rename the branch", "majority", [a, b], {},
                              quorum="1")  # fmt: skip
    policy = {"weights": {"review": "2"}, "default_weight": "1", "reason": "reviews count"}
    ids["p4"] = await _decide(pool, project, "Weigh reviews", "majority", [a, b], {a: yes},
                              kind="credit_policy", action=policy)  # fmt: skip
    return Seeded(project.id, ids)
