"""The period's counted contributions as numpy columns, each under the record holding it
at the end of the replay, with the lookups every figure shares (pure, no I/O).

``Work`` is built once from a ``Replay``: ``holder`` (who holds each contribution now),
``day`` (UTC days since the epoch), ``credit`` (1/10000 units), ``kind`` and ``month``
indexes, and ``rows_of(holder)`` (the contributions of one holder, through one stable
sort). ``first_by_holder`` gives each holder's first counted contribution (new
contributors, cohorts). ``spans_of`` turns the report's embedded affiliations into day
ranges.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from reports.figures import decimal_text
from reports.recompute.replay import CREDIT_SCALE, Contributions, Replay

Ints = npt.NDArray[np.int64]
DAY_MICROS = 86_400_000_000
_EPOCH_DAY = date(1970, 1, 1).toordinal()
NEVER = np.iinfo(np.int64).max
SINCE_EVER = np.iinfo(np.int64).min


def credit_text(scaled: int) -> str:
    """A credit sum in 1/10000 units as the report prints it."""
    return decimal_text(Decimal(scaled) / CREDIT_SCALE)


def day_number(text: str | None, default: int) -> int:
    """An ISO date as UTC days since the epoch (``default`` when None)."""
    return default if text is None else date.fromisoformat(text).toordinal() - _EPOCH_DAY


@dataclass(frozen=True, slots=True)
class Span:
    """One affiliation: [first, last) days with an organisation, in published order."""

    first: int
    end: int
    order: int
    organisation: int


def spans_of(affiliations: list[dict[str, Any]]) -> dict[int, list[Span]]:
    """Per contributor, their affiliations as day ranges, sorted by start then order."""
    spans: dict[int, list[Span]] = defaultdict(list)
    for order, a in enumerate(affiliations):
        spans[int(a["contributor_id"])].append(
            Span(
                day_number(a["valid_from"], SINCE_EVER),
                day_number(a["valid_to"], NEVER),
                order,
                int(a["organisation_id"]),
            )
        )
    return {c: sorted(s, key=lambda x: (x.first, x.order)) for c, s in spans.items()}


def _column(values: Any) -> Ints:
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, np.int64)


def _counted_for(ids: Ints, records: Ints, reassigned: dict[int, int]) -> Ints:
    """Per contribution, the record it counts for: the one an unmerge handed it to, else
    the one it was recorded under."""
    if not reassigned or not len(ids):
        return records
    keys = np.fromiter(reassigned, np.int64, len(reassigned))
    to = np.fromiter(reassigned.values(), np.int64, len(reassigned))
    order = np.argsort(keys)
    keys, to = keys[order], to[order]
    at = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[at] == ids, to[at], records)


def first_by_holder(replay: Replay) -> dict[int, int]:
    """Per holder, its first counted contribution (microseconds): exact from the replay's
    horizon on, and ``horizon - 1`` for a holder with one made before it (the figures ask
    only whether it lies in the period or in one of the trend's quarters)."""
    holders = replay.holders
    first: dict[int, int] = {}

    def keep(holder: int, at: int) -> None:
        first[holder] = min(at, first.get(holder, at))

    if not holders.reassigned:
        for record, at_first in replay.first_at.items():
            keep(holders.of(record), at_first)
        return first
    # Unmerges handed some contributions to other records: the records they came from
    # start with what they kept, and those who got them with what they got.
    keys = np.fromiter(holders.reassigned, np.int64, len(holders.reassigned))
    span = replay.contributions if replay.start < replay.window_start else replay.window
    ids, at, records = _column(span.ids), _column(span.at), _column(span.record)
    gone = np.isin(ids, keys)
    early_records, early_ids = _early(replay.early)
    early_gone = np.isin(early_ids, keys)
    kept_early = set(np.unique(early_records[~early_gone]).tolist())
    lost = set(np.unique(records[gone]).tolist()) | set(early_records[early_gone].tolist())
    for record, at_first in replay.first_at.items():
        if record not in lost or record in kept_early:
            keep(holders.of(record), at_first)
    for record in lost - kept_early:
        kept = (records == record) & ~gone
        if kept.any():
            keep(holders.of(record), int(at[kept].min()))
    for contribution, record, moment in zip(
        ids[gone].tolist(), records[gone].tolist(), at[gone].tolist(), strict=True
    ):
        keep(holders.holding(contribution, record), moment)
    for contribution, record in zip(
        early_ids[early_gone].tolist(), early_records[early_gone].tolist(), strict=True
    ):
        keep(holders.holding(contribution, record), replay.horizon - 1)
    return first


def _early(early: dict[int, array[int]]) -> tuple[Ints, Ints]:
    """(record, contribution) of every counted contribution made before the horizon."""
    if not early:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lengths = [len(ids) for ids in early.values()]
    records = np.repeat(np.fromiter(early, np.int64, len(early)), lengths)
    return records, np.concatenate([_column(ids) for ids in early.values()])


class Work:
    """The period's counted contributions (or another stretch's, ``contributions``), by
    the record holding each one now."""

    def __init__(self, replay: Replay, contributions: Contributions | None = None) -> None:
        c = replay.contributions if contributions is None else contributions
        self.replay = replay
        self.ids = _column(c.ids)
        self.at = _column(c.at)
        self.credit = _column(c.credit)
        self.kind = np.asarray(c.kind, dtype=np.int64)
        self.kinds = c.kinds
        self.n = len(self.ids)
        counted_for = _counted_for(self.ids, _column(c.record), replay.holders.reassigned)
        records, inverse = np.unique(counted_for, return_inverse=True)
        holders = np.array([replay.holders.of(int(r)) for r in records], dtype=np.int64)
        self.holder = holders[inverse] if self.n else np.zeros(0, np.int64)
        self.day = self.at // DAY_MICROS
        self._order = np.argsort(self.holder, kind="stable")
        self._sorted = self.holder[self._order]
        self._by_id: npt.NDArray[np.intp] | None = None

    def rows_of(self, holder: int) -> npt.NDArray[np.intp]:
        """Indexes of the contributions ``holder`` holds."""
        lo, hi = np.searchsorted(self._sorted, [holder, holder + 1])
        return self._order[lo:hi]

    def find(self, contribution_ids: Ints) -> npt.NDArray[np.intp]:
        """Indexes of these contribution ids among the period's (-1 where absent)."""
        if not self.n or not len(contribution_ids):
            return np.full(len(contribution_ids), -1, dtype=np.intp)
        if self._by_id is None:
            self._by_id = np.argsort(self.ids, kind="stable")
        ranked = self.ids[self._by_id]
        at = np.clip(np.searchsorted(ranked, contribution_ids), 0, self.n - 1)
        return np.where(ranked[at] == contribution_ids, self._by_id[at], -1)

    def holders(self) -> list[int]:
        """Every record holding a contribution of the period, ascending."""
        return [int(h) for h in np.unique(self.holder)]

    def sums(self, groups: Ints, size: int) -> tuple[Ints, Ints]:
        """Per group index 0..size-1: (contributions, credit)."""
        counts = np.bincount(groups, minlength=size).astype(np.int64)
        credit = np.zeros(size, dtype=np.int64)
        np.add.at(credit, groups, self.credit)
        return counts, credit

    def organisation_of(self, spans: dict[int, list[Span]]) -> Ints:
        """Per contribution, the organisation of the affiliation valid on its day (the
        latest-starting one, then the later published one), or -1."""
        org = np.full(self.n, -1, dtype=np.int64)
        for holder, own in spans.items():
            rows = self.rows_of(holder)
            if not len(rows):
                continue
            days = self.day[rows]
            for span in own:
                org[rows[(days >= span.first) & (days < span.end)]] = span.organisation
        return org

    def member_of(self, organisation: int, spans: dict[int, list[Span]]) -> npt.NDArray[np.bool_]:
        """Per contribution, whether its holder was affiliated with ``organisation`` that day."""
        mask = np.zeros(self.n, dtype=bool)
        for holder, own in spans.items():
            mine = [s for s in own if s.organisation == organisation]
            if not mine:
                continue
            rows = self.rows_of(holder)
            days = self.day[rows]
            for span in mine:
                mask[rows[(days >= span.first) & (days < span.end)]] = True
        return mask
