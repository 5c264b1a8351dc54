"""HTTP for the treasury: the transactions CSV with running balances, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Stream

from app.runtime import Runtime
from ledger.kernel.errors import InvalidInput
from ledger.register.projects import get_project
from ledger.treasury.export import csv_chunks


@get("/projects/{slug:str}/transactions.csv")
async def transactions_csv(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    since: FromQuery[date | None] = None,
    until: FromQuery[date | None] = None,
) -> Stream:
    """Every treasury transaction (value dates ``since``..``until``, inclusive) with
    the running balance per currency; public, like the books themselves."""
    runtime: Runtime = request.app.state.runtime
    project = await get_project(runtime.pool, slug)
    if since and until and since > until:
        raise InvalidInput("since is after until", "since")

    async def body() -> AsyncIterator[str]:
        async with runtime.pool.acquire() as conn, conn.transaction(readonly=True):
            async for chunk in csv_chunks(conn, project.id, since, until):
                yield chunk

    return Stream(
        body(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{project.slug}-transactions.csv"'},
    )
