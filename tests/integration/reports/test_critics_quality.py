"""The quality figures in SQL against the hand-counted July of ``seed_threads``."""

from __future__ import annotations

import asyncpg

from reports import contributor_metrics, critics
from reports.period import parse_period
from tests.integration.reports.critics_seed import seed_threads

JULY = parse_period("2026-07")


async def _quality(pool: asyncpg.Pool) -> dict[str, object]:
    seeded = await seed_threads(pool)
    people = await contributor_metrics.contributor_metrics(pool, seeded.project_id, JULY)
    return await critics.quality(pool, seeded.project_id, JULY, people)


async def test_review_coverage_counts_reviews_by_others_before_the_merge(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_threads(pool)
    ann, bob = seeded.ids["ann"], seeded.ids["bob"]
    people = await contributor_metrics.contributor_metrics(pool, seeded.project_id, JULY)
    quality = await critics.quality(pool, seeded.project_id, JULY, people)
    assert quality["coverage"] == {
        "merged": 4,
        "reviewed": 3,
        "share": "0.7500",
        "by_repository": [
            {"repository": "r/one", "merged": 2, "reviewed": 1, "share": "0.5000"},
            {"repository": "r/two", "merged": 2, "reviewed": 2, "share": "1.0000"},
        ],
        "self_merged": 2,
        "self_merged_changes": [
            {"thread": "g:r/two#3", "repository": "r/two", "author": bob,
             "merged_at": "2026-07-05T00:00:00Z", "reviewed": True},
            {"thread": "g:r/one#2", "repository": "r/one", "author": ann,
             "merged_at": "2026-07-03T06:00:00Z", "reviewed": False},
        ],
    }  # fmt: skip


async def test_first_response_and_first_review_times_are_nearest_rank(pool: asyncpg.Pool) -> None:
    quality = await _quality(pool)
    assert quality["response"] == {
        "issues": {"threads": 2, "with_opening": 2, "answered": 1,
                   "median_seconds": 1800, "p90_seconds": 1800},
        "changes": {"threads": 4, "with_opening": 3, "answered": 3,
                    "median_seconds": 7200, "p90_seconds": 345_600},
        "change_reviews": {"threads": 4, "with_opening": 3, "answered": 3,
                           "median_seconds": 86_400, "p90_seconds": 345_600},
    }  # fmt: skip


async def test_reverts_count_what_they_undo_and_who_reverted_without_bots(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_threads(pool)
    people = await contributor_metrics.contributor_metrics(pool, seeded.project_id, JULY)
    quality = await critics.quality(pool, seeded.project_id, JULY, people)
    assert quality["reverts"] == {
        "reverts": 2,
        "reverted": 5,
        "contributions": 21,
        "share": "0.2381",
        "reverters": 2,
        "by_source": [
            {"source": "git", "reverts": 1, "reverted": 2},
            {"source": "mediawiki", "reverts": 1, "reverted": 3},
        ],
        "by_reverter": [
            {"contributor_id": seeded.ids["ann"], "reverts": 1, "reverted": 2},
            {"contributor_id": seeded.ids["bob"], "reverts": 1, "reverted": 3},
        ],
    }
    assert quality["work"] == {
        "contributions": 21, "test": 1, "test_share": "0.0476", "doc": 1, "doc_share": "0.0476",
        "test_kinds": ["test"], "doc_kinds": ["doc", "tutorial"],
    }  # fmt: skip


async def test_a_period_without_threads_has_empty_figures(pool: asyncpg.Pool) -> None:
    seeded = await seed_threads(pool)
    august = parse_period("2026-08")
    people = await contributor_metrics.contributor_metrics(pool, seeded.project_id, august)
    quality = await critics.quality(pool, seeded.project_id, august, people)
    assert quality["coverage"]["share"] is None
    assert quality["response"]["issues"] == {
        "threads": 0, "with_opening": 0, "answered": 0, "median_seconds": None, "p90_seconds": None
    }  # fmt: skip
    assert quality["reverts"]["share"] is None
