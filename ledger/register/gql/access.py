"""Role checks resolvers of every package share on a project named by its slug."""

from __future__ import annotations

import asyncpg
import strawberry

from ledger.kernel.context import Context
from ledger.register.models import Project
from ledger.register.projects import get_project


async def maintained_project(
    conn: asyncpg.Connection | asyncpg.Pool, info: strawberry.Info[Context, None], slug: str
) -> Project:
    """The project ``slug`` after checking the caller maintains it (Forbidden, NotFound)."""
    info.context.principal.require(slug, "maintainer")
    return await get_project(conn, slug)
