"""The quality, sustainability and rules figures over GraphQL, as the report states them."""

from __future__ import annotations

import asyncpg

from tests.conftest import GraphQL
from tests.integration.reports.critics_seed import seed_cohorts, seed_threads

QUALITY = """
query ($period: String!) {
  communityHealth(project: "threads", period: $period) {
    quality {
      coverage { merged reviewed share byRepository { repository merged reviewed share }
                 selfMerged selfMergedChanges { thread author mergedAt reviewed } }
      response { changes { threads withOpening answered medianSeconds p90Seconds } }
      reverts { reverted share bySource { source reverts reverted } byReverter { contributorId } }
      work { testShare docShare }
    }
    glossary { figure chaoss }
  }
}
"""


async def test_the_quality_figures_are_those_of_the_report(
    gql: GraphQL, pool: asyncpg.Pool
) -> None:
    seeded = await seed_threads(pool)
    body = await gql(QUALITY, {"period": "2026-07"})
    ann, bob = seeded.ids["ann"], seeded.ids["bob"]
    health = body["data"]["communityHealth"]
    assert health["quality"] == {
        "coverage": {
            "merged": 4, "reviewed": 3, "share": "0.7500",
            "byRepository": [
                {"repository": "r/one", "merged": 2, "reviewed": 1, "share": "0.5000"},
                {"repository": "r/two", "merged": 2, "reviewed": 2, "share": "1.0000"},
            ],
            "selfMerged": 2,
            "selfMergedChanges": [
                {"thread": "g:r/two#3", "author": bob, "mergedAt": "2026-07-05T00:00:00Z",
                 "reviewed": True},
                {"thread": "g:r/one#2", "author": ann, "mergedAt": "2026-07-03T06:00:00Z",
                 "reviewed": False},
            ],
        },
        "response": {"changes": {"threads": 4, "withOpening": 3, "answered": 3,
                                 "medianSeconds": 7200, "p90Seconds": 345600}},
        "reverts": {
            "reverted": 5, "share": "0.2381",
            "bySource": [{"source": "git", "reverts": 1, "reverted": 2},
                         {"source": "mediawiki", "reverts": 1, "reverted": 3}],
            "byReverter": [{"contributorId": ann}, {"contributorId": bob}],
        },
        "work": {"testShare": "0.0476", "docShare": "0.0476"},
    }  # fmt: skip
    chaoss = {g["figure"]: g["chaoss"] for g in health["glossary"]}
    assert (
        chaoss["quality.coverage"] == "https://chaoss.community/kb/metric-change-request-reviews/"
    )
    assert chaoss["rules.vetoes"] is None


async def test_retention_and_the_quarterly_trend_over_graphql(
    gql: GraphQL, pool: asyncpg.Pool
) -> None:
    await seed_cohorts(pool)
    query = """{ communityHealth(project: "cohorts", period: "2025") { sustainability {
        quarters retention { cohort size retained shares }
        trend { quarter absenceFactor { byCount } elephantFactor { byCount byCredit } }
        runway } } }"""
    body = await gql(query)
    found = body["data"]["communityHealth"]["sustainability"]
    assert found["quarters"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert found["retention"][1] == {"cohort": "2025-Q2", "size": 1, "retained": [1, 0],
                                     "shares": ["1.0000", "0.0000"]}  # fmt: skip
    assert [t["absenceFactor"]["byCount"] for t in found["trend"]] == [1, 1, 2, 1]
    assert found["trend"][2]["elephantFactor"] == {"byCount": 1, "byCredit": 1}
    assert found["runway"]["months"] == 6


async def test_a_bad_period_or_an_unknown_project_is_a_typed_error(
    gql: GraphQL, pool: asyncpg.Pool
) -> None:
    await seed_cohorts(pool)
    bad = await gql(
        '{ communityHealth(project: "cohorts", period: "2025-13") { glossary { term } } }'
    )
    assert bad["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in bad["errors"]] == [
        ("no month 13 in '2025-13'", "invalid_input")
    ]
    missing = await gql(
        '{ communityHealth(project: "nope", period: "2025") { glossary { term } } }'
    )
    assert [(e["message"], e["extensions"]["code"]) for e in missing["errors"]] == [
        ("no project 'nope'", "not_found")
    ]
