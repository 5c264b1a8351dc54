"""Treasury objects by global id (``node(id)``): sponsors, sponsorships, transactions,
accounts and expense approvals, each keyed by project and number, and the treasurer's
tools (``tool_nodes``)."""

from __future__ import annotations

from typing import Any

from ledger.graphql import Info, int_key
from ledger.kernel.errors import NotFound
from ledger.treasury.approvals import list_approvals
from ledger.treasury.books import load_transactions
from ledger.treasury.gql.sponsors import Sponsor, Sponsorship
from ledger.treasury.gql.tool_nodes import TOOL_NODES
from ledger.treasury.gql.types import Account, ExpenseApproval, TreasuryTransaction
from ledger.treasury.queries import balances
from ledger.treasury.sponsors import get_sponsor, get_sponsorship


def _key(parts: list[str]) -> tuple[int, int] | None:
    return (int_key(parts[0]), int_key(parts[1])) if len(parts) == 2 else None


async def _sponsor(info: Info, parts: list[str]) -> Sponsor | None:
    key = _key(parts)
    if key is None:
        return None
    try:
        sponsor = await get_sponsor(info.context.pool, *key)
    except NotFound:
        return None
    slug = await info.context.pool.fetchval("SELECT slug FROM projects WHERE id = $1", key[0])
    return Sponsor.of(key[0], str(slug), sponsor)


async def _sponsorship(info: Info, parts: list[str]) -> Sponsorship | None:
    key = _key(parts)
    if key is None:
        return None
    try:
        return Sponsorship.of(key[0], await get_sponsorship(info.context.pool, *key))
    except NotFound:
        return None


async def _transaction(info: Info, parts: list[str]) -> TreasuryTransaction | None:
    key = _key(parts)
    if key is None:
        return None
    (found,) = await load_transactions(info.context.pool, key[0], [key[1]])
    return TreasuryTransaction.of(found, key[0]) if found else None


async def _account(info: Info, parts: list[str]) -> Account | None:
    key = _key(parts)
    if key is None:
        return None
    found = [a for a in await balances(info.context.pool, key[0], None) if a.account_id == key[1]]
    return Account.of(found[0], key[0]) if found else None


async def _approval(info: Info, parts: list[str]) -> ExpenseApproval | None:
    key = _key(parts)
    if key is None:
        return None
    found = [a for a in await list_approvals(info.context.pool, key[0]) if a.id == key[1]]
    return ExpenseApproval.of(found[0], key[0]) if found else None


NODES: dict[str, Any] = {
    "Sponsor": _sponsor,
    "Sponsorship": _sponsorship,
    "TreasuryTransaction": _transaction,
    "Account": _account,
    "ExpenseApproval": _approval,
    **TOOL_NODES,
}
