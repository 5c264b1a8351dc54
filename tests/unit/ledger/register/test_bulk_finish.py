"""An import's recount is split into ranges of contributor numbers that cover every
number once, in order, about as many of the import's people in each."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ledger.register.bulk.finish import split
from ledger.register.rollups import EVERYONE


def _holding(spans: list[tuple[int, int]], people: list[int]) -> list[int]:
    return [sum(low <= p <= high for p in people) for low, high in spans]


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_the_ranges_cover_every_number_once_in_order(parts: int) -> None:
    people = [5, 900, 3, 41, 42, 43, 7000, 12, 13, 600]
    spans = split(people, parts)
    assert len(spans) == parts
    assert spans[0][0] == EVERYONE[0]
    assert spans[-1][1] == EVERYONE[1]
    assert all(low <= high for low, high in spans)
    assert all(b[0] == a[1] + 1 for a, b in pairwise(spans))
    held = _holding(spans, people)
    assert sum(held) == len(people)
    assert max(held) - min(held) <= 1


def test_fewer_people_than_parts_make_fewer_ranges_and_none_make_one() -> None:
    assert _holding(split([8, 2], 5), [8, 2]) == [1, 1]
    assert split([], 3) == [EVERYONE]
    assert split([10, 20, 30], 1) == [EVERYONE]
