"""The demo's votes: six decided proposals (one authorising an expense, then paid) and
one still open, with the ballots of a 40-person electorate."""

from __future__ import annotations

import asyncio
import random

import asyncpg

from governance import conduct
from governance import service as votes
from governance.electorate import Rule
from governance.models import check_draft
from ledger.kernel.money import Money
from ledger.register.projects import get_project
from ledger.treasury.expenses import record_expense

CONDUCT = conduct.code_of_conduct(
    "Aurora Code of Conduct v2",
    "Be kind, assume good faith, credit others' work; report harm to the conduct team.",
    None,
    "https://aurora.invalid/conduct",
)

SLUG = "aurora"
ACTOR = "demo"


async def decided_proposals(
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
        # Long enough to cast every ballot on a busy machine; the demo then waits for it.
        closes = await conn.fetchval("SELECT clock_timestamp() + interval '5 seconds'")
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


async def open_question(pool: asyncpg.Pool, ids: list[int], rng: random.Random) -> int:
    """One proposal still open for three weeks, half its electorate voted already."""
    electorate = Rule(contributors=tuple(ids[:40]))
    draft = check_draft(
        "Adopt a review checklist for plugins", "Adopt a review checklist for plugins.",
        "policy", [], "majority", {}, electorate, "1/4", {},
    )  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        project = await get_project(conn, SLUG)
        closes = await conn.fetchval("SELECT clock_timestamp() + interval '21 days'")
        proposal, _ = await votes.create(conn, project, draft, closes, ACTOR, key="demo-open")
        await votes.open_(conn, project.id, proposal.id, ACTOR)
        for voter in ids[:40:2]:
            ballot = _ballot("majority", [], 0.7, False, rng)
            await votes.cast(conn, project.id, proposal.id, voter, ballot, f"contributor:{voter}")
    return 1
