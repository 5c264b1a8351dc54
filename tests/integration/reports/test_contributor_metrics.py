"""Contributor metrics in SQL against the hand-computed CHAOSS example."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from reports.contributor_metrics import contributor_metrics, elephant_factor
from reports.figures import gini
from reports.period import parse_period
from tests.integration.reports.seed import COUNTS, seed_chaoss


async def test_the_chaoss_example_gives_the_hand_computed_figures(pool: asyncpg.Pool) -> None:
    seeded = await seed_chaoss(pool)
    july = parse_period("2026-07")
    figures = await contributor_metrics(pool, seeded.project_id, july)
    credits = [COUNTS[0], *(10 * c for c in COUNTS[1:])]
    assert figures["contributions"] == 2475
    assert figures["credit"] == str(sum(credits))
    assert figures["active_contributors"] == 8
    assert figures["new_contributors"] == 7  # the last person started in June
    # by count: 1000 + 433 >= 2475 / 2; by credit: 4330 + 3430 + 3320 >= 15750 / 2
    assert figures["absence_factor"] == {"by_count": 2, "by_credit": 3}
    assert figures["gini_of_credit"] == gini([Decimal(c) for c in credits])
    assert figures["mix"]["code_contributions"] == 1000
    assert figures["mix"]["code_share"] == "0.4040"
    assert figures["mix"]["non_code_share"] == "0.5960"
    assert [(k["kind"], k["contributions"]) for k in figures["mix"]["by_kind"]] == [
        ("code", 1000),
        ("doc", 1475),
    ]
    assert figures["monthly"] == [{"month": "2026-07", "contributions": 2475, "credit": "15750"}]


async def test_bots_are_left_out_of_every_figure(pool: asyncpg.Pool) -> None:
    seeded = await seed_chaoss(pool)
    figures = await contributor_metrics(pool, seeded.project_id, parse_period("2026"))
    assert figures["contributions"] == 2476
    assert figures["active_contributors"] == 8
    assert figures["new_contributors"] == 8


async def test_a_custom_range_reads_the_contributions_and_agrees_with_the_rollups(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_chaoss(pool)
    month = await contributor_metrics(pool, seeded.project_id, parse_period("2026-07"))
    custom = await contributor_metrics(
        pool, seeded.project_id, parse_period("2026-07-02..2026-07-30")
    )
    assert custom == month
    empty = await contributor_metrics(
        pool, seeded.project_id, parse_period("2026-07-11..2026-07-30")
    )
    assert empty["contributions"] == 0
    assert empty["absence_factor"] == {"by_count": 0, "by_credit": 0}
    assert empty["gini_of_credit"] is None
    assert empty["mix"]["code_share"] is None


async def test_the_elephant_factor_uses_the_affiliation_valid_on_each_date(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_chaoss(pool)
    figures = await elephant_factor(pool, seeded.project_id, parse_period("2026-07"))
    # org0 1000, org1 433+90+42+33 = 598, org2 343 (its other member left on July 1), org3 202
    assert figures["by_count"] == 2
    assert figures["unaffiliated_contributions"] == 332
    assert figures["unaffiliated_share"] == "0.1341"
    assert [(o["name"], o["contributions"]) for o in figures["top_organisations"]] == [
        ("chaoss-org0", 1000),
        ("chaoss-org1", 598),
        ("chaoss-org2", 343),
        ("chaoss-org3", 202),
    ]
    # by credit: org1 5980, org2 3430, org0 1000, org3 2020 -> 5980 + 3430 >= 12430 / 2
    assert figures["by_credit"] == 2
