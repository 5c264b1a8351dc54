"""Who may vote: a rule evaluated from the ledger, snapshotted when a proposal opens.

A rule is a union of: contributors with at least ``min_credit`` credit in the last
``months`` calendar months (the current one included, from ``contributor_month_stats``),
the project's maintainers, its members (``governance_roles``), and an explicit list.
Bots and merged-away contributors never vote; sponsors vote only as the contributors
they are, since money never appears in a rule. The published hash is SHA-256 of the
RFC 8785 form of the sorted member ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import asyncpg

from ledger.journal.canonical import canonical_json, sha256
from ledger.kernel.errors import InvalidInput

MAX_LISTED = 10_000


@dataclass(frozen=True, slots=True)
class Rule:
    """A union of electorate clauses (at least one)."""

    min_credit: Decimal | None = None
    months: int = 12
    maintainers: bool = False
    members: bool = False
    contributors: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The canonical, published form."""
        credit = (
            {"min_credit": str(self.min_credit), "months": self.months}
            if self.min_credit is not None
            else None
        )
        return {
            "credit": credit,
            "maintainers": self.maintainers,
            "members": self.members,
            "contributors": list(self.contributors),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Rule:
        credit = value.get("credit")
        return cls(
            Decimal(credit["min_credit"]) if credit else None,
            credit["months"] if credit else 12,
            bool(value.get("maintainers")),
            bool(value.get("members")),
            tuple(value.get("contributors", ())),
        )


def check_rule(
    min_credit: str | None,
    months: int | None,
    maintainers: bool,
    members: bool,
    contributors: list[int] | None,
) -> Rule:
    """Validate an electorate rule; it must name at least one clause."""
    credit = None
    if min_credit is not None:
        try:
            credit = Decimal(min_credit)
        except InvalidOperation:
            raise InvalidInput("minCredit is a decimal string", "electorate.minCredit") from None
        if not credit.is_finite() or credit < 0 or credit > Decimal(10) ** 12:
            raise InvalidInput("minCredit must be 0 or more", "electorate.minCredit")
    span = 12 if months is None else months
    if not 1 <= span <= 120:
        raise InvalidInput("months is 1 to 120", "electorate.months")
    listed = tuple(sorted(set(contributors or ())))
    if len(listed) > MAX_LISTED or any(c <= 0 for c in listed):
        raise InvalidInput(
            "contributors are positive ids, at most 10000", "electorate.contributors"
        )
    if credit is None and not maintainers and not members and not listed:
        raise InvalidInput("an electorate needs at least one clause", "electorate")
    return Rule(credit, span, maintainers, members, listed)


def electorate_hash(members: list[int]) -> bytes:
    """SHA-256 of the canonical sorted member list."""
    return sha256(canonical_json(sorted(members)))


_EVALUATE = """
SELECT c.id FROM contributors c
WHERE c.merged_into IS NULL AND NOT c.is_bot AND (
    ($2::numeric IS NOT NULL AND c.id IN (
        SELECT s.contributor_id FROM contributor_month_stats s
        WHERE s.project_id = $1
          AND s.month >= (date_trunc('month', now()) - make_interval(months => $3 - 1))::date
        GROUP BY s.contributor_id HAVING sum(s.credit) >= $2))
    OR ($4 AND c.id IN (SELECT r.contributor_id FROM governance_roles r
                        WHERE r.project_id = $1 AND r.role = 'maintainer'))
    OR ($5 AND c.id IN (SELECT r.contributor_id FROM governance_roles r
                        WHERE r.project_id = $1 AND r.role = 'member'))
    OR c.id = any($6::bigint[])
)
ORDER BY c.id
"""


async def evaluate(conn: asyncpg.Connection, project_id: int, rule: Rule) -> list[int]:
    """The contributor ids the rule admits now (by the database's clock), sorted."""
    rows = await conn.fetch(
        _EVALUATE,
        project_id,
        rule.min_credit,
        rule.months,
        rule.maintainers,
        rule.members,
        list(rule.contributors),
    )
    return [r["id"] for r in rows]
