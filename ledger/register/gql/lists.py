"""Inputs narrowing and ordering the register's lists (contributions, contributors)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from ledger.graphql import OrderDirection, number_of
from ledger.register import queries


@strawberry.input(description="Narrow a project's contributions.")
class ContributionFilter:
    kind: str | None = strawberry.field(default=None, description="Only this kind.")
    contributor: strawberry.ID | None = strawberry.field(
        default=None, description="Only this contributor's (number or global id)."
    )
    since: datetime | None = strawberry.field(
        default=None, description="Made at or after this instant."
    )
    until: datetime | None = strawberry.field(default=None, description="Made before this instant.")
    exclude_bots: bool = strawberry.field(
        default=False, description="Leave out bots' contributions (recorded uncounted)."
    )

    def where(self) -> queries.ContributionFilter:
        """The store's filter, with the contributor's number resolved."""
        contributor = (
            number_of(self.contributor, "Contributor", "filter.contributor")
            if self.contributor is not None
            else None
        )
        return queries.ContributionFilter(
            self.kind, contributor, self.since, self.until, self.exclude_bots
        )


@strawberry.enum(description="What contributions can be ordered by.")
class ContributionOrderField(Enum):
    OCCURRED_AT = "occurred_at"


@strawberry.input(description="The order of a project's contributions.")
class ContributionOrder:
    field: ContributionOrderField = strawberry.field(
        default=ContributionOrderField.OCCURRED_AT, description="When the work was done."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="DESC: newest first."
    )


@strawberry.enum(description="What a project's contributors can be ranked by.")
class ContributorOrderField(Enum):
    CREDIT = "credit"
    CONTRIBUTIONS = "contributions"
    FIRST_CONTRIBUTION = "first_at"
    LAST_CONTRIBUTION = "last_at"


@strawberry.input(description="The order of a project's contributors.")
class ContributorOrder:
    field: ContributorOrderField = strawberry.field(
        default=ContributorOrderField.CREDIT, description="The figure to rank by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="DESC: highest (or latest) first."
    )
