"""Recording contributions (single or in bulk) with their credit, rollups and events.

The natural key (commit sha, PR number, a client's idempotency key...) makes every
recording idempotent; it, the evidence URL and the metadata are public and refused when
they hold an email or IP address (``ledger.kernel.personal``): the same key with the
same facts returns the first record, with different facts it is refused. The rollups
(``ledger.register.rollups``) are kept in the same transaction, so dashboards never
aggregate raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_events
from ledger.journal.events.base import or_unset
from ledger.journal.events.register import ContributionRecorded
from ledger.kernel.errors import IdempotencyMismatch, InvalidInput, NotFound
from ledger.kernel.personal import refuse_personal
from ledger.register.credit import current_policy
from ledger.register.facts import facts_of
from ledger.register.models import (
    Contribution,
    NewContribution,
    check_kind,
    check_natural_key,
    check_source,
    check_url,
)
from ledger.register.projects import project_kinds
from ledger.register.rollups import roll_up

COLUMNS = """project_id, id, contributor_id, kind, occurred_at, source, natural_key,
    evidence_url, metadata, credit, policy_version, counted, recorded_at"""
_INSERT = f"""
INSERT INTO contributions (project_id, contributor_id, kind, occurred_at, source, natural_key,
    evidence_url, metadata, credit, policy_version, counted)
SELECT $1, u.contributor_id, u.kind, u.occurred_at, u.source, u.natural_key, u.evidence_url,
    u.metadata, u.credit, $2, u.counted
FROM unnest($3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
    $9::jsonb[], $10::numeric[], $11::boolean[])
    AS u(contributor_id, kind, occurred_at, source, natural_key, evidence_url, metadata, credit,
         counted)
ON CONFLICT (project_id, natural_key) DO NOTHING
RETURNING {COLUMNS}
"""
_BY_KEYS = f"""
SELECT {COLUMNS} FROM contributions WHERE project_id = $1 AND natural_key = any($2::text[])
"""
_CONTRIBUTORS = """
SELECT c.id, coalesce(m.id, c.id) AS canonical, coalesce(m.is_bot, c.is_bot) AS is_bot
FROM contributors c LEFT JOIN contributors m ON m.id = c.merged_into
WHERE c.id = any($1::bigint[])
"""


def _contribution(row: asyncpg.Record) -> Contribution:
    return Contribution(
        row["project_id"],
        row["id"],
        row["contributor_id"],
        row["kind"],
        row["occurred_at"],
        row["source"],
        row["natural_key"],
        row["evidence_url"],
        row["metadata"],
        row["credit"],
        row["policy_version"],
        row["counted"],
        row["recorded_at"],
    )


async def by_natural_keys(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, keys: list[str]
) -> list[Contribution]:
    """The project's contributions with these natural keys (any order)."""
    return [_contribution(r) for r in await conn.fetch(_BY_KEYS, project_id, keys)] if keys else []


def _same_facts(stored: Contribution, new: NewContribution, contributor_id: int) -> bool:
    return (
        stored.contributor_id == contributor_id
        and stored.kind == new.kind
        and stored.occurred_at == new.occurred_at
        and stored.source == new.source
        and stored.evidence_url == new.evidence_url
        and stored.metadata == new.metadata
    )


def _validate(new: NewContribution, kinds: frozenset[str]) -> None:
    check_kind(new.kind, kinds)
    check_source(new.source)
    check_natural_key(new.natural_key)
    check_url(new.evidence_url, "evidenceUrl")
    # journaled or public: never an email or IP address (people go by number)
    refuse_personal(new.natural_key, "naturalKey")
    refuse_personal(new.evidence_url, "evidenceUrl")
    refuse_personal(new.metadata, "metadata")
    if new.occurred_at.tzinfo is None:
        raise InvalidInput("occurredAt needs a time zone", "occurredAt")
    facts_of(new.metadata, new.occurred_at)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A contribution and whether this call created it (False on a replay)."""

    contribution: Contribution
    created: bool


async def record_contributions(
    conn: asyncpg.Connection,
    project_id: int,
    items: Sequence[NewContribution],
    actor: str,
) -> list[Recorded]:
    """Record contributions idempotently, in the caller's transaction, in input order.

    Contributions of bots, and those recorded with ``counted`` False, are stored but not
    counted (no credit, no rollups).
    """
    if not items:
        return []
    kinds = await project_kinds(conn, project_id)
    for item in items:
        _validate(item, kinds)
    people = {
        r["id"]: (r["canonical"], r["is_bot"])
        for r in await conn.fetch(_CONTRIBUTORS, list({i.contributor_id for i in items}))
    }
    missing = {i.contributor_id for i in items} - people.keys()
    if missing:
        raise NotFound(f"no contributor {min(missing)}")
    await conn.execute("SELECT 1 FROM journal_heads WHERE project_id = $1 FOR UPDATE", project_id)
    policy = await current_policy(conn, project_id)
    owner = [people[i.contributor_id][0] for i in items]
    counted = [i.counted and not people[i.contributor_id][1] for i in items]
    credit = [
        policy.weight(i.kind) if c else Decimal(0) for i, c in zip(items, counted, strict=True)
    ]
    rows = await conn.fetch(
        _INSERT,
        project_id,
        policy.version,
        owner,
        [i.kind for i in items],
        [i.occurred_at for i in items],
        [i.source for i in items],
        [i.natural_key for i in items],
        [i.evidence_url for i in items],
        [i.metadata for i in items],
        credit,
        counted,
    )
    fresh = {r["natural_key"]: _contribution(r) for r in rows}
    stale_keys = [i.natural_key for i in items if i.natural_key not in fresh]
    stale = {
        r["natural_key"]: _contribution(r)
        for r in (await conn.fetch(_BY_KEYS, project_id, stale_keys) if stale_keys else [])
    }
    results, claimed = [], set()
    for item, who in zip(items, owner, strict=True):
        key = item.natural_key
        if key in fresh and key not in claimed:
            claimed.add(key)
            results.append(Recorded(fresh[key], True))
            continue
        stored = fresh.get(key) or stale[key]
        if not _same_facts(stored, item, who):
            raise IdempotencyMismatch(
                f"natural key {item.natural_key!r} was already recorded with different facts"
            )
        results.append(Recorded(stored, False))
    created = [r.contribution for r in results if r.created]
    await roll_up(conn, project_id, created)
    await append_events(conn, project_id, [(_event(c), actor) for c in created])
    return results


def _event(c: Contribution) -> ContributionRecorded:
    facts = facts_of(c.metadata, c.occurred_at)
    return ContributionRecorded(
        contribution_id=c.id,
        contributor_id=c.contributor_id,
        kind=c.kind,
        occurred_at=timestamp(c.occurred_at),
        source=c.source,
        natural_key=c.natural_key,
        evidence_url=c.evidence_url,
        credit=str(c.credit),
        policy_version=c.policy_version,
        counted=c.counted,
        thread=or_unset(facts.thread),
        thread_role=or_unset(facts.thread_role),
        opened_at=or_unset(facts.opened_at),
        repository=or_unset(facts.repository),
        reverts=or_unset(facts.reverts),
    )
