"""GraphQL of one contributor's part in a project's decisions: the public ballots they
cast (never a secret one) and the delegations they gave and received."""

from __future__ import annotations

from datetime import datetime

import strawberry

from governance import reads
from governance.gql.enums import ProposalKind, ProposalOutcome
from governance.gql.types import Delegation, ProposalState
from ledger.graphql import Info


@strawberry.type(description="A public ballot a contributor cast, and on what.")
class CastBallot:
    proposal: int = strawberry.field(description="The proposal's number.")
    title: str = strawberry.field(description="The proposal's title.")
    kind: ProposalKind = strawberry.field(description="The proposal's kind.")
    state: ProposalState = strawberry.field(description="Where the proposal is now.")
    outcome: ProposalOutcome | None = strawberry.field(description="How it ended, once closed.")
    closes_at: datetime = strawberry.field(description="When voting closes or closed.")
    cast_at: datetime = strawberry.field(description="When the ballot was (last) cast.")


@strawberry.type(description="The public ballots a contributor cast, newest first.")
class PublicBallots:
    total_count: int = strawberry.field(description="Public ballots cast in all.")
    nodes: list[CastBallot] = strawberry.field(description="The latest of them.")


@strawberry.type(description="The delegations of votes a contributor gave and received.")
class ContributorDelegations:
    given: list[Delegation] = strawberry.field(description="Whom they delegated their vote to.")
    received: list[Delegation] = strawberry.field(description="Who delegated their vote to them.")


def _delegation(d: reads.StandingDelegation) -> Delegation:
    return Delegation(
        delegator=d.delegator, delegate=d.delegate, kind=None if d.scope == "*" else d.scope
    )


async def ballots_of(info: Info, project_id: int, voter: int, first: int) -> PublicBallots:
    """The voter's latest ``first`` public ballots and how many they cast."""
    part = await reads.part_of(info.context.pool, project_id, voter, first)
    return ballots(part)


def ballots(part: reads.Part) -> PublicBallots:
    """The public ballots of a contributor's part."""
    return PublicBallots(
        total_count=part.cast,
        nodes=[
            CastBallot(
                proposal=b.proposal,
                title=b.title,
                kind=ProposalKind(b.kind),
                state=ProposalState(b.state),
                outcome=ProposalOutcome(b.outcome) if b.outcome else None,
                closes_at=b.closes_at,
                cast_at=b.cast_at,
            )
            for b in part.ballots
        ],
    )


async def delegations_of(info: Info, project_id: int, contributor: int) -> ContributorDelegations:
    """The contributor's delegations, given and received."""
    part = await reads.part_of(info.context.pool, project_id, contributor, 1)
    return delegations(part, contributor)


def delegations(part: reads.Part, contributor: int) -> ContributorDelegations:
    """The delegations of a contributor's part, given and received."""
    return ContributorDelegations(
        given=[_delegation(d) for d in part.delegations if d.delegator == contributor],
        received=[_delegation(d) for d in part.delegations if d.delegate == contributor],
    )
