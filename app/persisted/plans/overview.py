"""The plan of ``ProjectOverview``: one statement (the register's rollups, the latest
work by people, the open proposals by deadline) writing the operation's ``data`` as
JSON; global ids are added in Python, where their encoding is defined."""

from __future__ import annotations

from typing import Any

from app.persisted.plans.projection import (
    NULL,
    day,
    decimal,
    instant,
    number,
    obj,
    rows,
    string,
    when,
)
from ledger.graphql import global_id

DIGEST = "b3658ad9b8490e8b8fc9179aeaca88b929fe7d39b132b480ad982ccc4c2db04f"
PEOPLE, RECENT, DUE = 10, 10, 5

_MONTHS = rows(
    "SELECT month, contributions, credit, contributors FROM project_month_stats "
    "WHERE project_id = p.id",
    obj(
        month=day("t.month"),
        contributions=number("t.contributions"),
        credit=decimal("t.credit"),
        contributors=number("t.contributors"),
    ),
    "t.month",
)
_PEOPLE = rows(
    f"""SELECT s.credit, s.contributions, s.last_at, c.id, c.display_name
    FROM contributor_stats s JOIN contributors c ON c.id = s.contributor_id
    WHERE s.project_id = p.id AND NOT c.is_bot
    ORDER BY s.credit DESC, s.contributor_id DESC LIMIT {PEOPLE}""",
    obj(
        credit=decimal("t.credit"),
        contributions=number("t.contributions"),
        lastAt=instant("t.last_at"),
        contributor=obj(id=NULL, number=number("t.id"), displayName=string("t.display_name")),
    ),
    "t.credit DESC, t.id DESC",
)
_BOTS = """(SELECT count(*) FROM contributor_stats s JOIN contributors c ON c.id = s.contributor_id
    WHERE s.project_id = p.id AND c.is_bot)"""
_RECENT = rows(
    f"""SELECT x.kind, x.occurred_at, x.id AS at, c.id, c.display_name
    FROM contributions x JOIN contributors c ON c.id = x.contributor_id
    WHERE x.project_id = p.id AND x.counted
    ORDER BY x.occurred_at DESC, x.id DESC LIMIT {RECENT}""",
    obj(
        kind=string("t.kind"),
        occurredAt=instant("t.occurred_at"),
        contributor=obj(number=number("t.id"), displayName=string("t.display_name")),
    ),
    "t.occurred_at DESC, t.at DESC",
)
_KINDS = rows(
    "SELECT kind, contributions AS n, credit FROM kind_stats WHERE project_id = p.id",
    obj(kind=string("t.kind"), contributions=number("t.n"), credit=decimal("t.credit")),
    "t.n DESC, t.kind",
)
_DUE = rows(
    f"""SELECT id, title, kind, closes_at FROM proposals
    WHERE project_id = p.id AND state = 'open' ORDER BY closes_at, id LIMIT {DUE}""",
    obj(
        number=number("t.id"),
        title=string("t.title"),
        kind=string("t.kind"),
        closesAt=instant("t.closes_at"),
    ),
    "t.closes_at, t.id",
)
_OPEN = "(SELECT count(*) FROM proposals WHERE project_id = p.id AND state = 'open')"
_PROJECT = obj(
    slug=string("p.slug"),
    name=string("p.name"),
    description=string("p.description"),
    outboundLicense=string("p.outbound_license"),
    totals=obj(
        contributions=number("coalesce(st.contributions, 0)"),
        credit=decimal("coalesce(st.credit, 0)"),
        contributors=number("coalesce(st.contributors, 0)"),
        firstAt=instant("st.first_at"),
        lastAt=instant("st.last_at"),
    ),
    months=_MONTHS,
    contributors=obj(totalCount=number(f"coalesce(st.contributors, 0) - {_BOTS}"), nodes=_PEOPLE),
    contributions=obj(nodes=_RECENT),
    contributionsByKind=_KINDS,
    proposals=obj(totalCount=number(_OPEN), nodes=_DUE),
)
STATEMENT = f"""
SELECT {obj(project=when("p.id IS NOT NULL", _PROJECT))}
FROM (SELECT 1) AS one
LEFT JOIN projects p ON p.slug = $1
LEFT JOIN project_stats st ON st.project_id = p.id
"""
"""``$1``: the project's slug; the answer: the operation's ``data`` as JSON text."""


def arguments(variables: dict[str, Any]) -> tuple[Any, ...] | None:
    """The statement's parameters (None: let GraphQL answer these variables)."""
    slug = variables.get("slug")
    if not isinstance(slug, str) or variables.keys() != {"slug"}:
        return None
    return (slug,)


def finish(data: dict[str, Any]) -> None:
    """Give each listed contributor its global id."""
    project = data["project"]
    if project is None:
        return
    for node in project["contributors"]["nodes"]:
        person = node["contributor"]
        person["id"] = global_id("Contributor", person["number"])
