"""GraphQL inputs, payloads and result unions of the license register's mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from ledger.graphql import (
    MutationError,
)
from licenses.gql.enums import (
    AgreementInstrument,
    AuthorisationKind,
    Grantee,
    GrantInstrument,
    GrantRight,
)
from licenses.gql.types import (
    AgreementText,
    Grant,
    LicenseText,
    TrademarkNotice,
)


@strawberry.input(description="Whom a corporate CLA authorises.")
class AuthorisationInput:
    kind: AuthorisationKind
    contributor: int | None = None
    email_domain: str | None = None


@strawberry.input(
    description="A grant to record. Scope: either `contributions` (listed) or `scopeFrom` "
    "(all the grantor's work from that instant)."
)
class RecordGrantInput:
    project: str
    idempotency_key: str = strawberry.field(description="Replays return the first grant.")
    instrument: GrantInstrument
    grantor_contributor: int | None = None
    grantor_organisation: str | None = strawberry.field(
        default=None, description="Organisation name (corporate CLA or explicit grants)."
    )
    grantee: Grantee = Grantee.STEWARD
    agreement_version: int | None = strawberry.field(
        default=None, description="Agreement text version accepted; the newest when left out."
    )
    license_expression: str | None = strawberry.field(
        default=None, description="SPDX expression; inbound=outbound and DCO use the project's."
    )
    rights: list[GrantRight] | None = strawberry.field(
        default=None, description="All five rights when left out."
    )
    patent_grant: bool = False
    irrevocable: bool = True
    royalty_free: bool = True
    scope_from: datetime | None = None
    contributions: list[int] = strawberry.field(default_factory=list)
    authorisations: list[AuthorisationInput] = strawberry.field(default_factory=list)
    effective_at: datetime | None = None
    commit: str | None = None
    signature_method: str | None = None
    delivery_id: str | None = None


@strawberry.input
class WithdrawGrantInput:
    project: str
    grant: int = strawberry.field(description="Grant number.")
    at: datetime | None = strawberry.field(
        default=None, description="When the withdrawal takes effect (now when left out)."
    )
    reason: str = ""


@strawberry.input
class PublishAgreementInput:
    project: str
    instrument: AgreementInstrument
    title: str
    text: str
    effective_from: datetime


@strawberry.input
class AddLicenseTextInput:
    project: str
    license_ref: str
    name: str
    text: str


@strawberry.input
class SetCoverageRequirementInput:
    project: str
    kinds: list[str] = strawberry.field(description="Kinds whose uncovered work is flagged.")


@strawberry.input
class SetTrademarkNoticeInput:
    project: str
    mark: str
    owner: str
    notice: str
    policy_url: str | None = None


@strawberry.type
class GrantPayload:
    grant: Grant
    replayed: bool = strawberry.field(description="True when the key had been used before.")


@strawberry.type
class AgreementPayload:
    agreement: AgreementText


@strawberry.type
class LicenseTextPayload:
    license_text: LicenseText


@strawberry.type
class CoverageRequirementPayload:
    required_kinds: list[str]


@strawberry.type
class TrademarkNoticePayload:
    notice: TrademarkNotice


GrantResult = Annotated[GrantPayload | MutationError, strawberry.union("GrantResult")]
AgreementResult = Annotated[
    AgreementPayload | MutationError, strawberry.union("PublishAgreementResult")
]
LicenseTextResult = Annotated[
    LicenseTextPayload | MutationError, strawberry.union("AddLicenseTextResult")
]
CoverageRequirementResult = Annotated[
    CoverageRequirementPayload | MutationError, strawberry.union("SetCoverageRequirementResult")
]
TrademarkResult = Annotated[
    TrademarkNoticePayload | MutationError, strawberry.union("SetTrademarkNoticeResult")
]
