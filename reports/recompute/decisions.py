"""The ``decisions`` section recomputed from the journal's governance events (pure, no I/O).

Each proposal closed in the period is first rechecked as ``governance.audit`` does it:
the elector list hashes to the published electorate hash, the tally sheet to the
published sheet hash, nobody counts twice or from outside the electorate, and the
sheet recounted under the proposal's method and quorum gives the published result and
outcome. The section (counts by outcome, vetoes, turnout, electorate sizes and the list
of proposals) is then rebuilt from those events.
"""

from __future__ import annotations

from typing import Any

from governance.audit import Published, recheck
from reports.figures import share
from reports.recompute.replay import Replay, micros

VETO_METHODS = ("consent", "lazy_consensus")


def _closed_at(text: str) -> str:
    """The instant to the second, as the report prints it (``2026-07-31T12:00:00Z``)."""
    return text[:19] + "Z"


def decisions(replay: Replay) -> tuple[dict[str, Any], list[str]]:
    """The ``decisions`` section, and what rechecking each closed proposal found wrong."""
    problems: list[str] = []
    opened = sum(
        1
        for p in replay.proposals.values()
        if p.opened is not None and replay.start <= micros(p.opened.opens_at) < replay.end
    )
    closed: list[tuple[int, int, Published]] = []
    for pid, p in replay.proposals.items():
        if p.closed is None or not replay.start <= micros(p.closed.closed_at) < replay.end:
            continue
        if p.created is None or p.opened is None or p.decided is None:
            problems.append(f"proposal {pid} closed without its created, opened and decided events")
            continue
        published = Published(p.created, p.opened, p.closed, p.decided)
        problems += [f"proposal {pid}: {problem}" for problem in recheck(published)]
        closed.append((micros(p.closed.closed_at), pid, published))
    rows: list[dict[str, Any]] = []
    for _, pid, event in sorted(closed, key=lambda c: (c[0], c[1])):
        size, ballots = event.opened.electorate_size, event.decided.result.turnout
        veto = event.created.method in VETO_METHODS and event.decided.outcome == "failed"
        rows.append(
            {
                "id": pid,
                "title": event.created.title,
                "kind": event.created.kind,
                "method": event.created.method,
                "outcome": event.decided.outcome,
                "closed_at": _closed_at(event.closed.closed_at),
                "electorate_size": size,
                "ballots": ballots,
                "veto": veto,
                "turnout": share(ballots, size),
            }
        )
    outcomes = [r["outcome"] for r in rows]
    return {
        "opened": opened,
        "closed": len(rows),
        "passed": outcomes.count("passed"),
        "failed": outcomes.count("failed"),
        "no_quorum": outcomes.count("no_quorum"),
        "vetoes": sum(1 for r in rows if r["veto"]),
        "turnout": share(sum(r["ballots"] for r in rows), sum(r["electorate_size"] for r in rows)),
        "electorate_sizes": sorted(r["electorate_size"] for r in rows),
        "proposals": rows,
    }, problems
