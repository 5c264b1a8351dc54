"""Importing a records file (``.csv`` with a header line, or ``.jsonl``): every row is
checked first and any refusal (with its line number) refuses the whole file, so
nothing is ever half-imported; a good file is recorded in one transaction, and
importing it again adds nothing (natural keys ``records:<source>:<natural_key>``). A
key recorded before with other facts is a refusal too.

The contributor is an identity of the records' source (``records``, external id
``<source>:<handle>``).
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from intake.bots import is_bot
from intake.payload import Activity, Actor
from intake.record import record_activities
from intake.records.schema import RecordRow, Refusal, check_row
from ledger.kernel.errors import InvalidInput
from ledger.kernel.heap import in_bulk
from ledger.register.models import Project, check_source
from ledger.register.projects import project_kinds

SOURCE = "records"
ACTOR = "import:records"
_STORED = """
SELECT c.natural_key, c.kind, c.occurred_at, c.evidence_url, c.metadata,
    coalesce(p.merged_into, p.id) AS owner
FROM contributions c JOIN contributors p ON p.id = c.contributor_id
WHERE c.project_id = $1 AND c.natural_key = any($2::text[])
"""
_OWNERS = """
SELECT i.external_id, coalesce(p.merged_into, p.id) AS owner
FROM identities i JOIN contributors p ON p.id = i.contributor_id
WHERE i.source = 'records' AND i.external_id = any($1::text[])
"""


@dataclass(frozen=True, slots=True)
class RecordsImport:
    """What a file held: its rows, how many were new or recorded before, and every
    refused line (when there is one, nothing was imported)."""

    source: str
    rows: int
    recorded: int
    already: int
    refused: tuple[Refusal, ...]


def read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, row) for each row of a ``.csv`` (a dict by header) or ``.jsonl`` file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InvalidInput(f"a records file is .csv or .jsonl, not {path.name}", "path")
    line = 0
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            if suffix == ".jsonl":
                for line, text in enumerate(file, 1):
                    if text.strip():
                        try:
                            yield line, json.loads(text)
                        except ValueError:
                            yield line, None
                return
            reader = csv.reader(file)
            header = [h.strip().lower() for h in next(reader, [])]
            if not header:
                raise InvalidInput("the file is empty: a CSV starts with its header", "path")
            line = reader.line_num
            for fields in reader:
                start, line = line + 1, reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    yield start, len(fields)
                    continue
                yield start, dict(zip(header, fields, strict=True))
    except UnicodeDecodeError:
        raise InvalidInput(f"the file is not UTF-8 (after line {line})", "path") from None
    except csv.Error as exc:
        raise InvalidInput(f"line {line + 1}: {exc}", "path") from None


def check_file(path: Path, kinds: frozenset[str]) -> tuple[list[RecordRow], list[Refusal]]:
    """The valid rows and the refused lines of a file."""
    rows: list[RecordRow] = []
    refused: list[Refusal] = []
    seen: dict[str, int] = {}
    for line, raw in read_rows(path):
        if isinstance(raw, int):
            refused.append(Refusal(line, f"{raw} fields where the header names another number"))
            continue
        if not isinstance(raw, dict):
            refused.append(Refusal(line, "a line of a .jsonl file is one JSON object"))
            continue
        try:
            row = check_row(line, raw, kinds)
        except InvalidInput as exc:
            refused.append(Refusal(line, str(exc)))
            continue
        if row.natural_key in seen:
            refused.append(
                Refusal(
                    line,
                    f"natural_key {row.natural_key!r} is already on line {seen[row.natural_key]}",
                )
            )
            continue
        seen[row.natural_key] = line
        rows.append(row)
    return rows, refused


def _activity(source: str, row: RecordRow, bots: tuple[str, ...]) -> Activity:
    bot = is_bot(row.contributor, row.name, None, None, bots)
    actor = Actor(SOURCE, f"{source}:{row.contributor}", row.contributor, row.name, bot=bot)
    key = f"{SOURCE}:{source}:{row.natural_key}"
    return Activity(actor, row.kind, row.occurred_at, key, row.evidence_url, row.metadata)


async def _conflicts(
    conn: asyncpg.Connection, project_id: int, pairs: list[tuple[RecordRow, Activity]]
) -> tuple[list[Refusal], int]:
    """Rows whose key was recorded with other facts, and how many were recorded alike."""
    keys = [a.natural_key for _, a in pairs]
    stored = {r["natural_key"]: r for r in await conn.fetch(_STORED, project_id, keys)}
    if not stored:
        return [], 0
    people = [a.actor.external_id for _, a in pairs if a.natural_key in stored]
    owners = {r["external_id"]: r["owner"] for r in await conn.fetch(_OWNERS, people)}
    refused = []
    for row, activity in pairs:
        before = stored.get(activity.natural_key)
        if before is None:
            continue
        same = (
            owners.get(activity.actor.external_id) == before["owner"]
            and before["kind"] == activity.kind
            and before["occurred_at"] == activity.occurred_at
            and before["evidence_url"] == activity.url
            and before["metadata"] == activity.metadata
        )
        if not same:
            refused.append(
                Refusal(row.line, f"natural_key {row.natural_key!r} was recorded with other facts")
            )
    return refused, len(stored) - len(refused)


@in_bulk
async def import_records(
    pool: asyncpg.Pool, project: Project, path: Path, *, source: str | None = None
) -> RecordsImport:
    """Check a records file and import it whole, or refuse it whole."""
    name = check_source(source or project.slug)
    kinds = await project_kinds(pool, project.id)
    rows, refused = await asyncio.to_thread(check_file, path, kinds)
    total = len(rows) + len(refused)
    if not total:
        raise InvalidInput("the file holds no rows", "path")
    bots = tuple(project.settings.get("intake_bots") or ())
    pairs = [(row, _activity(name, row, bots)) for row in rows]
    async with pool.acquire() as conn, conn.transaction():
        clashes, already = await _conflicts(conn, project.id, pairs)
        refused = sorted([*refused, *clashes], key=lambda r: r.line)
        if refused:
            return RecordsImport(name, total, 0, 0, tuple(refused))
        activities = [a for _, a in pairs]
        new = await record_activities(conn, project.id, activities, SOURCE, ACTOR, bulk=True)
    return RecordsImport(name, total, new, already, ())
