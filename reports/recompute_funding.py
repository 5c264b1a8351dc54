"""Recomputing a report's funding figures from the journal's treasury events (pure, no I/O).

What the figures need is the journal's events alone (plus the report's embedded
affiliations for the affiliates' contributions): every entry of a
``treasury.transaction_posted`` names its account's kind and name.

Money received from a sponsor is the net change its transactions (those with a
``sponsor``) made to ``treasury`` accounts, by value date, as
``ledger.treasury.metrics`` defines it; sponsors, their anonymity and their
non-commons sponsorships come from ``treasury.sponsor_recorded`` and
``treasury.sponsorship_recorded``. Spending, balances, pledges, in-kind support, fees
and the sustainability figures are ``reports.funding.money_figures`` of the books the
events describe (``reports.funding.books.from_events``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from msgspec import UNSET

from ledger.journal.events import Event
from ledger.journal.events.treasury import (
    SponsorRecorded,
    SponsorshipRecorded,
    TransactionPosted,
)
from ledger.treasury.metrics import ratio
from reports.figures import absence_factor
from reports.funding import MONEY_KEYS, money_figures
from reports.funding.books import from_events
from reports.period import Period
from reports.recompute import Counted


def _affiliated(
    counted: list[Counted], affiliations: list[dict[str, Any]], org: int | None, person: int | None
) -> int:
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for a in affiliations:
        if org is not None and int(a["organisation_id"]) == org:
            low = date.fromisoformat(a["valid_from"]) if a["valid_from"] else date.min
            high = date.fromisoformat(a["valid_to"]) if a["valid_to"] else date.max
            spans[int(a["contributor_id"])].append((low, high))
    return sum(
        1
        for c in counted
        if c.contributor_id == person
        or any(low <= c.at.date() < high for low, high in spans.get(c.contributor_id, []))
    )


def _sponsor_of(sponsor: SponsorRecorded | None) -> tuple[int | None, int | None]:
    """The organisation and the contributor a sponsor is (either may be None)."""
    return (sponsor.organisation, sponsor.contributor) if sponsor else (None, None)


def funding_figures(
    events: Iterable[Event],
    affiliations: list[dict[str, Any]],
    counted: list[Counted],
    period: Period,
) -> dict[str, Any]:
    """The funding figures in the shape of ``published_funding``."""
    events = list(events)
    sponsors: dict[int, SponsorRecorded] = {}
    flagged_sponsors: set[int] = set()
    flagged: list[int] = []
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for e in events:
        match e:
            case SponsorRecorded():
                sponsors[e.sponsor] = e
            case SponsorshipRecorded(non_commons=True):
                flagged_sponsors.add(e.sponsor)
                flagged.append(e.sponsorship)
            case TransactionPosted(sponsor=sponsor) if sponsor is not UNSET:
                day = date.fromisoformat(e.occurred_on)
                if not period.start <= day < period.end:
                    continue
                for entry in e.entries:
                    if entry.kind == "treasury":
                        totals[(entry.currency, sponsor)] += int(entry.minor)
    inside = [c for c in counted if period.contains(c.at)]
    currencies = []
    for currency in sorted({cur for (cur, _), amount in totals.items() if amount}):
        rows = sorted(
            ((s, amount) for (cur, s), amount in totals.items() if cur == currency and amount),
            key=lambda row: (-row[1], row[0]),
        )
        total = sum(amount for _, amount in rows)
        positive = [amount for _, amount in rows if amount > 0]
        currencies.append(
            {
                "currency": currency,
                "total_minor": str(total),
                "funding_elephant_factor": absence_factor(positive),
                "top_sponsor_share": str(ratio(max(positive), sum(positive))) if positive else None,
                "sponsors": [
                    [
                        s,
                        str(amount),
                        str(ratio(amount, total)) if total else None,
                        s in flagged_sponsors,
                        _affiliated(inside, affiliations, *_sponsor_of(sponsors.get(s))),
                    ]
                    for s, amount in rows
                ],
            }
        )
    return {
        "currencies": currencies,
        "non_commons": sorted(flagged),
        **money_figures(from_events(events), period),
    }


def published_funding(report: dict[str, Any]) -> dict[str, Any]:
    """The funding figures as printed in a report, in the recomputed shape."""
    f = report["funding"]
    return {
        "currencies": [
            {
                "currency": c["currency"],
                "total_minor": c["total_minor"],
                "funding_elephant_factor": c["funding_elephant_factor"],
                "top_sponsor_share": c["top_sponsor_share"],
                "sponsors": [
                    [
                        s["sponsor_id"],
                        s["amount_minor"],
                        s["share"],
                        s["non_commons"],
                        s["affiliate_contributions"],
                    ]
                    for s in c["sponsors"]
                ],
            }
            for c in f["currencies"]
        ],
        "non_commons": sorted(n["sponsorship_id"] for n in f["non_commons"]),
        **{key: f[key] for key in MONEY_KEYS},
    }
