"""Recomputing a report's figures from its published evidence (pure, no I/O).

Input: the journal's events (decoded from the report's event documents) and the
affiliations embedded in the report.
Output: the same ``contributors``, ``organisations`` and ``decisions`` figures the SQL produced,
by the reference definitions of ``reports.figures``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.journal.events import Event
from ledger.journal.events.governance import (
    ProposalClosed,
    ProposalCreated,
    ProposalDecided,
    ProposalOpened,
)
from ledger.journal.events.register import ContributionRecorded
from ledger.register.models import CODE_KINDS
from reports.figures import absence_factor, decimal_text, gini, share
from reports.period import Period


@dataclass(frozen=True, slots=True)
class Counted:
    """One counted contribution as the journal published it."""

    contributor_id: int
    kind: str
    at: datetime
    credit: Decimal


def counted_contributions(events: Iterable[Event]) -> list[Counted]:
    """Counted (non-bot) contributions from the journal's events."""
    return [
        Counted(e.contributor_id, e.kind, _instant(e.occurred_at), Decimal(e.credit))
        for e in events
        if isinstance(e, ContributionRecorded) and e.counted
    ]


def contributor_figures(all_counted: list[Counted], period: Period) -> dict[str, Any]:
    """The ``contributors`` section recomputed from counted contributions."""
    inside = [c for c in all_counted if period.contains(c.at)]
    count: dict[int, int] = defaultdict(int)
    credit: dict[int, Decimal] = defaultdict(Decimal)
    kinds: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    months: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for c in inside:
        count[c.contributor_id] += 1
        credit[c.contributor_id] += c.credit
        for bucket, key in ((kinds, c.kind), (months, c.at.strftime("%Y-%m"))):
            bucket[key][0] += 1
            bucket[key][1] += c.credit
    first: dict[int, datetime] = {}
    for c in all_counted:
        if c.contributor_id not in first or c.at < first[c.contributor_id]:
            first[c.contributor_id] = c.at
    total = len(inside)
    code = sum(v[0] for k, v in kinds.items() if k in CODE_KINDS)
    return {
        "contributions": total,
        "credit": decimal_text(sum(credit.values(), Decimal(0))),
        "active_contributors": len(count),
        "new_contributors": sum(1 for at in first.values() if period.contains(at)),
        "absence_factor": {
            "by_count": absence_factor(count.values()),
            "by_credit": absence_factor(credit.values()),
        },
        "gini_of_credit": gini(credit.values()),
        "code_share": share(code, total),
        "by_kind": {k: v[0] for k, v in kinds.items()},
        "monthly": {m: v[0] for m, v in months.items()},
    }


def _day(text: str | None, default: date) -> date:
    return date.fromisoformat(text) if text else default


def organisation_figures(
    all_counted: list[Counted], affiliations: list[dict[str, Any]], period: Period
) -> dict[str, Any]:
    """The ``organisations`` elephant factor recomputed from contributions and affiliations."""
    spans: dict[int, list[tuple[date, date, int, int]]] = defaultdict(list)
    for order, a in enumerate(affiliations):
        spans[int(a["contributor_id"])].append(
            (
                _day(a["valid_from"], date.min),
                _day(a["valid_to"], date.max),
                order,
                int(a["organisation_id"]),
            )
        )
    count: dict[int, int] = defaultdict(int)
    credit: dict[int, Decimal] = defaultdict(Decimal)
    unaffiliated = 0
    inside = [c for c in all_counted if period.contains(c.at)]
    for c in inside:
        day = c.at.date()
        valid = [s for s in spans.get(c.contributor_id, []) if s[0] <= day < s[1]]
        if not valid:
            unaffiliated += 1
            continue
        org = max(valid, key=lambda s: (s[0], s[2]))[3]
        count[org] += 1
        credit[org] += c.credit
    return {
        "by_count": absence_factor(count.values()),
        "by_credit": absence_factor(credit.values()),
        "unaffiliated_contributions": unaffiliated,
        "unaffiliated_share": share(unaffiliated, len(inside)),
    }


def published_figures(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same figures as printed in a report, in the recomputed shape."""
    c = report["contributors"]
    o = report["organisations"]
    mine = {
        "contributions": c["contributions"],
        "credit": c["credit"],
        "active_contributors": c["active_contributors"],
        "new_contributors": c["new_contributors"],
        "absence_factor": c["absence_factor"],
        "gini_of_credit": c["gini_of_credit"],
        "code_share": c["mix"]["code_share"],
        "by_kind": {k["kind"]: k["contributions"] for k in c["mix"]["by_kind"]},
        "monthly": {m["month"]: m["contributions"] for m in c["monthly"]},
    }
    orgs = {
        "by_count": o["by_count"],
        "by_credit": o["by_credit"],
        "unaffiliated_contributions": o["unaffiliated_contributions"],
        "unaffiliated_share": o["unaffiliated_share"],
    }
    return mine, orgs


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def decision_figures(events: Iterable[Event], period: Period) -> dict[str, Any]:
    """The ``decisions`` summary recomputed from the governance events of the journal."""
    method: dict[int, str] = {}
    opened = 0
    closed_at: dict[int, datetime] = {}
    decided: dict[int, ProposalDecided] = {}
    for e in events:
        match e:
            case ProposalCreated():
                method[e.proposal_id] = e.method
            case ProposalOpened() if period.contains(_instant(e.opens_at)):
                opened += 1
            case ProposalClosed():
                closed_at[e.proposal_id] = _instant(e.closed_at)
            case ProposalDecided():
                decided[e.proposal_id] = e
    inside = [
        (pid, decided[pid])
        for pid, at in closed_at.items()
        if pid in decided and period.contains(at)
    ]
    outcomes = [d.outcome for _, d in inside]
    sizes = [d.result.electorate_size for _, d in inside]
    ballots = sum(d.result.turnout for _, d in inside)
    return {
        "opened": opened,
        "closed": len(inside),
        "passed": outcomes.count("passed"),
        "failed": outcomes.count("failed"),
        "no_quorum": outcomes.count("no_quorum"),
        "vetoes": sum(
            1
            for pid, d in inside
            if method.get(pid) in ("consent", "lazy_consensus") and d.outcome == "failed"
        ),
        "turnout": share(ballots, sum(sizes)),
        "electorate_sizes": sorted(sizes),
    }


def published_decisions(report: dict[str, Any]) -> dict[str, Any]:
    """The decisions summary as printed in a report."""
    return {k: v for k, v in report["decisions"].items() if k != "proposals"}
