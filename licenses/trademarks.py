"""Trademark notices: who owns which marks, and the policy for using them.

Kept apart from copyright on purpose: no license grant conveys a trademark right
(every grant row says ``trademark_excluded``), so marks are recorded on their own.
"""

from __future__ import annotations

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.licenses import TrademarkNoticeSet
from ledger.kernel.errors import InvalidInput
from ledger.register.models import check_name, check_url
from licenses.models import TrademarkNotice

_COLUMNS = "project_id, mark, owner, notice, policy_url, updated_at"
_UPSERT = f"""
INSERT INTO trademark_notices (project_id, mark, owner, notice, policy_url, updated_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (project_id, mark) DO UPDATE SET owner = excluded.owner, notice = excluded.notice,
    policy_url = excluded.policy_url, updated_by = excluded.updated_by,
    updated_at = clock_timestamp()
RETURNING {_COLUMNS}
"""
_LIST = f"SELECT {_COLUMNS} FROM trademark_notices WHERE project_id = $1 ORDER BY mark"


def _notice(row: asyncpg.Record) -> TrademarkNotice:
    return TrademarkNotice(
        row["project_id"],
        row["mark"],
        row["owner"],
        row["notice"],
        row["policy_url"],
        row["updated_at"],
    )


async def set_notice(
    conn: asyncpg.Connection,
    project_id: int,
    mark: str,
    owner: str,
    notice: str,
    policy_url: str | None,
    actor: str,
) -> TrademarkNotice:
    """Record (or replace) the notice for one mark and journal it."""
    mark = check_name(mark, "mark")
    owner = check_name(owner, "owner")
    notice = notice.strip()
    if not 1 <= len(notice) <= 2000:
        raise InvalidInput("notice must be 1 to 2000 characters", "notice")
    url = check_url(policy_url, "policyUrl")
    row = await conn.fetchrow(_UPSERT, project_id, mark, owner, notice, url, actor)
    event = TrademarkNoticeSet(mark=mark, owner=owner, notice=notice, policy_url=url)
    await append_event(conn, project_id, event, actor)
    return _notice(row)


async def list_notices(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[TrademarkNotice]:
    """The project's trademark notices, by mark."""
    return [_notice(r) for r in await conn.fetch(_LIST, project_id)]
