"""The ``contributors`` and ``organisations`` sections recomputed from the replayed journal
and the report's embedded affiliations, in the report's own shape (pure, no I/O).

The definitions are those of ``reports.contributor_metrics`` (CHAOSS absence and
elephant factors, Gini of credit, new contributors by first counted contribution ever,
the mix by kind with ``ledger.register.models.CODE_KINDS`` as code) by the reference
functions of ``reports.figures``; each contribution counts for the record that holds
it after merges.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ledger.register.models import CODE_KINDS
from reports.figures import absence_factor, gini, share
from reports.recompute.work import Span, Work, credit_text, first_by_holder


def contributors(work: Work) -> dict[str, Any]:
    """The ``contributors`` section."""
    replay = work.replay
    holders, index = np.unique(work.holder, return_inverse=True)
    counts, credits = work.sums(index, len(holders))
    first = first_by_holder(replay)
    new = sum(1 for at in first.values() if replay.start <= at < replay.end)
    kind_counts, kind_credits = work.sums(work.kind, len(work.kinds))
    months = work.at.astype("datetime64[us]").astype("datetime64[M]")
    month_keys, month_index = np.unique(months, return_inverse=True)
    month_counts, month_credits = work.sums(month_index, len(month_keys))
    by_kind = sorted(
        (work.kinds[i], int(kind_counts[i]), int(kind_credits[i]))
        for i in range(len(work.kinds))
        if kind_counts[i]
    )
    code = sum(n for k, n, _ in by_kind if k in CODE_KINDS)
    total = work.n
    return {
        "contributions": total,
        "credit": credit_text(int(credits.sum())),
        "active_contributors": len(holders),
        "new_contributors": new,
        "absence_factor": {
            "by_count": absence_factor(int(v) for v in counts),
            "by_credit": absence_factor(int(v) for v in credits),
        },
        "gini_of_credit": gini(int(v) for v in credits),
        "mix": {
            "code_contributions": code,
            "non_code_contributions": total - code,
            "code_share": share(code, total),
            "non_code_share": share(total - code, total),
            "by_kind": [
                {
                    "kind": kind,
                    "code": kind in CODE_KINDS,
                    "contributions": n,
                    "credit": credit_text(c),
                    "share": share(n, total),
                }
                for kind, n, c in by_kind
            ],
        },
        "monthly": [
            {
                "month": str(month_keys[i])[:7],
                "contributions": int(month_counts[i]),
                "credit": credit_text(int(month_credits[i])),
            }
            for i in range(len(month_keys))
        ],
    }


def organisations(
    work: Work, spans: dict[int, list[Span]], names: dict[int, str]
) -> dict[str, Any]:
    """The ``organisations`` section: elephant factors, unaffiliated work, top ten."""
    org = work.organisation_of(spans)
    owned = org >= 0
    ids, index = np.unique(org[owned], return_inverse=True)
    counts = np.bincount(index, minlength=len(ids)).astype(np.int64)
    credits = np.zeros(len(ids), dtype=np.int64)
    np.add.at(credits, index, work.credit[owned])
    unaffiliated = work.n - int(owned.sum())
    ranked = sorted(zip(ids.tolist(), counts.tolist(), credits.tolist(), strict=True),
                    key=lambda r: (-r[1], r[0]))  # fmt: skip
    return {
        "by_count": absence_factor(counts.tolist()),
        "by_credit": absence_factor(credits.tolist()),
        "unaffiliated_contributions": unaffiliated,
        "unaffiliated_share": share(unaffiliated, work.n),
        "top_organisations": [
            {
                "organisation_id": o,
                "name": names.get(o),
                "contributions": n,
                "credit": credit_text(c),
            }
            for o, n, c in ranked[:10]
        ],
    }
