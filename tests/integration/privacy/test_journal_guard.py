"""The journal refuses a body that holds an email or IP address, whatever the writer:
the safety net behind events that name people by number only."""

from __future__ import annotations

import asyncpg
import pytest

from ledger.journal.chain import append_event, head
from ledger.journal.events.register import KindDefined
from ledger.kernel.errors import InvalidInput
from ledger.register import projects


async def test_an_event_body_holding_an_email_or_ip_address_is_never_journaled(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await projects.create_project(conn, projects.ProjectInput("wiki", "Wiki"), "x")
        length = (await head(conn, project.id))[0]
        for text, kind in [("ask ada@example.org", "an email address"),
                           ("edits from 2001:db8::7", "an IP address")]:  # fmt: skip
            with pytest.raises(InvalidInput, match=f"kind.defined.description looks like {kind}"):
                await append_event(
                    conn, project.id, KindDefined(kind="poem", description=text), "x"
                )
        assert (await head(conn, project.id))[0] == length
        await append_event(conn, project.id, KindDefined(kind="poem", description="Poems"), "x")
        assert (await head(conn, project.id))[0] == length + 1
