"""Credit policies: versioned weights per contribution kind.

A contribution's credit is the weight of its kind under the policy in force when it
was recorded, stored with that policy's version; a new policy never rewrites the
past. Policies are append-only in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.base import or_unset
from ledger.journal.events.register import CreditPolicySet
from ledger.kernel.errors import NotFound
from ledger.register.models import check_kind, check_weight

DEFAULT_WEIGHT = Decimal("1")
_PLACES = Decimal("0.0001")


def _fixed(value: Decimal) -> str:
    """Weights are stored and published with exactly four decimals."""
    return str(value.quantize(_PLACES))


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    project_id: int
    version: int
    weights: dict[str, Decimal]
    default_weight: Decimal
    reason: str
    actor: str
    created_at: datetime

    def weight(self, kind: str) -> Decimal:
        """The credit one contribution of ``kind`` earns."""
        return self.weights.get(kind, self.default_weight)


def explain(count: int, kind: str, weight: Decimal, version: int) -> str:
    """Human form of a score, e.g. ``12.0 = 3 code x 4.0, policy v2``."""
    total = weight * count
    return f"{_num(total)} = {count} {kind} x {_num(weight)}, policy v{version}"


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def parse_weights(
    weights: dict[str, str], project_kinds: frozenset[str] = frozenset()
) -> dict[str, Decimal]:
    """Validate a kind -> decimal-string map."""
    parsed = {}
    for kind, value in weights.items():
        check_kind(kind, project_kinds)
        parsed[kind] = check_weight(value, f"weights.{kind}")
    return parsed


_CURRENT = """
SELECT project_id, version, weights, default_weight, reason, actor, created_at
FROM credit_policies WHERE project_id = $1 ORDER BY version DESC LIMIT 1
"""
_ALL = """
SELECT project_id, version, weights, default_weight, reason, actor, created_at
FROM credit_policies WHERE project_id = $1 ORDER BY version
"""
_INSERT = """
INSERT INTO credit_policies (project_id, version, weights, default_weight, reason, actor)
SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 FROM credit_policies WHERE project_id = $1
RETURNING project_id, version, weights, default_weight, reason, actor, created_at
"""


def _policy(row: asyncpg.Record) -> CreditPolicy:
    return CreditPolicy(
        row["project_id"],
        row["version"],
        {k: Decimal(v) for k, v in row["weights"].items()},
        row["default_weight"],
        row["reason"],
        row["actor"],
        row["created_at"],
    )


async def current_policy(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> CreditPolicy:
    """The policy in force for new contributions."""
    row = await conn.fetchrow(_CURRENT, project_id)
    if row is None:
        raise NotFound(f"project {project_id} has no credit policy")
    return _policy(row)


async def policies(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> list[CreditPolicy]:
    """Every version of the project's policy, oldest first."""
    return [_policy(r) for r in await conn.fetch(_ALL, project_id)]


async def set_policy(
    conn: asyncpg.Connection,
    project_id: int,
    weights: dict[str, Decimal],
    default_weight: Decimal,
    reason: str,
    actor: str,
    proposal_id: int | None = None,
) -> CreditPolicy:
    """Create the next policy version and journal it (caller's transaction).

    ``proposal_id`` names the vote that decided it, when one did.
    Callers serialise on the journal head first, so versions never race.
    """
    await conn.execute("SELECT 1 FROM journal_heads WHERE project_id = $1 FOR UPDATE", project_id)
    row = await conn.fetchrow(
        _INSERT,
        project_id,
        {k: _fixed(v) for k, v in weights.items()},
        default_weight,
        reason,
        actor,
    )
    policy = _policy(row)
    event = CreditPolicySet(
        version=policy.version,
        weights={k: _fixed(v) for k, v in sorted(weights.items())},
        default_weight=_fixed(default_weight),
        reason=reason,
        proposal_id=or_unset(proposal_id),
    )
    await append_event(conn, project_id, event, actor)
    return policy
