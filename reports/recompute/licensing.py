"""The ``licensing`` section recomputed from the journal's grants (pure, no I/O).

Coverage follows ``licenses.coverage``: a grant covers a counted contribution made
before the grant's window closed (its withdrawal, or the effective date of the next
version of the agreement it accepted) when the grant lists it (``grant.recorded`` /
``grant.extended``), or when the grant covers all work from a date by its grantor, the
contributor holding the contribution (or the one that contributor is merged into). Work
covered through a corporate agreement depends on whom it authorises, which is private:
the report lists those contributions (``evidence.corporate_coverage``) and they count
as covered when the named corporate grant's window contains them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt

from licenses import compat
from reports.figures import share
from reports.recompute.replay import Grant, Replay, micros
from reports.recompute.work import NEVER, Work


def covers_until(replay: Replay, grant: Grant) -> int:
    """When a grant stops covering new work (microseconds; NEVER when it does not)."""
    until = NEVER if grant.withdrawn_at is None else grant.withdrawn_at
    version = grant.recorded.agreement_version
    if version is not None:
        for later, effective in replay.agreements.get(grant.recorded.instrument, []):
            if later > version:
                until = min(until, effective)
    return int(until)


def _listed(work: Work, until: dict[int, int]) -> npt.NDArray[np.bool_]:
    covered = np.zeros(work.n, dtype=bool)
    listed, granted = work.replay.listed
    if not len(listed) or not work.n:
        return covered
    ids = np.frombuffer(listed, dtype=np.int64)
    grants = np.frombuffer(granted, dtype=np.int64)
    rows = work.find(ids)
    ends = np.array([until.get(int(g), 0) for g in grants], dtype=np.int64)
    inside = rows >= 0
    rows, ends = rows[inside], ends[inside]
    covered[rows[work.at[rows] < ends]] = True
    return covered


def _personal(work: Work, until: dict[int, int]) -> npt.NDArray[np.bool_]:
    covered = np.zeros(work.n, dtype=bool)
    replay = work.replay
    by_grantor: dict[int, list[tuple[int, int]]] = {}
    for gid, grant in replay.grants.items():
        g = grant.recorded
        if g.scope == "from_date" and g.grantor_contributor_id is not None and g.scope_from:
            window = (micros(g.scope_from), until[gid])
            by_grantor.setdefault(g.grantor_contributor_id, []).append(window)
    for holder in work.holders():
        people = {holder, replay.holders.merged_into(holder)}
        windows = [w for p in people if p is not None for w in by_grantor.get(p, [])]
        if not windows:
            continue
        rows = work.rows_of(holder)
        at = work.at[rows]
        for start, end in windows:
            covered[rows[(at >= start) & (at < end)]] = True
    return covered


def corporate_claims(
    work: Work, claims: list[dict[str, Any]], until: dict[int, int]
) -> tuple[npt.NDArray[np.bool_], list[str]]:
    """Contributions covered through corporate grants, and why any claim does not hold."""
    covered = np.zeros(work.n, dtype=bool)
    problems = []
    for claim in claims:
        gid = int(claim["grant_id"])
        found = work.replay.grants.get(gid)
        g = found.recorded if found else None
        if g is None or g.grantor_organisation_id is None or g.scope != "from_date":
            problems.append(f"grant {gid} is not a corporate grant of the journal")
            continue
        ids = np.array(claim["contribution_ids"], dtype=np.int64)
        rows = work.find(ids)
        start = micros(g.scope_from) if g.scope_from else 0
        valid = rows >= 0
        valid[valid] &= (work.at[rows[valid]] >= start) & (work.at[rows[valid]] < until[gid])
        if not valid.all():
            bad = ids[~valid][:3].tolist()
            problems.append(f"grant {gid} cannot cover contributions {bad} (not in its window)")
        covered[rows[valid]] = True
    return covered, problems


def licensing(work: Work, claims: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """The ``licensing`` section, and problems with the corporate coverage evidence."""
    replay = work.replay
    until = {gid: covers_until(replay, g) for gid, g in replay.grants.items()}
    corporate, problems = corporate_claims(work, claims, until)
    covered = _listed(work, until) | _personal(work, until) | corporate
    totals = np.bincount(work.kind, minlength=len(work.kinds))
    hits = np.bincount(work.kind[covered], minlength=len(work.kinds))
    rows = sorted(
        (work.kinds[i], int(totals[i]), int(hits[i])) for i in range(len(work.kinds)) if totals[i]
    )
    total, hit = work.n, int(covered.sum())
    return {
        "outbound_license": replay.outbound_license,
        "contributions": total,
        "covered": hit,
        "uncovered": total - hit,
        "coverage_share": share(hit, total),
        "by_kind": [
            {"kind": k, "contributions": n, "covered": c, "uncovered": n - c, "share": share(c, n)}
            for k, n, c in rows
        ],
        "grants_by_instrument": _instruments(replay),
        "incompatible_inbound": _incompatible(replay),
    }, problems


def _instruments(replay: Replay) -> dict[str, int]:
    counted: Counter[str] = Counter()
    for grant in replay.grants.values():
        g = grant.recorded
        effective = micros(g.effective_at)
        if effective < replay.end and (
            grant.withdrawn_at is None or grant.withdrawn_at >= replay.start
        ):
            counted[g.instrument] += 1
    return dict(sorted(counted.items()))


def _incompatible(replay: Replay) -> list[dict[str, Any]]:
    outbound = replay.outbound_license
    if outbound is None:
        return []
    inbound: Counter[str] = Counter(
        g.recorded.license_expression
        for g in replay.grants.values()
        if g.recorded.license_expression is not None and g.withdrawn_at is None
    )
    found = []
    for expression, grants in sorted(inbound.items()):
        verdict = compat.compatibility(expression, outbound)
        if verdict.status == "incompatible":
            found.append({"license": expression, "grants": grants, "reason": verdict.reason})
    return found
