"""The figures that answer peer production's critics: quality, sustainability, and rules
rather than private morality. Where each rule lives:

- review coverage of merged changes, self-merged changes, time to first response and
  to first review -> ``reviews``; reverts and who reverted -> ``reverts``
- cohort retention and the quarterly absence and elephant factors -> ``cohorts``
- decisions by vote and without, time to decision, turnout per quarter,
  participation, vetoes -> ``decisions``; the rules in force -> ``in_force``
- the pure definitions both the SQL and ``reports.recompute`` use (nearest-rank
  percentiles, the quarters looked back over, retention rows, test and documentation
  shares) -> ``measures``; every figure's definition, with its CHAOSS metric -> ``glossary``
- ``communityHealth`` over GraphQL -> ``gql``, its types -> ``gql_types``

``quality``, ``sustainability`` and ``rules`` build the report's sections of those
names; the funding runway and concentration in ``sustainability`` are the ``funding``
section's own figures (``reports.funding.sustainability``), repeated where a reader of
that question looks for them.
"""

from __future__ import annotations

import copy
from typing import Any, TypeAlias

import asyncpg

from reports.critics import cohorts, decisions, in_force, reverts, reviews
from reports.critics.measures import window, work_share
from reports.period import Period

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


async def quality(
    conn: Conn, project_id: int, period: Period, contributors: dict[str, Any]
) -> dict[str, Any]:
    """Reviews, response times, reverts and the test and documentation share of the work
    (from the ``contributors`` section's mix)."""
    total = int(contributors["contributions"])
    return {
        **await reviews.reviews(conn, project_id, period),
        "reverts": await reverts.reverts(conn, project_id, period, total),
        "work": work_share(contributors["mix"]["by_kind"], total),
    }


def funding_outlook(funding: dict[str, Any]) -> dict[str, Any]:
    """The ``funding`` section's runway and funding concentration, as it printed them (a
    copy: the two sections stay apart in the document)."""
    return copy.deepcopy({"runway": funding["runway"], "concentration": funding["concentration"]})


async def sustainability(
    conn: Conn, project_id: int, period: Period, funding: dict[str, Any]
) -> dict[str, Any]:
    """Retention by cohort, the quarterly trend, and the funding runway and concentration."""
    return {
        **await cohorts.cohorts(conn, project_id, window(period), period.end),
        "funding": funding_outlook(funding),
    }


async def rules(conn: Conn, project_id: int, period: Period) -> dict[str, Any]:
    """How decisions were taken in the period, and the rules in force at its end."""
    return {
        **await decisions.decisions(conn, project_id, period, window(period)),
        "in_force": await in_force.rules_in_force(conn, project_id, period),
    }
