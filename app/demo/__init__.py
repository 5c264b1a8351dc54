"""A realistic commons to explore, seeded through each area's own store functions.

Project ``aurora``: a few hundred contributors across organisations (some changing
employer mid-year), a year of contributions of many kinds with a skewed long tail and
a CI bot, forge accounts, commit emails and webhook deliveries (``app.demo.forge``), a
year of change requests, reviews, issues and reverts (``app.demo.quality``), its
money (``app.demo.treasury``: sponsors with commons terms and one pledge flagged
non-commons, recurring pledges, fees, in-kind support, spending), license
grants of each instrument (DCO, ICLA, CCLA, inbound=outbound, explicit), decided
proposals (one adopting the code of conduct, one authorising an expense, then paid)
and one still open. Beside it, project ``larder``: a cookbook wiki's year of history,
imported from a MediaWiki dump (``app.demo.wiki``), so that a report shows peer
production that is not code. Deterministic for a given seed; refuses to run twice on
one database.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg

from app.demo.forge import seed_forge
from app.demo.quality import seed_quality
from app.demo.treasury import seed_treasury
from app.demo.votes import decided_proposals, open_question
from app.demo.wiki import SLUG as WIKI_SLUG
from app.demo.wiki import seed_wiki
from ledger.kernel.errors import Conflict, ConflictCode
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution, Project
from ledger.register.projects import ProjectInput, create_project, find_project, get_project
from licenses.agreements import ensure_dco, publish_agreement
from licenses.models import Authorisation, NewGrant, default_rights
from licenses.service import record_grant

SLUG = "aurora"
ACTOR = "demo"
ORGS = ["Northwind Labs", "Blue Harbor", "Kestrel Systems", "Open Meadow Foundation",
        "Tiller & Sons", "Quanta Cloud", "Riverbend University", "Lumen Co-op"]  # fmt: skip
KINDS = ["code"] * 6 + ["review"] * 3 + ["doc"] * 2 + ["bug"] * 2 + [
    "test", "translation", "design", "question", "infra", "mentoring", "eventOrganizing"]  # fmt: skip
WEIGHTS = {"code": Decimal(3), "review": Decimal(2), "doc": Decimal(2), "design": Decimal(2),
           "mentoring": Decimal(2), "question": Decimal("0.5")}  # fmt: skip


@dataclass
class Seeded:
    """What the demo made, for the command's summary."""

    slug: str = SLUG
    wiki_slug: str = WIKI_SLUG
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _when(rng: random.Random, start: datetime, days: int) -> datetime:
    return start + timedelta(days=rng.random() * days, seconds=rng.randint(0, 86_399))


