"""The schema's shape: everything of a project under ``Project``, as GitHub nests
everything under ``repository``.

- ``extend``: ``extend_type``, attaching an extension's fields to a type it does not own.
- ``decisions``, ``licensing``, ``funding``, ``operations``: the fields ``Project``
  gains from governance, licenses, the treasury, reports and intake.
- ``profile``: a contributor's profile across areas, and the funding summary.
- ``glossary``: descriptions the areas' types leave out, applied to the built schema.
- ``compose`` attaches them; ``SUPERSEDED`` names the root fields that took a project
  slug before, kept for existing clients and deprecated in favour of ``Project``'s.
"""

from __future__ import annotations

from app.composition.decisions import ProjectDecisions
from app.composition.extend import extend_type
from app.composition.funding import ProjectFunding
from app.composition.licensing import ProjectLicensing
from app.composition.operations import ProjectIntake, ProjectProofs
from app.composition.profile import ProjectPeople
from graphql import GraphQLSchema
from ledger.register.gql.standing import ProjectHistory
from ledger.register.gql.types import Project

EXTENSIONS: tuple[type, ...] = (
    ProjectHistory,
    ProjectPeople,
    ProjectDecisions,
    ProjectLicensing,
    ProjectFunding,
    ProjectProofs,
    ProjectIntake,
)

# Root field -> the Project field that replaces it.
SUPERSEDED: dict[str, str] = {
    "proposals": "proposals",
    "proposal": "proposal",
    "delegations": "delegations",
    "licenseCoverage": "coverage",
    "uncoveredContributions": "uncoveredContributions",
    "contributorGrantStatus": "contributorGrantStatus",
    "contributionGrant": "contributionGrant",
    "grants": "grants",
    "agreementTexts": "agreementTexts",
    "licenseTexts": "licenseTexts",
    "trademarkNotices": "trademarkNotices",
    "treasury": "treasury",
    "sponsors": "sponsors",
    "sponsorships": "sponsorships",
    "treeHead": "treeHead",
    "inclusionProof": "inclusionProof",
    "consistencyProof": "consistencyProof",
    "forgeSecrets": "forgeSecrets",
    "deadLetters": "deadLetters",
    "truncatedPushes": "truncatedPushes",
    "mergeSuggestions": "mergeSuggestions",
}


def compose() -> None:
    """Attach every area's ``Project`` fields to the register's ``Project`` (idempotent)."""
    extend_type(Project, *EXTENSIONS)


def deprecate_superseded(schema: GraphQLSchema) -> None:
    """Mark the root fields ``Project`` supersedes as deprecated, with the replacement."""
    query = schema.query_type
    assert query is not None
    for name, replacement in SUPERSEDED.items():
        query.fields[
            name
        ].deprecation_reason = (
            f"Use `project(slug) {{ {replacement} }}`: everything of a project is under Project."
        )
