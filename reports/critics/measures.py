"""The pure definitions the quality, sustainability and rules sections share (no I/O):
nearest-rank percentiles of durations, the quarters a report looks back over, cohort
retention, and the test and documentation share of the work.

The SQL of ``reports.critics`` computes the figures over the register and the journal;
``reports.recompute`` computes them again from the published events with these same
functions, so both print the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reports.figures import share
from reports.period import Period

TREND_QUARTERS = 8
"""How many calendar quarters the trends and cohorts look back over."""
TEST_KINDS = frozenset({"test"})
DOC_KINDS = frozenset({"doc", "tutorial"})


def nearest_rank(ordered: list[int], percent: int) -> int | None:
    """The ``percent``-th percentile of ascending values by the nearest-rank method: the
    smallest value with at least ``percent``% of the values at or below it (the median
    is ``percent=50``: the lower middle of an even count); None when there are none."""
    if not ordered:
        return None
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def spread(seconds: Iterable[int]) -> dict[str, int | None]:
    """Median and 90th percentile (nearest rank) of whole-second durations."""
    ordered = sorted(seconds)
    return {"median_seconds": nearest_rank(ordered, 50), "p90_seconds": nearest_rank(ordered, 90)}


@dataclass(frozen=True, slots=True)
class Quarter:
    """A calendar quarter, cut at the period's end: [start, end)."""

    index: int
    """``year * 4 + quarter - 1``: consecutive quarters have consecutive indexes."""
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.index // 4}-Q{self.index % 4 + 1}"


def quarter_index(day: date) -> int:
    """The index of the quarter holding ``day``."""
    return day.year * 4 + (day.month - 1) // 3


def _first_day(index: int) -> date:
    return date(index // 4, 3 * (index % 4) + 1, 1)


def window(period: Period) -> list[Quarter]:
    """The ``TREND_QUARTERS`` quarters ending with the one of the period's last day,
    oldest first, the last one cut at the period's end."""
    last = quarter_index(date.fromordinal(period.end.toordinal() - 1))
    return [
        Quarter(i, _first_day(i), min(_first_day(i + 1), period.end))
        for i in range(last - TREND_QUARTERS + 1, last + 1)
    ]


def from_first_active(quarters: list[Quarter], active: Iterable[int]) -> list[Quarter]:
    """The quarters from the first one that saw any contribution (none if none did)."""
    seen = set(active)
    for at, quarter in enumerate(quarters):
        if quarter.index in seen:
            return quarters[at:]
    return []


def cohort_counts(
    first: Mapping[int, int], active: Mapping[int, Iterable[int]]
) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """From each person's first quarter (``first``: person -> quarter index) and the
    quarters they contributed in (``active``), the cohort sizes (quarter -> people) and
    how many of each cohort contributed in each later quarter ((cohort, later) -> people)."""
    sizes: dict[int, int] = {}
    kept: dict[tuple[int, int], int] = {}
    for person, cohort in first.items():
        sizes[cohort] = sizes.get(cohort, 0) + 1
        for later in set(active.get(person, ())):
            if later > cohort:
                kept[(cohort, later)] = kept.get((cohort, later), 0) + 1
    return sizes, kept


def retention(
    quarters: list[Quarter], sizes: Mapping[int, int], kept: Mapping[tuple[int, int], int]
) -> list[dict[str, Any]]:
    """Cohort rows, oldest first: per quarter, how many people made their first
    contribution in it (``sizes``) and how many of them contributed in each later
    quarter of the window, as counts and shares (``kept``, from ``cohort_counts``)."""
    rows = []
    for at, quarter in enumerate(quarters):
        size = sizes.get(quarter.index, 0)
        retained = [kept.get((quarter.index, q.index), 0) for q in quarters[at + 1 :]]
        rows.append(
            {
                "cohort": quarter.label,
                "size": size,
                "retained": retained,
                "shares": [share(k, size) for k in retained],
            }
        )
    return rows


def work_share(by_kind: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """Test and documentation contributions (``TEST_KINDS``, ``DOC_KINDS``) and their
    shares of the period's contributions, from the contributors section's mix."""
    test = sum(k["contributions"] for k in by_kind if k["kind"] in TEST_KINDS)
    doc = sum(k["contributions"] for k in by_kind if k["kind"] in DOC_KINDS)
    return {
        "contributions": total,
        "test": test,
        "test_share": share(test, total),
        "doc": doc,
        "doc_share": share(doc, total),
        "test_kinds": sorted(TEST_KINDS),
        "doc_kinds": sorted(DOC_KINDS),
    }
