"""What a passed proposal changes, applied once inside the closing transaction.

- ``credit_policy``: the next credit policy version (``ledger.register.credit.set_policy``);
- ``expense``: a disbursement authorised in the treasury
  (``ledger.treasury.approvals.authorize_expense``);
- ``membership``: a contributor put on (or taken off) the maintainer or member list
  that electorate rules refer to;
- other kinds record the decision only.

An effect the ledger refuses (e.g. the treasury would be overdrawn) is recorded as
the effect's ``error``: the vote's outcome stands, and nothing is half-applied
because the effect runs in a savepoint.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from governance import voter_store
from governance.models import Proposal
from ledger.journal.chain import append_event
from ledger.journal.events import decode
from ledger.journal.events.governance import RoleSet
from ledger.kernel.errors import CommonsError, InvalidInput
from ledger.kernel.money import parse_amount
from ledger.register.credit import parse_weights, set_policy
from ledger.register.models import check_weight
from ledger.register.projects import project_kinds
from ledger.treasury.approvals import authorize_expense


async def check_action(
    conn: asyncpg.Connection, project_id: int, kind: str, action: Any
) -> dict[str, Any]:
    """Validate the action a proposal of ``kind`` would take; its canonical JSON."""
    if action is None:
        action = {}
    if not isinstance(action, dict):
        raise InvalidInput("action is a JSON object", "action")
    if kind == "credit_policy":
        return await _check_credit_policy(conn, project_id, action)
    if kind == "expense":
        return _check_expense(action)
    if kind == "membership":
        return _check_membership(action)
    if action:
        raise InvalidInput(f"a {kind} proposal takes no action", "action")
    return {}


async def _check_credit_policy(
    conn: asyncpg.Connection, project_id: int, action: dict[str, Any]
) -> dict[str, Any]:
    if set(action) - {"weights", "default_weight", "reason"} or "weights" not in action:
        raise InvalidInput("action is {weights, default_weight, reason}", "action")
    weights = action["weights"]
    if not isinstance(weights, dict) or any(not isinstance(v, str) for v in weights.values()):
        raise InvalidInput("weights map kinds to decimal strings", "action.weights")
    parsed = parse_weights(weights, await project_kinds(conn, project_id))
    default = check_weight(str(action.get("default_weight", "1")), "action.default_weight")
    reason = action.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 2000:
        raise InvalidInput("reason is text up to 2000 characters", "action.reason")
    return {
        "weights": {k: str(v) for k, v in sorted(parsed.items())},
        "default_weight": str(default),
        "reason": reason,
    }


def _check_membership(action: dict[str, Any]) -> dict[str, Any]:
    if set(action) != {"contributor", "role"}:
        raise InvalidInput("action is {contributor, role}", "action")
    contributor, role = action["contributor"], action["role"]
    if (
        not isinstance(contributor, int)
        or isinstance(contributor, bool)
        or not 0 < contributor < 2**63
    ):
        raise InvalidInput("contributor is a contributor number", "action.contributor")
    if role not in ("maintainer", "member", None):
        raise InvalidInput("role is maintainer, member or null (remove)", "action.role")
    return {"contributor": contributor, "role": role}


def _check_expense(action: dict[str, Any]) -> dict[str, Any]:
    if set(action) != {"amount", "currency", "payee", "purpose"}:
        raise InvalidInput("action is {amount, currency, payee, purpose}", "action")
    money = parse_amount(action["amount"], action["currency"], "action.amount")
    for name in ("payee", "purpose"):
        value = action[name]
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 2000:
            raise InvalidInput(f"{name} is 1 to 2000 characters", f"action.{name}")
    return {
        "amount": money.decimal,
        "currency": money.currency,
        "payee": action["payee"].strip(),
        "purpose": action["purpose"].strip(),
    }


async def apply(conn: asyncpg.Connection, proposal: Proposal, actor: str) -> dict[str, Any] | None:
    """Apply a passed proposal's effect in a savepoint; what happened, as JSON."""
    if proposal.kind not in ("credit_policy", "expense", "membership"):
        return None
    try:
        async with conn.transaction():
            if proposal.kind == "credit_policy":
                return await _credit_policy(conn, proposal, actor)
            if proposal.kind == "membership":
                return await _membership(conn, proposal, actor)
            return await _expense(conn, proposal, actor)
    except CommonsError as exc:
        return {"applied": False, "error": str(exc.code), "message": exc.message}


async def _credit_policy(
    conn: asyncpg.Connection, proposal: Proposal, actor: str
) -> dict[str, Any]:
    action = proposal.action
    policy = await set_policy(
        conn,
        proposal.project_id,
        {k: Decimal(v) for k, v in action["weights"].items()},
        Decimal(action["default_weight"]),
        action.get("reason") or f"proposal {proposal.id}: {proposal.title}",
        actor,
        proposal_id=proposal.id,
    )
    return {"applied": True, "credit_policy_version": policy.version}


async def _membership(conn: asyncpg.Connection, proposal: Proposal, actor: str) -> dict[str, Any]:
    contributor, role = proposal.action["contributor"], proposal.action["role"]
    changed = await voter_store.set_role(conn, proposal.project_id, contributor, role, actor)
    if changed:
        body = {"contributor": contributor, "role": role, "proposal_id": proposal.id}
        await append_event(conn, proposal.project_id, decode(RoleSet, body), actor)
    return {"applied": True, "changed": changed}


async def _expense(conn: asyncpg.Connection, proposal: Proposal, actor: str) -> dict[str, Any]:
    action = proposal.action
    authorization = await authorize_expense(
        conn,
        proposal.project_id,
        proposal_id=proposal.id,
        amount=action["amount"],
        currency=action["currency"],
        payee=action["payee"],
        purpose=action["purpose"],
        actor=actor,
    )
    return {"applied": True, "expense_authorization": int(authorization)}
