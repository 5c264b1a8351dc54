"""What a dashboard view needs from the register, in one statement each: the project
overview (totals, months, top people, latest work by people, kinds) and a
contributor's profile (who, standing, latest work). The same orders and filters as
the register's GraphQL fields (``queries``, ``standing``), so an answer built from
these equals the fields' answer; a test holds them equal.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from ledger.register.queries import ProjectTotals
from ledger.register.standing import STANDING_COLUMNS, MonthTotal, Standing, standing_of_row

# Page sizes are written into the statements (``_sized``): with them as parameters the
# planner cannot settle on one generic plan and plans every execution anew, which
# costs more than executing the overview.
_OVERVIEW = """
SELECT p.id, p.slug, p.name, p.description, p.outbound_license,
    (SELECT row(contributions, credit, contributors, first_at, last_at)
     FROM project_stats WHERE project_id = p.id) AS totals,
    ARRAY(SELECT row(month, contributions, credit, contributors) FROM project_month_stats
          WHERE project_id = p.id ORDER BY month) AS months,
    ARRAY(SELECT row(s.credit, s.contributions, s.first_at, s.last_at, c.id, c.display_name)
          FROM contributor_stats s JOIN contributors c ON c.id = s.contributor_id
          WHERE s.project_id = p.id AND NOT c.is_bot
          ORDER BY s.credit DESC, s.contributor_id DESC LIMIT {people}) AS people,
    (SELECT count(*) FROM contributor_stats s JOIN contributors c ON c.id = s.contributor_id
     WHERE s.project_id = p.id AND c.is_bot) AS bots,
    ARRAY(SELECT row(x.kind, x.occurred_at, c.id, c.display_name)
          FROM contributions x JOIN contributors c ON c.id = x.contributor_id
          WHERE x.project_id = p.id AND x.counted
          ORDER BY x.occurred_at DESC, x.id DESC LIMIT {recent}) AS recent,
    ARRAY(SELECT row(kind, sum(contributions)::bigint, sum(credit)) FROM kind_month_stats
          WHERE project_id = p.id GROUP BY kind ORDER BY sum(contributions) DESC, kind) AS kinds
FROM projects p WHERE p.slug = $1
"""
_PROFILE = f"""
SELECT p.id, p.slug, p.name, c.id AS contributor, c.display_name, c.is_bot,
    {STANDING_COLUMNS.format(project="p.id", contributor="c.id")},
    ARRAY(SELECT row(x.kind, x.occurred_at, x.credit, x.evidence_url) FROM contributions x
          WHERE x.project_id = p.id AND x.contributor_id = $2
          ORDER BY x.occurred_at DESC, x.id DESC LIMIT {{recent}}) AS recent
FROM projects p
LEFT JOIN contributors asked ON asked.id = $2
LEFT JOIN contributors c ON c.id = coalesce(asked.merged_into, asked.id)
LEFT JOIN contributor_stats s ON s.project_id = p.id AND s.contributor_id = c.id
WHERE p.slug = $1
"""


@dataclass(frozen=True, slots=True)
class Person:
    number: int
    display_name: str


@dataclass(frozen=True, slots=True)
class Ranked:
    """A standing in a list: the figures and who."""

    credit: Decimal
    contributions: int
    first_at: datetime
    last_at: datetime
    person: Person


@dataclass(frozen=True, slots=True)
class Work:
    """One contribution as a list of latest work shows it."""

    kind: str
    occurred_at: datetime
    person: Person | None = None
    credit: Decimal | None = None
    evidence_url: str | None = None


@dataclass(frozen=True, slots=True)
class Overview:
    project_id: int
    slug: str
    name: str
    description: str
    outbound_license: str | None
    totals: ProjectTotals
    months: list[MonthTotal]
    people: list[Ranked]
    ranked_people: int
    """Standings without bots (the people list's total)."""
    recent: list[Work]
    kinds: list[tuple[str, int, Decimal]]


@dataclass(frozen=True, slots=True)
class Profile:
    project_id: int
    slug: str
    name: str
    contributor: tuple[int, str, bool] | None
    """(number, display name, bot) of whom the number names (after a merge, the merged)."""
    standing: Standing | None
    recent: list[Work]
    """The latest contributions recorded under the number asked for."""


@functools.cache
def _sized(statement: str, **sizes: int) -> str:
    return statement.format(**{name: int(size) for name, size in sizes.items()})


async def overview(
    conn: asyncpg.Connection | asyncpg.Pool, slug: str, people: int, recent: int
) -> Overview | None:
    """The overview of project ``slug`` (None when there is none), with the top
    ``people`` and the latest ``recent`` contributions, bots left out of both."""
    row = await conn.fetchrow(_sized(_OVERVIEW, people=people, recent=recent), slug)
    if row is None:
        return None
    t = row["totals"]
    totals = ProjectTotals(*t) if t is not None else ProjectTotals(0, Decimal(0), 0, None, None)
    return Overview(
        project_id=row["id"],
        slug=row["slug"],
        name=row["name"],
        description=row["description"],
        outbound_license=row["outbound_license"],
        totals=totals,
        months=[MonthTotal(*m) for m in row["months"]],
        people=[Ranked(c, n, f, last, Person(i, d)) for c, n, f, last, i, d in row["people"]],
        ranked_people=totals.contributors - row["bots"],
        recent=[Work(k, at, Person(i, d)) for k, at, i, d in row["recent"]],
        kinds=[(k, n, c) for k, n, c in row["kinds"]],
    )


async def profile(
    conn: asyncpg.Connection | asyncpg.Pool, slug: str, contributor: int, recent: int
) -> Profile | None:
    """A contributor's profile in project ``slug`` (None when there is no project)."""
    row = await conn.fetchrow(_sized(_PROFILE, recent=recent), slug, contributor)
    if row is None:
        return None
    who = row["contributor"]
    return Profile(
        project_id=row["id"],
        slug=row["slug"],
        name=row["name"],
        contributor=(who, row["display_name"], row["is_bot"]) if who is not None else None,
        standing=standing_of_row(row),
        recent=[Work(k, at, credit=c, evidence_url=u) for k, at, c, u in row["recent"]],
    )
