"""GraphQL of standings and history: a contributor's rank, credit explained and work by
kind and month; a project's months. ``ProjectHistory`` holds the fields the
composition root attaches to ``Project``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from ledger.graphql import Info
from ledger.register import standing as store
from ledger.register.credit import explain
from ledger.register.gql.types import Project


@strawberry.type(description="Counted contributions of one kind in one month.")
class KindMonth:
    month: date = strawberry.field(description="First day of the month (UTC).")
    kind: str = strawberry.field(description="Contribution kind.")
    contributions: int = strawberry.field(description="Counted contributions.")
    credit: Decimal = strawberry.field(description="Credit they earned.")


@strawberry.type(description="Credit of one kind under one credit policy version.")
class CreditLine:
    kind: str = strawberry.field(description="Contribution kind.")
    policy_version: int = strawberry.field(description="The credit policy version.")
    contributions: int = strawberry.field(description="Counted contributions.")
    weight: Decimal = strawberry.field(description="Credit one of them earned.")
    credit: Decimal = strawberry.field(description="contributions x weight.")
    explanation: str = strawberry.field(description='In words: "12.0 = 4 code x 3.0, policy v1".')

    @classmethod
    def of(cls, line: store.CreditLine) -> CreditLine:
        return cls(
            kind=line.kind,
            policy_version=line.policy_version,
            contributions=line.contributions,
            weight=line.weight,
            credit=line.credit,
            explanation=explain(line.contributions, line.kind, line.weight, line.policy_version),
        )


@strawberry.type(description="A contributor's counted work in a project, ranked by credit.")
class Standing:
    rank: int = strawberry.field(description="1 for the most credit; equal credit, equal rank.")
    ranked_among: int = strawberry.field(description="Contributors with counted work.")
    contributions: int = strawberry.field(description="Counted contributions.")
    credit: Decimal = strawberry.field(description="Credit of every counted contribution.")
    first_at: datetime = strawberry.field(description="When the first was made.")
    last_at: datetime = strawberry.field(description="When the latest was made.")
    credit_explanation: list[CreditLine] = strawberry.field(
        description="The credit, line by line (kind and policy version), largest first."
    )
    by_kind_and_month: list[KindMonth] = strawberry.field(
        description="Counted contributions per month and kind, oldest month first."
    )

    @classmethod
    def of(cls, found: store.Standing) -> Standing:
        return cls(
            rank=found.rank,
            ranked_among=found.ranked,
            contributions=found.contributions,
            credit=found.credit,
            first_at=found.first_at,
            last_at=found.last_at,
            credit_explanation=[CreditLine.of(line) for line in found.lines],
            by_kind_and_month=[
                KindMonth(
                    month=c.month, kind=c.kind, contributions=c.contributions, credit=c.credit
                )
                for c in found.cells
            ],
        )


@strawberry.type(description="A project's counted work in one month.")
class MonthTotal:
    month: date = strawberry.field(description="First day of the month (UTC).")
    contributions: int = strawberry.field(description="Counted contributions.")
    credit: Decimal = strawberry.field(description="Credit they earned.")
    contributors: int = strawberry.field(description="People with counted work that month.")


async def standing_of(info: Info, project_id: int, contributor_id: int) -> Standing | None:
    """The contributor's standing in the project (None without counted work)."""
    found = await store.standing(info.context.pool, project_id, contributor_id)
    return Standing.of(found) if found else None


@strawberry.type
class ProjectHistory:
    @strawberry.field(description="Counted work and active contributors per month, oldest first.")
    async def months(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        since: Annotated[
            date | None, strawberry.argument(description="From this month on (its first day).")
        ] = None,
        until: Annotated[
            date | None, strawberry.argument(description="Before this month (its first day).")
        ] = None,
    ) -> list[MonthTotal]:
        rows = await store.months(info.context.pool, root.model.id, since, until)
        return [
            MonthTotal(
                month=r.month,
                contributions=r.contributions,
                credit=r.credit,
                contributors=r.contributors,
            )
            for r in rows
        ]
