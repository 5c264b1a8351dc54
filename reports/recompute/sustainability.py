"""The ``sustainability`` section recomputed from the replayed journal and the report's
embedded affiliations (pure, no I/O), by the definitions of ``reports.critics.cohorts``:
per quarter of the window, the contributions each record holds now, the absence and
elephant factors, and the cohorts of first contributions ever; the funding runway and
concentration are those of the recomputed ``funding`` section."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from reports.critics import funding_outlook
from reports.critics.measures import Quarter, cohort_counts, from_first_active
from reports.critics.measures import retention as retention_rows
from reports.critics.measures import window as quarters_of
from reports.figures import absence_factor
from reports.recompute.replay import Replay
from reports.recompute.work import DAY_MICROS, Span, Work, credit_text, first_by_holder


def quarters_of_days(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per UTC day since the epoch, the index of its quarter (``measures.quarter_index``)."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (months // 12 + 1970) * 4 + (months % 12) // 3


def _trend_row(
    quarter: Quarter, work: Work, rows: npt.NDArray[np.intp], org: npt.NDArray[np.int64]
) -> dict[str, Any]:
    holders, index = np.unique(work.holder[rows], return_inverse=True)
    counts = np.bincount(index, minlength=len(holders)).astype(np.int64)
    credits = np.zeros(len(holders), dtype=np.int64)
    np.add.at(credits, index, work.credit[rows])
    owned = rows[org[rows] >= 0]
    orgs, org_index = np.unique(org[owned], return_inverse=True)
    org_counts = np.bincount(org_index, minlength=len(orgs)).astype(np.int64)
    org_credits = np.zeros(len(orgs), dtype=np.int64)
    np.add.at(org_credits, org_index, work.credit[owned])
    return {
        "quarter": quarter.label,
        "contributions": len(rows),
        "credit": credit_text(int(credits.sum())),
        "active_contributors": len(holders),
        "absence_factor": {
            "by_count": absence_factor(counts.tolist()),
            "by_credit": absence_factor(credits.tolist()),
        },
        "elephant_factor": {
            "by_count": absence_factor(org_counts.tolist()),
            "by_credit": absence_factor(org_credits.tolist()),
        },
    }


def sustainability(
    replay: Replay, spans: dict[int, list[Span]], funding: dict[str, Any]
) -> dict[str, Any]:
    """The ``sustainability`` section (``funding``: the recomputed section of that name)."""
    work = Work(replay, replay.window)
    quarter = quarters_of_days(work.day)
    shown = from_first_active(quarters_of(replay.period), set(quarter.tolist()))
    org = work.organisation_of(spans)
    first = first_by_holder(replay)
    inside = [(h, at) for h, at in first.items() if replay.window_start <= at < replay.end]
    days = np.array([at // DAY_MICROS for _, at in inside], dtype=np.int64)
    cohorts = dict(zip([h for h, _ in inside], quarters_of_days(days).tolist(), strict=True))
    active: dict[int, set[int]] = {}
    for holder, q in zip(work.holder.tolist(), quarter.tolist(), strict=True):
        active.setdefault(holder, set()).add(q)
    sizes, kept = cohort_counts(cohorts, active)
    return {
        "quarters": [q.label for q in shown],
        "retention": retention_rows(shown, sizes, kept),
        "trend": [_trend_row(q, work, np.flatnonzero(quarter == q.index), org) for q in shown],
        "funding": funding_outlook(funding),
    }
