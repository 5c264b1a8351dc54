"""Inputs, payloads and result unions of the register's mutations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from ledger.graphql import (
    MutationError,
)
from ledger.register.gql.types import Contribution, Contributor, CreditPolicy, Identity, Project


@strawberry.input
class CreateProjectInput:
    slug: str
    name: str
    description: str = ""
    homepage: str | None = None
    repositories: list[str] = strawberry.field(default_factory=list)
    outbound_license: str | None = strawberry.field(default=None, description="SPDX expression.")
    trademark_notice: str | None = None


@strawberry.input(description="Fields left out (null) are not changed.")
class UpdateProjectInput:
    slug: str
    name: str | None = None
    description: str | None = None
    homepage: str | None = None
    repositories: list[str] | None = None
    outbound_license: str | None = None
    trademark_notice: str | None = None


@strawberry.input
class RecordContributionInput:
    project: str = strawberry.field(description="Project slug.")
    contributor: int = strawberry.field(description="Contributor number.")
    kind: str
    occurred_at: datetime
    idempotency_key: str = strawberry.field(description="Replays return the first result.")
    source: str = "manual"
    evidence_url: str | None = None
    metadata: JSON | None = None


@strawberry.input
class LinkIdentityInput:
    project: str = strawberry.field(description="Project on whose behalf the link is made.")
    source: str
    external_id: str
    host: str | None = strawberry.field(
        default=None,
        description="The forge server of the account (gitlab.com, gitea.example.org): "
        "github.com and bitbucket.org when left out for their forges, required for "
        "GitLab, Gitea and Forgejo, none for a source without servers.",
    )
    contributor: int | None = strawberry.field(
        default=None, description="Existing contributor; a new one is created when left out."
    )
    login: str | None = None
    email: str | None = None
    email_verified: bool = False
    display_name: str | None = None


@strawberry.input
class KindWeightInput:
    kind: str
    weight: str = strawberry.field(description='Decimal string, e.g. "4.0".')


@strawberry.input
class SetCreditPolicyInput:
    project: str
    weights: list[KindWeightInput]
    default_weight: str = "1"
    reason: str = ""


@strawberry.input
class DefineKindInput:
    project: str
    kind: str
    description: str = ""


@strawberry.input
class AffiliationInput:
    contributor: int
    organisation: str = strawberry.field(description="Organisation name; created if new.")
    valid_from: date | None = None
    valid_to: date | None = None


@strawberry.type
class ProjectPayload:
    project: Project
    warnings: list[str] = strawberry.field(
        default_factory=list,
        description="What the outbound license was read as, where it was read leniently "
        "(a deprecated SPDX id, a ScanCode alias).",
    )


@strawberry.type
class ContributionPayload:
    contribution: Contribution
    replayed: bool = strawberry.field(description="True when the key had been used before.")


@strawberry.type
class IdentityPayload:
    identity: Identity
    contributor: Contributor
    created: bool


@strawberry.type
class CreditPolicyPayload:
    policy: CreditPolicy


@strawberry.type
class KindPayload:
    kind: str


@strawberry.type
class AffiliationPayload:
    affiliation_id: int


ProjectResult = Annotated[ProjectPayload | MutationError, strawberry.union("ProjectResult")]
ContributionResult = Annotated[
    ContributionPayload | MutationError, strawberry.union("RecordContributionResult")
]
IdentityResult = Annotated[IdentityPayload | MutationError, strawberry.union("LinkIdentityResult")]
CreditPolicyResult = Annotated[
    CreditPolicyPayload | MutationError, strawberry.union("CreditPolicyResult")
]
KindResult = Annotated[KindPayload | MutationError, strawberry.union("DefineKindResult")]
AffiliationResult = Annotated[
    AffiliationPayload | MutationError, strawberry.union("AffiliationResult")
]
