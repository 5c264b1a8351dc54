"""The plan of ``ContributorProfile``: one statement (the register's rollups for the
standing, the licensing of the contributor's work, their part in decisions, their
latest contributions) writing the operation's ``data`` as JSON; what is defined in
Python (global ids, credit weights and explanations, enum names, the coverage status)
is added in Python.

Coverage counts the contributor's counted work from the rollup and, when the project
has any grant at all, the part no grant covers by ``licenses.coverage_sql``'s own
condition (without a grant nothing is covered, and no contribution is read). That
condition is a large plan PostgreSQL would set up at every execution, taken or not:
the statement for a project without grants leaves it out (and answers NULL for one
with grants), ``GRANTED`` holds it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.persisted.plans.projection import (
    NULL,
    boolean,
    columns,
    decimal,
    instant,
    number,
    obj,
    rows,
    string,
    when,
)
from governance.gql.types import ProposalState
from ledger.graphql import global_id, number_of
from ledger.kernel.errors import InvalidInput
from ledger.register.credit import explain
from ledger.register.standing import CreditLine
from licenses.coverage_sql import UNCOVERED
from licenses.gql.enums import GrantInstrument
from licenses.gql.types import grant_status

DIGEST = "d6db63115660f32aab8edcb69b915f6067e0d1cd4d062fc7014468453f49f2c9"
GRANTS, BALLOTS, RECENT = 10, 10, 10

_KINDS = "FROM contributor_kind_stats k WHERE k.project_id = p.id AND k.contributor_id = c.id"
_STANDING = obj(
    rank=number(
        "1 + (SELECT count(*) FROM contributor_stats r "
        "WHERE r.project_id = p.id AND r.credit > s.credit)"
    ),
    rankedAmong=number("st.contributors"),
    contributions=number("s.contributions"),
    credit=decimal("s.credit"),
    firstAt=instant("s.first_at"),
    lastAt=instant("s.last_at"),
    creditExplanation=rows(
        "SELECT k.kind, k.policy_version, sum(k.contributions)::bigint AS n, "
        f"sum(k.credit) AS credit {_KINDS} GROUP BY k.kind, k.policy_version",
        obj(
            kind=string("t.kind"),
            policyVersion=number("t.policy_version"),
            contributions=number("t.n"),
            weight=NULL,
            credit=decimal("t.credit"),
            explanation=NULL,
        ),
        "t.credit DESC, t.kind, t.policy_version",
    ),
    byKindAndMonth=columns(
        "SELECT k.month, k.kind, sum(k.contributions)::bigint AS n, "
        f"sum(k.credit) AS credit {_KINDS} GROUP BY k.month, k.kind ORDER BY k.month, k.kind",
        "t.month",
        "t.kind",
        "t.n",
        "t.credit::text",
    ),
)

_GRANTS = "EXISTS (SELECT 1 FROM grants WHERE project_id = p.id)"
_COVERED = f"""CASE WHEN {_GRANTS} THEN (
    SELECT count(*) FROM (
        SELECT x.*, array_remove(ARRAY[x.contributor_id, me.merged_into], NULL) AS people
        FROM contributions x JOIN contributors me ON me.id = x.contributor_id
        WHERE x.project_id = p.id AND x.counted AND x.contributor_id = c.id
    ) b WHERE NOT ({UNCOVERED})) ELSE 0 END"""
_BALLOTS = """FROM ballots b JOIN proposals q ON q.project_id = b.project_id AND q.id = b.proposal_id
    WHERE b.project_id = p.id AND b.voter_id = c.id AND NOT q.secret"""
_DELEGATIONS = "SELECT delegator_id, scope, delegate_id FROM delegations WHERE project_id = p.id"
_PROFILE = obj(
    contributor=obj(
        id=NULL,
        number=number("c.id"),
        displayName=string("c.display_name"),
        isBot=boolean("c.is_bot"),
    ),
    standing=when("s.contributions IS NOT NULL", _STANDING),
    coverage=obj(
        contributions=number("cv.total"),
        covered=number("cv.covered"),
        uncovered=number("cv.total - cv.covered"),
        status=NULL,
    ),
    grants=rows(
        "SELECT id, instrument, license_expression, effective_at, withdrawn_at FROM grants "
        f"WHERE project_id = p.id AND grantor_contributor_id = c.id ORDER BY id DESC LIMIT {GRANTS}",
        obj(
            number=number("t.id"),
            instrument=string("t.instrument"),
            licenseExpression=string("t.license_expression"),
            effectiveAt=instant("t.effective_at"),
            withdrawnAt=instant("t.withdrawn_at"),
        ),
        "t.id DESC",
    ),
    ballots=obj(
        totalCount=number(f"(SELECT count(*) {_BALLOTS})"),
        nodes=rows(
            f"SELECT q.id, q.title, q.state, q.outcome, b.cast_at {_BALLOTS} "
            f"ORDER BY b.cast_at DESC, q.id DESC LIMIT {BALLOTS}",
            obj(
                proposal=number("t.id"),
                title=string("t.title"),
                state=string("t.state"),
                outcome=string("t.outcome"),
                castAt=instant("t.cast_at"),
            ),
            "t.cast_at DESC, t.id DESC",
        ),
    ),
    delegations=obj(
        given=rows(
            f"{_DELEGATIONS} AND delegator_id = c.id",
            obj(delegate=number("t.delegate_id"), kind=string("nullif(t.scope, '*')")),
            "t.delegator_id, t.scope",
        ),
        received=rows(
            f"{_DELEGATIONS} AND delegate_id = c.id",
            obj(delegator=number("t.delegator_id"), kind=string("nullif(t.scope, '*')")),
            "t.delegator_id, t.scope",
        ),
    ),
)
_RECENT = rows(
    "SELECT kind, occurred_at, id, credit, evidence_url FROM contributions "
    "WHERE project_id = p.id AND contributor_id = $2 ORDER BY occurred_at DESC, id DESC "
    f"LIMIT {RECENT}",
    obj(
        kind=string("t.kind"),
        occurredAt=instant("t.occurred_at"),
        credit=decimal("t.credit"),
        evidenceUrl=string("t.evidence_url"),
    ),
    "t.occurred_at DESC, t.id DESC",
)
_PROJECT = obj(
    slug=string("p.slug"),
    name=string("p.name"),
    contributorProfile=when("c.id IS NOT NULL", _PROFILE),
    contributions=obj(nodes=_RECENT),
)
_FROM = """
FROM (SELECT 1) AS one
LEFT JOIN projects p ON p.slug = $1
LEFT JOIN contributors asked ON asked.id = $2
LEFT JOIN contributors c ON c.id = coalesce(asked.merged_into, asked.id)
LEFT JOIN contributor_stats s ON s.project_id = p.id AND s.contributor_id = c.id
LEFT JOIN project_stats st ON st.project_id = p.id
CROSS JOIN LATERAL (SELECT coalesce(s.contributions, 0) AS total, {covered} AS covered) cv
"""
_DATA = obj(project=when("p.id IS NOT NULL", _PROJECT))
STATEMENT = f"SELECT CASE WHEN {_GRANTS} THEN NULL ELSE {_DATA} END {_FROM.format(covered='0')}"
"""``$1``: the project's slug, ``$2``: the contributor's number as asked (a merged one
answers for whom they were merged into); the answer: the ``data`` as JSON text, or
NULL when the project has grants."""
GRANTED = f"""SELECT {_DATA} {
    _FROM.format(covered=f"CASE WHEN c.id IS NULL OR p.id IS NULL THEN 0 ELSE {_COVERED} END")
}"""
"""The same for a project with grants, counting what they cover."""


def arguments(variables: dict[str, Any]) -> tuple[Any, ...] | None:
    """The statement's parameters (None: let GraphQL answer these variables)."""
    slug, asked = variables.get("slug"), variables.get("contributor")
    if not isinstance(slug, str) or not isinstance(asked, str | int) or isinstance(asked, bool):
        return None
    if variables.keys() != {"slug", "contributor"}:
        return None
    try:
        return (slug, number_of(str(asked), "Contributor", "contributor"))
    except InvalidInput:
        return None