async def seed_demo(
    pool: asyncpg.Pool,
    contributors: int = 300,
    contributions: int = 6_000,
    seed: int = 7,
    progress: Callable[[str], None] = lambda _: None,
) -> Seeded:
    """Seed projects ``aurora`` and ``larder``; Conflict when one already exists."""
    for slug in (SLUG, WIKI_SLUG):
        if await find_project(pool, slug) is not None:
            raise Conflict(
                f"the demo project {slug!r} already exists in this database",
                ConflictCode.ALREADY_EXISTS,
            )
    rng = random.Random(seed)
    done = Seeded()
    today = datetime.now(UTC).replace(microsecond=0)
    start = today - timedelta(days=365)
    async with pool.acquire() as conn, conn.transaction():
        progress("project and people")
        project = await create_project(
            conn,
            ProjectInput(SLUG, "Aurora", "A demo commons: an open mapping toolkit.",
                         "https://aurora.invalid", ("https://git.invalid/aurora",), "Apache-2.0"),
            ACTOR,
        )  # fmt: skip
        await set_policy(conn, project.id, WEIGHTS, Decimal(1), "demo weights", ACTOR)
        orgs = [await people.ensure_organisation(conn, name) for name in ORGS]
        ids = [(await people.create_contributor(conn, f"Contributor {i:03d}")).id
               for i in range(contributors)]  # fmt: skip
        for i, who in enumerate(ids):
            if i % 5 == 4:
                continue  # independent
            org = rng.choices(orgs, weights=[6, 5, 4, 3, 3, 2, 1, 1])[0]
            if i % 17 == 0:  # changed employer half-way through the year
                middle = (start + timedelta(days=180)).date()
                await people.add_affiliation(conn, who, org.id, None, middle)
                await people.add_affiliation(conn, who, orgs[(i // 17) % len(orgs)].id, middle)
            else:
                await people.add_affiliation(conn, who, org.id)
        bot = (await people.create_contributor(conn, "aurora-ci[bot]", is_bot=True)).id
        done.counts["contributors"] = contributors
        done.counts["organisations"] = len(orgs)
        progress("contributions")
        weights = [1 / (rank + 1) ** 1.1 for rank in range(contributors)]
        items = [
            NewContribution(rng.choices(ids, weights)[0], rng.choice(KINDS),
                            _when(rng, start, 364), "git", f"demo:{n}")
            for n in range(contributions)
        ]  # fmt: skip
        items += [
            NewContribution(bot, "infra", _when(rng, start, 364), "git", f"bot:{n}")
            for n in range(contributions // 20)
        ]
        recorded = []
        for first in range(0, len(items), 2_000):
            recorded += await record_contributions(
                conn, project.id, items[first : first + 2_000], ACTOR
            )
        done.counts["contributions"] = len(items)
    project = await get_project(pool, SLUG)
    progress("forge history")
    done.counts["identities"] = await seed_forge(pool, project, ids, start, ACTOR)
    async with pool.acquire() as conn, conn.transaction():
        progress("change requests, issues and reverts")
        changes = max(4, contributions // 20)
        done.counts.update(
            await seed_quality(
                conn, project.id, ids, random.Random(seed + 1), start, changes, ACTOR
            )
        )
    by_person: dict[int, list[int]] = {}
    for r in recorded:
        by_person.setdefault(r.contribution.contributor_id, []).append(r.contribution.id)
    async with pool.acquire() as conn, conn.transaction():
        progress("sponsors and funding")
        done.counts["funding transactions"] = await seed_treasury(
            conn, project, ids[3], ids[7], rng, start
        )
    async with pool.acquire() as conn, conn.transaction():
        progress("license grants")
        done.counts["grants"] = await _grants(conn, project, ids, orgs[0].id, by_person, start)
    progress("proposals")
    done.counts["proposals"] = await decided_proposals(pool, project.id, ids, rng)
    done.counts["open proposals"] = await open_question(pool, ids, rng)
    progress("wiki")
    done.counts.update(await seed_wiki(pool, start, seed))
    return done


async def _grants(
    conn: asyncpg.Connection,
    project: Project,
    ids: list[int],
    org_id: int,
    by_person: dict[int, list[int]],
    start: datetime,
) -> int:
    await ensure_dco(conn, project.id, ACTOR)
    for instrument, title in (("icla", "Aurora Individual CLA"), ("ccla", "Aurora Corporate CLA"),
                              ("inbound_outbound", "Inbound = outbound (Apache-2.0)")):  # fmt: skip
        await publish_agreement(
            conn, project.id, instrument, title, f"{title}: the contributor grants a "
            "non-exclusive, irrevocable, royalty-free license to the work.", start, ACTOR,
        )  # fmt: skip
    made = 0
    active = [p for p in ids if p in by_person]
    for i, who in enumerate(active):
        chosen = ["dco", "icla", "inbound_outbound", "explicit", None][i % 5]
        if chosen is None:
            continue  # left uncovered on purpose
        instrument = chosen
        license_expression = "Apache-2.0"
        if instrument == "explicit":
            license_expression = "GPL-3.0-only" if i % 20 == 3 else "MIT"
        listed = instrument in ("dco", "explicit")
        grant = NewGrant(
            f"demo-grant-{who}", instrument, "public" if instrument == "dco" else "steward",
            license_expression, default_rights(instrument), True, True, True, start,
            grantor_contributor_id=who,
            contribution_ids=tuple(by_person[who][:50]) if listed else (),
            scope_from=None if listed else start,
        )  # fmt: skip
        await record_grant(conn, project, grant, ACTOR)
        made += 1
    corporate = NewGrant(
        "demo-ccla", "ccla", "steward", "Apache-2.0", default_rights("ccla"), True, True, True,
        start, grantor_organisation_id=org_id, scope_from=start,
        authorisations=(Authorisation("membership"),),
    )  # fmt: skip
    await record_grant(conn, project, corporate, ACTOR)
    return made + 1
