"""The totals of a history as ``git log`` gives them and as an import recorded them, for
the same refs: commits, merges, co-author and sign-off trailers, lines added and
deleted (``bench.backfill`` prints them side by side)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import asyncpg

from intake.gitlog import refs_arguments
from intake.trailers import people_in

_FORMAT = (
    "--format=%x1e%H%x00%P%x00%ae%x00"
    "%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x00"
    "%(trailers:key=Signed-off-by,valueonly,separator=%x1f)%x00"
)
NAMES = ("commits", "merges", "co-authors", "sign-offs", "lines added", "lines deleted")


def _people(values: str) -> set[str]:
    found = set()
    for value in values.split("\x1f"):
        found |= {p.email for p in people_in(value.strip())}
    return found


def git_totals(path: Path, numstat: bool, code_merges: set[str]) -> dict[str, int]:
    """What ``git log`` says; trailers (git's parse, values read as people by
    ``people_in``) counted on the commits an import records as code (every commit but
    the merges outside ``code_merges``), once per person and commit."""
    command = ["git", "-C", str(path), "log", *refs_arguments(), "--no-renames", _FORMAT]
    out = subprocess.run(
        [*command, *(["--numstat"] if numstat else [])], check=True, capture_output=True
    ).stdout.decode("utf-8", "replace")
    totals = dict.fromkeys(NAMES, 0)
    for record in out.split("\x1e")[1:]:
        sha, parents, email, co, signed, rest = record.split("\x00", 5)
        totals["commits"] += 1
        merge = len(parents.split()) > 1
        totals["merges"] += merge
        if not merge or sha in code_merges:
            totals["co-authors"] += len(_people(co) - {email.strip().lower()})
            totals["sign-offs"] += len(_people(signed))
        for line in rest.splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                totals["lines added"] += int(parts[0]) if parts[0].isdigit() else 0
                totals["lines deleted"] += int(parts[1]) if parts[1].isdigit() else 0
    return totals


_LEDGER = """
SELECT
    (SELECT count(*) FROM contributions WHERE project_id = $1 AND natural_key NOT LIKE '%:co:%')
    + (SELECT count(*) FROM git_skipped_commits WHERE project_id = $1) AS commits,
    (SELECT count(*) FROM contributions WHERE project_id = $1 AND metadata ? 'merge')
    + (SELECT count(*) FROM git_skipped_commits WHERE project_id = $1 AND reason = 'merge')
        AS merges,
    (SELECT count(*) FROM contributions WHERE project_id = $1 AND natural_key LIKE '%:co:%')
        AS co_authors,
    (SELECT coalesce(sum(jsonb_array_length(metadata->'signoffs')), 0) FROM contributions
     WHERE project_id = $1 AND natural_key NOT LIKE '%:co:%' AND metadata ? 'signoffs')
        AS signoffs,
    (SELECT coalesce(sum((metadata->>'added')::bigint), 0) FROM contributions
     WHERE project_id = $1) AS added,
    (SELECT coalesce(sum((metadata->>'deleted')::bigint), 0) FROM contributions
     WHERE project_id = $1) AS deleted
"""
_CODE_MERGES = """
SELECT metadata->>'commit' FROM contributions
WHERE project_id = $1 AND kind = 'code' AND metadata ? 'merge'
"""


async def ledger_totals(pool: asyncpg.Pool, project_id: int) -> tuple[dict[str, int], set[str]]:
    """What the import recorded, and the merges it recorded as code."""
    row = await pool.fetchrow(_LEDGER, project_id)
    merges = {r[0] for r in await pool.fetch(_CODE_MERGES, project_id)}
    return dict(zip(NAMES, (int(v) for v in row.values()), strict=True)), merges
