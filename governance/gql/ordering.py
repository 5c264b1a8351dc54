"""The order of a project's proposals (by number, or by closing time for deadlines)."""

from __future__ import annotations

from enum import Enum

import strawberry

from ledger.graphql import OrderDirection


@strawberry.enum(description="What proposals can be ordered by.")
class ProposalOrderField(Enum):
    NUMBER = "number"
    CLOSES_AT = "closes_at"


@strawberry.input(description="The order of a project's proposals.")
class ProposalOrder:
    field: ProposalOrderField = strawberry.field(
        default=ProposalOrderField.NUMBER,
        description="NUMBER: as drafted; CLOSES_AT: by voting deadline.",
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="DESC: newest (or latest deadline) first."
    )
