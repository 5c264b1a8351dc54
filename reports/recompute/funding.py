"""The ``funding`` section recomputed from the journal's treasury events (pure, no I/O).

Money received from a sponsor is the net change its transactions
(``treasury.transaction_posted`` with a ``sponsor``) made to the treasury's accounts
(kind ``treasury`` in the report's embedded account list), by value date, as
``ledger.treasury.metrics`` defines it. Sponsors, their names, and their non-commons
sponsorships come from ``treasury.sponsor_recorded`` and
``treasury.sponsorship_recorded``; a sponsor's affiliate contributions are the period's
contributions by the sponsor itself (a contributor) or by people affiliated with it (an
organisation) on the contribution's day. Spending, balances, pledges, in-kind support,
fees and the sustainability figures are ``reports.funding.money_figures`` of the books
the events describe (``reports.funding.books.from_events``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ledger.kernel.money import format_minor
from ledger.treasury.metrics import ratio
from reports.figures import absence_factor
from reports.funding import money_figures
from reports.funding.books import from_events
from reports.recompute.work import Span, Work


def _affiliates(work: Work, spans: dict[int, list[Span]], sponsor: int) -> int:
    found = work.replay.sponsors.get(sponsor)
    if found is None:
        return 0
    mask = np.zeros(work.n, dtype=bool)
    if found.contributor is not None:
        mask[work.rows_of(found.contributor)] = True
    if found.organisation is not None:
        mask |= work.member_of(found.organisation, spans)
    return int(mask.sum())


def _name(work: Work, sponsor: int) -> str:
    found = work.replay.sponsors.get(sponsor)
    if found is None:
        return f"sponsor {sponsor}"
    return found.name if found.name is not None else f"contributor {found.contributor}"


def funding(work: Work, spans: dict[int, list[Span]]) -> dict[str, Any]:
    """The ``funding`` section."""
    replay = work.replay
    affiliates = {s: _affiliates(work, spans, s) for s in replay.sponsors}
    flagged = sorted((s for s in replay.sponsorships if s.non_commons), key=lambda s: s.sponsorship)
    flagged_sponsors = {s.sponsor for s in flagged}
    currencies = []
    for currency in sorted({cur for (cur, _), amount in replay.received.items() if amount}):
        rows = sorted(
            ((s, amount) for (cur, s), amount in replay.received.items() if cur == currency),
            key=lambda row: (-row[1], row[0]),
        )
        rows = [(s, amount) for s, amount in rows if amount]
        total = sum(amount for _, amount in rows)
        positive = [amount for _, amount in rows if amount > 0]
        currencies.append(
            {
                "currency": currency,
                "total_minor": str(total),
                "total": format_minor(total, currency),
                "funding_elephant_factor": absence_factor(positive),
                "top_sponsor_share": str(ratio(max(positive), sum(positive))) if positive else None,
                "sponsors": [
                    {
                        "sponsor_id": s,
                        "name": _name(work, s),
                        "amount_minor": str(amount),
                        "amount": format_minor(amount, currency),
                        "share": str(ratio(amount, total)) if total else None,
                        "non_commons": s in flagged_sponsors,
                        "affiliate_contributions": affiliates.get(s, 0),
                        "affiliate_share": str(ratio(affiliates.get(s, 0), work.n))
                        if work.n
                        else None,
                    }
                    for s, amount in rows
                ],
            }
        )
    return {
        "currencies": currencies,
        "non_commons": [
            {
                "sponsorship_id": f.sponsorship,
                "sponsor_id": f.sponsor,
                "name": _name(work, f.sponsor),
                "kind": f.kind,
                "amount": f.amount,
                "currency": f.currency,
                "reason": f.non_commons_reason,
            }
            for f in flagged
        ],
        **money_figures(from_events(replay.books), replay.period),
        "sponsor_names": [
            {"sponsor_id": s, "name": _name(work, s)} for s in sorted(replay.sponsors)
        ],
    }
