"""Assembling a signed transparency report for a project and period.

The document (``reports/report.schema.json``, format ``commons-report/1``) is built
inside one repeatable-read snapshot whose journal length equals the signed tree
head it embeds, so every figure, event and proof describes the same moment. The
signature is a detached JWS (EdDSA with the instance's report key, ``typ``
``commons-report+jws``; RFC 7515 Appendix F with RFC 7797 unencoded payload) over the
RFC 8785 form of the document. The document lists under ``attested_only`` what a
verifier cannot recompute from the evidence (``reports.recompute.ATTESTED_ONLY``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from ledger.journal import heads as tree_heads
from ledger.journal.canonical import timestamp
from ledger.journal.jws import sign_payload
from ledger.journal.keys import InstanceKeys
from ledger.kernel.errors import Unavailable
from ledger.register.models import Project
from ledger.register.projects import get_project
from reports import contributor_metrics, evidence, sections
from reports.period import Period, parse_period
from reports.recompute import ATTESTED_ONLY
from reports.recompute.document import FORMAT

SCHEMA_ID = "/schemas/commons-report/v1.json"
SCHEMA_FILE = Path(__file__).with_name("report.schema.json")
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


async def _snapshot_head(conn: asyncpg.Connection, project: Project) -> tree_heads.SignedTreeHead:
    """Inside the caller's snapshot: a signed head whose size equals the journal's length."""
    seq = int(
        await conn.fetchval("SELECT seq FROM journal_heads WHERE project_id = $1", project.id)
    )
    head = await tree_heads.latest_head(conn, project.id)
    if head is None or head.size != seq:
        raise LookupError("head behind")
    return head


async def build_document(
    pool: asyncpg.Pool,
    project: Project,
    period: Period,
    keys: InstanceKeys,
    progress: Progress = _quiet,
    embed_limit: int = evidence.EMBED_LIMIT,
    reader: asyncpg.Pool | None = None,
) -> dict[str, Any]:
    """The unsigned report document (figures, tree head, evidence) at one moment: the
    head is signed on ``pool``, the document read on ``reader`` (a read replica) when
    it has replayed that head, else on ``pool``."""
    sources = [pool] if reader is None or reader is pool else [reader, pool]
    for _ in range(5):
        async with pool.acquire() as conn:
            progress("signing the tree head")
            await tree_heads.publish_head(conn, project.id, project.slug, keys.tree_heads)
        for source in sources:
            async with (
                source.acquire() as conn,
                conn.transaction(isolation="repeatable_read", readonly=True),
            ):
                try:
                    head = await _snapshot_head(conn, project)
                except LookupError:
                    continue
                return await _document(conn, project, period, head, progress, embed_limit)
    raise Unavailable("the journal keeps moving; try the report again")


async def _document(
    conn: asyncpg.Connection,
    project: Project,
    period: Period,
    head: tree_heads.SignedTreeHead,
    progress: Progress,
    embed_limit: int,
) -> dict[str, Any]:
    steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("contributors", lambda: contributor_metrics.contributor_metrics(conn, project.id, period)),
        ("organisations", lambda: contributor_metrics.elephant_factor(conn, project.id, period)),
        ("funding", lambda: sections.funding(conn, project.id, period)),
        ("licensing", lambda: sections.licensing(conn, project.id, period)),
        ("decisions", lambda: sections.decisions(conn, project.id, period)),
        (
            "evidence",
            lambda: evidence.build_evidence(conn, project.id, period, head.size, embed_limit),
        ),
    ]
    doc: dict[str, Any] = {
        "format": FORMAT,
        "project": {
            "id": project.id,
            "slug": project.slug,
            "name": project.name,
            "outbound_license": project.outbound_license,
        },
        "period": {
            "label": period.label,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "generated_at": timestamp(datetime.now(UTC)),
        "tree_head": head.public(),
    }
    for name, step in steps:
        progress(name)
        doc[name] = await step()
    doc["attested_only"] = ATTESTED_ONLY
    return doc


def sign_document(doc: dict[str, Any], keys: InstanceKeys) -> dict[str, Any]:
    """The published report: the document plus its detached JWS (the report key)."""
    jws = sign_payload(keys.reports, doc, detached=True)
    kid = keys.reports.active.kid
    return {"report": doc, "signature": {"alg": "EdDSA", "kid": kid, "jws": jws}}


async def signed_report(
    pool: asyncpg.Pool,
    slug: str,
    period_label: str,
    keys: InstanceKeys,
    progress: Progress = _quiet,
    embed_limit: int = evidence.EMBED_LIMIT,
) -> dict[str, Any]:
    """Parse, build and sign the report of a project and period."""
    period = parse_period(period_label)
    project = await get_project(pool, slug)
    doc = await build_document(pool, project, period, keys, progress, embed_limit)
    return sign_document(doc, keys)
