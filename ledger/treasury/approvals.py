"""The treasury's policy and the approvals that authorise expenses.

``authorize_expense`` is the contract governance calls from a proposal's closing
transaction; ``claim_approval`` is how an expense uses an approval exactly once
(a maintainer's approval is created on the spot where the policy allows it).
"""

from __future__ import annotations

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import ExpenseAuthorized
from ledger.kernel.errors import Conflict, ConflictCode, NotFound
from ledger.kernel.money import Money, parse_amount
from ledger.register.models import Project, check_text
from ledger.register.projects import update_settings
from ledger.treasury.models import Approval, Policy, PolicyBreach

_APPROVAL = "id, source, proposal_id, amount, currency, payee, purpose, actor, recorded_at"
_INSERT_APPROVAL = f"""
INSERT INTO treasury_approvals (project_id, source, proposal_id, amount, currency, payee,
    purpose, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING {_APPROVAL}
"""


def _approval(row: asyncpg.Record) -> Approval:
    return Approval(
        row["id"],
        row["source"],
        row["proposal_id"],
        Money(row["amount"], row["currency"]),
        row["payee"],
        row["purpose"],
        row["actor"],
        row["recorded_at"],
    )


async def policy_of(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> Policy:
    """The project's treasury policy (defaults: no overdraft, approvals by proposal)."""
    settings = await conn.fetchval("SELECT settings FROM projects WHERE id = $1", project_id)
    if settings is None:
        raise NotFound(f"no project {project_id}")
    return Policy.of(settings)


async def _insert_approval(
    conn: asyncpg.Connection,
    project_id: int,
    source: str,
    proposal_id: int | None,
    money: Money,
    payee: str,
    purpose: str,
    actor: str,
) -> Approval | None:
    row = await conn.fetchrow(
        _INSERT_APPROVAL,
        project_id,
        source,
        proposal_id,
        money.minor,
        money.currency,
        check_text(payee, "payee", 200),
        check_text(purpose, "purpose", 2000),
        actor,
    )
    if row is None:
        return None
    approval = _approval(row)
    event = ExpenseAuthorized(
        approval=approval.id,
        source=source,
        proposal=proposal_id,
        approved_by=actor if proposal_id is None else f"proposal:{proposal_id}",
        currency=money.currency,
        amount=money.decimal,
        payee=payee,
        purpose=purpose,
    )
    await append_event(conn, project_id, event, actor)
    return approval


async def authorize_expense(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    proposal_id: int,
    amount: str,
    currency: str,
    payee: str,
    purpose: str,
    actor: str,
) -> int:
    """Record (and journal) the approval a passed proposal gives an expense; returns
    its id. Calling it again for the same proposal and terms returns the same id."""
    money = parse_amount(amount, currency)
    approval = await _insert_approval(
        conn, project_id, "proposal", proposal_id, money, payee, purpose, actor
    )
    if approval is not None:
        return approval.id
    row = await conn.fetchrow(
        f"SELECT {_APPROVAL} FROM treasury_approvals WHERE project_id = $1 AND proposal_id = $2",
        project_id,
        proposal_id,
    )
    existing = _approval(row)
    if (existing.amount, existing.payee, existing.purpose) != (money, payee, purpose):
        raise Conflict(
            f"proposal {proposal_id} already authorised a different expense",
            ConflictCode.APPROVAL_DIFFERS,
        )
    return existing.id


async def set_policy(
    conn: asyncpg.Connection, project: Project, policy: Policy, actor: str
) -> Policy:
    """Store the project's treasury policy in its settings and journal the change."""
    updated = await update_settings(conn, project, "treasury", policy.as_setting(), actor)
    return Policy.of(updated.settings)


async def claim_approval(
    conn: asyncpg.Connection,
    project_id: int,
    approval_id: int | None,
    money: Money,
    payee: str,
    purpose: str,
    actor: str,
    for_claim: int | None = None,
) -> Approval:
    """The approval an expense of ``money`` to ``payee`` uses, locked for this
    transaction: the one named (unused, same currency and payee, large enough, held by
    no expense claim but ``for_claim``) or, with none named, a maintainer's approval
    where the policy allows it."""
    if approval_id is None:
        if not (await policy_of(conn, project_id)).maintainer_approval:
            raise PolicyBreach(
                "this project's policy requires a passed proposal to approve an expense",
                ConflictCode.APPROVAL_REQUIRED,
            )
        approval = await _insert_approval(
            conn, project_id, "maintainer", None, money, payee, purpose, actor
        )
        assert approval is not None
        return approval
    row = await conn.fetchrow(
        f"SELECT {_APPROVAL} FROM treasury_approvals WHERE project_id = $1 AND id = $2 FOR UPDATE",
        project_id,
        approval_id,
    )
    if row is None:
        raise NotFound(f"no expense approval {approval_id} in this project")
    approval = _approval(row)
    used = await conn.fetchval(
        "SELECT id FROM treasury_transactions WHERE project_id = $1 AND approval_id = $2",
        project_id,
        approval_id,
    )
    if used is not None:
        raise PolicyBreach(
            f"approval {approval_id} was already used by transaction {used}",
            ConflictCode.APPROVAL_USED,
        )
    holder = await conn.fetchval(
        "SELECT id FROM treasury_expense_claims WHERE project_id = $1 AND approval_id = $2",
        project_id,
        approval_id,
    )
    if holder is not None and holder != for_claim:
        raise PolicyBreach(
            f"approval {approval_id} approved expense claim {holder}; pay that claim",
            ConflictCode.APPROVAL_USED,
        )
    if approval.amount.currency != money.currency:
        raise PolicyBreach(
            f"approval {approval_id} is for {approval.amount.currency}, not {money.currency}",
            ConflictCode.APPROVAL_CURRENCY,
        )
    if approval.amount.minor < money.minor:
        raise PolicyBreach(
            f"approval {approval_id} authorises at most {approval.amount}",
            ConflictCode.APPROVAL_EXCEEDED,
        )
    if approval.payee != payee:
        raise PolicyBreach(
            f"approval {approval_id} names the payee {approval.payee!r}",
            ConflictCode.APPROVAL_PAYEE,
        )
    return approval


async def list_approvals(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[Approval]:
    """Every expense approval of the project, oldest first."""
    rows = await conn.fetch(
        f"SELECT {_APPROVAL} FROM treasury_approvals WHERE project_id = $1 ORDER BY id", project_id
    )
    return [_approval(r) for r in rows]
