"""Exchange rates the treasurer states for reports (never used to move money: a
conversion carries its own rate). A rate is units of ``quote`` per unit of
``currency`` on a day, from a named source; a currency, quote and day name one rate
for good (stating it again with another rate or source is a Conflict). Reports value
balances in the project's reporting currency at the latest rate quoted on or before
the period's last day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import RateRecorded
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput
from ledger.kernel.money import check_currency
from ledger.register.models import check_text
from ledger.treasury.posting import claim_key, remember_key, request_of, value_date

_COLUMNS = "currency, quote, quoted_on, rate, source, actor, recorded_at"
_INSERT = f"""
INSERT INTO treasury_rates (project_id, currency, quote, quoted_on, rate, source, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}
"""
_ONE = f"""
SELECT {_COLUMNS} FROM treasury_rates
WHERE project_id = $1 AND currency = $2 AND quote = $3 AND quoted_on = $4
"""
_LATEST = f"""
SELECT DISTINCT ON (currency) {_COLUMNS} FROM treasury_rates
WHERE project_id = $1 AND quote = $2 AND quoted_on <= $3
ORDER BY currency, quoted_on DESC
"""


@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    quote: str
    quoted_on: date
    rate: Decimal
    source: str
    actor: str
    recorded_at: datetime


def _rate(row: asyncpg.Record) -> Rate:
    return Rate(
        row["currency"],
        row["quote"],
        row["quoted_on"],
        row["rate"],
        row["source"],
        row["actor"],
        row["recorded_at"],
    )


async def record_rate(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    currency: str,
    quote: str,
    quoted_on: date,
    rate: Decimal,
    source: str,
    actor: str,
) -> tuple[Rate, bool]:
    """State a rate once; the same rate stated again is a replay."""
    request = request_of(
        currency=currency, quote=quote, quoted_on=quoted_on, rate=rate, source=source
    )
    stored = await claim_key(conn, project_id, "recordExchangeRate", key, request)
    code = check_currency(currency, "currency")
    target = check_currency(quote, "quote")
    if stored is not None:
        return _rate(await conn.fetchrow(_ONE, project_id, code, target, quoted_on)), True
    if code == target:
        raise InvalidInput("a rate needs two different currencies", "quote")
    check_text(source, "source", 200)
    await value_date(conn, quoted_on, "quotedOn")
    row = await conn.fetchrow(_INSERT, project_id, code, target, quoted_on, rate, source, actor)
    if row is None:
        found = _rate(await conn.fetchrow(_ONE, project_id, code, target, quoted_on))
        if (found.rate, found.source) != (rate, source):
            raise Conflict(
                f"a {code}/{target} rate for {quoted_on} is stated already ({found.rate}, "
                f"{found.source})",
                ConflictCode.ALREADY_EXISTS,
            )
        await remember_key(conn, project_id, key, {"stated": True})
        return found, True
    stated = _rate(row)
    event = RateRecorded(
        currency=code,
        quote=target,
        quoted_on=quoted_on.isoformat(),
        rate=str(rate),
        source=source,
    )
    await append_event(conn, project_id, event, actor)
    await remember_key(conn, project_id, key, {"stated": True})
    return stated, False


async def stated_rate(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, currency: str, quote: str, on: date
) -> Rate | None:
    """The rate stated into ``quote`` for ``currency`` on the day ``on``, if any."""
    row = await conn.fetchrow(_ONE, project_id, currency, quote, on)
    return _rate(row) if row else None


async def rates_on(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, quote: str, on: date
) -> dict[str, Rate]:
    """The latest rate into ``quote`` quoted on or before ``on``, per currency."""
    return {r["currency"]: _rate(r) for r in await conn.fetch(_LATEST, project_id, quote, on)}
