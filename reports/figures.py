"""The pure definitions of the report's figures (no I/O).

The SQL in ``reports.contributor_metrics`` computes them over the rollups; these
functions are their reference, used by ``commons verify`` to recompute a report's
figures from its published events. Shares and Gini are decimal strings with four
places (half away from zero), so both sides print the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")


def rounded(value: Decimal) -> str:
    """Four decimal places, half away from zero, as text."""
    return str(value.quantize(PLACES, rounding=ROUND_HALF_UP))


def decimal_text(value: Decimal | int | str) -> str:
    """A credit amount as plain text without trailing zeros (``12``, ``12.5``)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def share(part: Decimal | int, whole: Decimal | int) -> str | None:
    """``part / whole`` as a four-place string; None when the whole is zero."""
    if not whole:
        return None
    return rounded(Decimal(part) / Decimal(whole))


def absence_factor(values: Iterable[Decimal | int]) -> int:
    """CHAOSS contributor absence (bus) factor: fewest largest values reaching 50% of the total."""
    ordered = sorted((Decimal(v) for v in values), reverse=True)
    total = sum(ordered, Decimal(0))
    count, running = 0, Decimal(0)
    for value in ordered:
        if 2 * running >= total:
            break
        running += value
        count += 1
    return count if total > 0 else 0


def gini(values: Iterable[Decimal | int]) -> str | None:
    """Gini coefficient of non-negative values (0 = equal shares); None when all are zero."""
    ordered = sorted(Decimal(v) for v in values)
    n, total = len(ordered), sum(ordered, Decimal(0))
    if not n or not total:
        return None
    weighted = sum((i * v for i, v in enumerate(ordered, 1)), Decimal(0))
    return rounded(2 * weighted / (n * total) - Decimal(n + 1) / n)