def finish(data: dict[str, Any]) -> None:
    """Add what Python defines: the global id, credit weights and their explanations,
    the coverage status and the names of enum values."""
    project = data["project"]
    profile = project and project["contributorProfile"]
    if not profile:
        return
    person = profile["contributor"]
    person["id"] = global_id("Contributor", person["number"])
    standing = profile["standing"]
    if standing:  # the kind x month cells from their columns (a dict display is fastest)
        months, kinds, counts, credits = standing["byKindAndMonth"]
        standing["byKindAndMonth"] = [
            {"month": m, "kind": k, "contributions": n, "credit": c}
            for m, k, n, c in zip(months, kinds, counts, credits, strict=True)
        ]
    for line in standing["creditExplanation"] if standing else ():
        n, kind, version = line["contributions"], line["kind"], line["policyVersion"]
        weight = CreditLine(kind, version, n, Decimal(line["credit"])).weight
        line["weight"] = str(weight)
        line["explanation"] = explain(n, kind, weight, version)
    coverage = profile["coverage"]
    coverage["status"] = grant_status(coverage["covered"], coverage["contributions"]).name
    for grant in profile["grants"]:
        grant["instrument"] = GrantInstrument(grant["instrument"]).name
    for ballot in profile["ballots"]["nodes"]:
        ballot["state"] = ProposalState(ballot["state"]).name
