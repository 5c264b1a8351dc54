"""In-kind support (hardware, CI minutes, hosting, staff time an organisation gives) in
the books: valued at a stated amount and posted as a balanced ``in_kind`` transaction,
crediting the sponsor's ``in_kind`` account and debiting its contra ``in_kind_use`` of
the category, so the support is on the books, in the CSV and in the report beside
money while no fund's money held changes by a cent."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import Money
from ledger.register.models import check_text
from ledger.treasury.models import IN_KIND_CATEGORIES, Movement, Transaction
from ledger.treasury.posting import (
    Accounts,
    check_memo,
    fixed,
    idempotent,
    post_movement,
    request_of,
    value_date,
)
from ledger.treasury.rules import in_kind_legs
from ledger.treasury.sponsors import get_sponsor, get_sponsorship


async def record_in_kind(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    value: Money,
    category: str,
    description: str,
    sponsorship_id: int | None = None,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Support given in goods or services, valued at ``value``, against its contra."""
    request = request_of(
        sponsor=sponsor_id,
        value=value,
        category=category,
        description=description,
        sponsorship=sponsorship_id,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        if category not in IN_KIND_CATEGORIES:
            raise InvalidInput(
                f"category must be one of {', '.join(IN_KIND_CATEGORIES)}", "category"
            )
        check_text(description, "description", 2000)
        await get_sponsor(conn, project_id, sponsor_id)
        if sponsorship_id is not None:
            sponsorship = await get_sponsorship(conn, project_id, sponsorship_id)
            if sponsorship.sponsor_id != sponsor_id or sponsorship.kind != "in_kind":
                raise InvalidInput("name an in-kind sponsorship of this sponsor", "sponsorship")
        movement = Movement(
            "in_kind",
            await value_date(conn, occurred_on),
            check_memo(memo),
            sponsor_id,
            sponsorship_id,
            purpose=description,
        )
        accounts: Accounts = [
            (("in_kind_use", category, value.currency), None),
            (("in_kind", str(sponsor_id), value.currency), sponsor_id),
        ]
        legs = fixed(in_kind_legs(sponsor_id, value, category))
        return await post_movement(conn, project_id, movement, accounts, legs, actor)

    return await idempotent(conn, project_id, "inKind", key, request, effect)
