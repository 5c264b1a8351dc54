"""GraphQL enums of the license register."""

from __future__ import annotations

from enum import Enum, StrEnum

import strawberry

from ledger.graphql.vocabulary import vocabulary


@strawberry.enum(description="How a license grant was given.")
class GrantInstrument(Enum):
    DCO = "dco"
    ICLA = "icla"
    CCLA = "ccla"
    INBOUND_OUTBOUND = "inbound_outbound"
    EXPLICIT = "explicit"


@strawberry.enum(description="The instruments that have a versioned agreement text.")
class AgreementInstrument(Enum):
    DCO = "dco"
    ICLA = "icla"
    CCLA = "ccla"
    INBOUND_OUTBOUND = "inbound_outbound"


@strawberry.enum
class GrantRight(Enum):
    REPRODUCE = "reproduce"
    MODIFY = "modify"
    DISTRIBUTE = "distribute"
    SUBLICENSE = "sublicense"
    PERFORM_DISPLAY = "perform_display"


@strawberry.enum(description="Who receives a grant.")
class Grantee(Enum):
    STEWARD = "steward"
    PUBLIC = "public"


@strawberry.enum(description="Whom a corporate CLA authorises.")
class AuthorisationKind(Enum):
    CONTRIBUTOR = "contributor"
    EMAIL_DOMAIN = "email_domain"
    MEMBERSHIP = "membership"


@strawberry.enum
class CoveragePeriod(Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@strawberry.enum
class GrantStatus(Enum):
    COVERED = "covered"
    PARTIAL = "partial"
    UNCOVERED = "uncovered"


@strawberry.enum(
    description="A compatibility answer; an invalid expression is a ValidationError instead."
)
class CompatibilityStatus(Enum):
    COMPATIBLE = "compatible"
    INCOMPATIBLE = "incompatible"
    UNKNOWN = "unknown"


@strawberry.enum(description="Who decided a compatibility answer.")
class VerdictSource(Enum):
    OSADL = "osadl"
    PROJECT = "project"
    NONE = "none"


@vocabulary(
    "What a grant covers.",
    {
        "contributions": "the contributions it lists",
        "from_date": "all the grantor's work from `scopeFrom` on",
    },
)
class GrantScope(StrEnum):
    CONTRIBUTIONS = "contributions"
    FROM_DATE = "from_date"
