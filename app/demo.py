"""A realistic commons to explore, seeded through each area's own store functions.

Project ``aurora``: a few hundred contributors across organisations (some changing
employer mid-year), a year of contributions of many kinds with a skewed long tail and
a CI bot, forge accounts, commit emails and webhook deliveries (``app.demo_forge``), a
year of change requests, reviews, issues and reverts (``app.demo_quality``), its
money (``app.demo_treasury``: sponsors with commons terms and one pledge flagged
non-commons, recurring pledges, fees, in-kind support, spending), license
grants of each instrument (DCO, ICLA, CCLA, inbound=outbound, explicit), and decided
proposals (one adopting the code of conduct, one authorising an expense, then paid).
Deterministic for a given
seed; refuses to run twice on one database.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg

from app.demo_forge import seed_forge
from app.demo_quality import seed_quality
from app.demo_treasury import seed_treasury
from governance import conduct
from governance import service as votes
from governance.electorate import Rule
from governance.models import check_draft
from ledger.kernel.errors import Conflict, ConflictCode
from ledger.kernel.money import Money
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution, Project
from ledger.register.projects import ProjectInput, create_project, find_project, get_project
from ledger.treasury.expenses import record_expense
from licenses.agreements import ensure_dco, publish_agreement
from licenses.models import Authorisation, NewGrant, default_rights
from licenses.service import record_grant

SLUG = "aurora"
ACTOR = "demo"
ORGS = ["Northwind Labs", "Blue Harbor", "Kestrel Systems", "Open Meadow Foundation",
        "Tiller & Sons", "Quanta Cloud", "Riverbend University", "Lumen Co-op"]  # fmt: skip
KINDS = ["code"] * 6 + ["review"] * 3 + ["doc"] * 2 + ["bug"] * 2 + [
    "test", "translation", "design", "question", "infra", "mentoring", "eventOrganizing"]  # fmt: skip
CONDUCT = conduct.code_of_conduct(
    "Aurora Code of Conduct v2",
    "Be kind, assume good faith, credit others' work; report harm to the conduct team.",
    None,
    "https://aurora.invalid/conduct",
)
WEIGHTS = {"code": Decimal(3), "review": Decimal(2), "doc": Decimal(2), "design": Decimal(2),
           "mentoring": Decimal(2), "question": Decimal("0.5")}  # fmt: skip


@dataclass
class Seeded:
    """What the demo made, for the command's summary."""

    slug: str = SLUG
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
    """Seed project ``aurora``; Conflict when it already exists."""
    if await find_project(pool, SLUG) is not None:
        raise Conflict(
            f"the demo project {SLUG!r} already exists in this database",
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
    done.counts["proposals"] = await _proposals(pool, project.id, ids, rng)
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


async def _proposals(
    pool: asyncpg.Pool, project_id: int, ids: list[int], rng: random.Random
) -> int:
    plans = [
        ("Adopt the code of conduct v2", "majority", [], 0.8),
        ("Move the release cadence to quarterly", "majority", [], 0.35),
        ("Pick the 2027 focus area", "approval", ["offline maps", "accessibility", "speed"], 0.6),
        ("Archive the legacy plugin API", "lazy_consensus", [], 0.0),
        ("Rename the default branch to main", "consent", [], 1.0),
        ("Fund an accessibility audit", "majority", [], 0.9),
    ]
    audit = {"amount": "1200.00", "currency": "EUR", "payee": "Kartografie GmbH",
             "purpose": "Accessibility audit of the web viewer"}  # fmt: skip
    electorate = Rule(contributors=tuple(ids[:40]))
    opened = []
    async with pool.acquire() as conn, conn.transaction():
        project = await get_project(conn, SLUG)
        closes = await conn.fetchval("SELECT clock_timestamp() + interval '2 seconds'")
        for n, (title, method_name, options, _) in enumerate(plans):
            kind, action = ("expense", audit) if title.startswith("Fund") else ("general", {})
            draft = check_draft(
                title, f"{title}.", kind, options, method_name, {}, electorate, "1/4", action
            )
            proposal, _ = await votes.create(
                conn, project, draft, closes, ACTOR, key=f"demo-proposal-{n}"
            )
            opened.append(await votes.open_(conn, project_id, proposal.id, ACTOR))
        for proposal, (_, method_name, options, yes_share) in zip(opened, plans, strict=True):
            for voter in ids[:40]:
                if voter != ids[0] and rng.random() < 0.3:
                    continue
                ballot = _ballot(method_name, options, yes_share, voter == ids[0], rng)
                await votes.cast(
                    conn, project_id, proposal.id, voter, ballot, f"contributor:{voter}"
                )
    async with pool.acquire() as conn:
        left = await conn.fetchval(
            "SELECT greatest(0, extract(epoch FROM $1 - clock_timestamp()))", closes
        )
        await asyncio.sleep(float(left) + 0.05)  # a demo waits for its own closing time
        async with conn.transaction():
            project = await get_project(conn, SLUG)
            closed = [await votes.close(conn, project, p.id, ACTOR) for p in opened]
            adopted = closed[0].id if closed[0].outcome == "passed" else None
            await conduct.adopt(conn, project, CONDUCT, adopted, ACTOR)
            approval = (closed[-1].effect or {}).get("expense_authorization")
            if approval is not None:  # the passed expense proposal authorised the payment
                await record_expense(
                    conn, project_id, key="demo-audit", money=Money(120_000, "EUR"),
                    payee=audit["payee"], purpose=audit["purpose"],
                    evidence_url="https://aurora.invalid/invoices/2026-audit.pdf",
                    approval_id=int(approval), actor=ACTOR,
                )  # fmt: skip
    return len(opened)


def _ballot(
    method_name: str, options: list[str], yes_share: float, first: bool, rng: random.Random
) -> dict[str, object]:
    if method_name == "approval":
        return {"approve": rng.sample(options, rng.randint(1, 2))}
    if method_name == "lazy_consensus":
        if first:
            return {"choice": "veto", "reason": "the plugin API still has users"}
        return {"choice": "support"}
    if method_name == "consent":
        return {"choice": "consent"}
    return {"choice": "yes" if rng.random() < yes_share else "no"}
