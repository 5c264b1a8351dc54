"""GraphQL inputs, payloads and result unions of the vote mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from governance.gql.types import Delegation, Proposal
from ledger.graphql import (
    MutationError,
)


@strawberry.input(description="Who may vote: the union of the clauses given.")
class ElectorateInput:
    min_credit: str | None = strawberry.field(
        default=None, description="Contributors with at least this credit (decimal string)..."
    )
    months: int | None = strawberry.field(
        default=None, description="...in the last N calendar months, this one included (12)."
    )
    maintainers: bool = strawberry.field(default=False, description="The maintainer list.")
    members: bool = strawberry.field(default=False, description="The member list.")
    contributors: list[int] | None = strawberry.field(
        default=None, description="An explicit list of contributor numbers."
    )


@strawberry.input
class CreateProposalInput:
    project: str
    title: str
    method: str = strawberry.field(
        description="majority, supermajority, approval, schulze, lazy_consensus or consent."
    )
    electorate: ElectorateInput
    closes_at: datetime = strawberry.field(description="Judged by the database's clock.")
    idempotency_key: str = strawberry.field(description="Replays return the first proposal.")
    body: str = ""
    kind: str = "general"
    options: list[str] = strawberry.field(
        default_factory=list, description="Approval and ranked votes; yes/no methods take none."
    )
    params: JSON | None = strawberry.field(
        default=None,
        description='e.g. {"threshold": "3:1"} (at least 3:1 and more yes than no; '
        '"strict": true for more than 3:1), {"min": 1, "max": 2}, or for schulze '
        '{"default_option", "default_ratio", "majorities": {option: ratio}, '
        '"option_quorum", "casting_vote": {"voter": n} | {"rule": "lot"}}; any method: '
        '{"running_tally": false} hides ballots and the count until close.',
    )
    quorum: str = strawberry.field(default="0", description='Share of the electorate, e.g. "1/4".')
    action: JSON | None = strawberry.field(
        default=None,
        description="credit_policy: {weights, default_weight, reason}; "
        "expense: {amount, currency, payee, purpose}.",
    )


@strawberry.input
class ProposalRefInput:
    project: str
    number: int


@strawberry.input
class CastBallotInput:
    project: str
    number: int
    ballot: JSON = strawberry.field(
        description='{"choice": "yes"}, {"approve": [...]}, {"ranking": [[...], ...]}, '
        '{"choice": "veto", "reason": "..."}'
    )


@strawberry.input(
    description="Delegation applies to public ballots when the project enables it; "
    "secret ballots are never delegated."
)
class DelegateInput:
    project: str
    to: int = strawberry.field(description="Contributor number of the delegate.")
    kind: str | None = strawberry.field(default=None, description="A proposal kind; null: all.")


@strawberry.input
class RevokeDelegationInput:
    project: str
    kind: str | None = None


@strawberry.input
class SetVotingRoleInput:
    project: str
    contributor: int
    role: str | None = strawberry.field(description="maintainer, member, or null to remove.")


@strawberry.input(
    description="A code of conduct by its text or the SHA-256 of it (one of the two)."
)
class CodeOfConductInput:
    title: str
    text: str | None = strawberry.field(default=None, description="Hashed, not stored.")
    sha256: str | None = strawberry.field(default=None, description="Hex SHA-256 of the text.")
    url: str | None = strawberry.field(default=None, description="Where the text is published.")
    proposal: int | None = strawberry.field(
        default=None, description="The passed proposal that adopted it."
    )


@strawberry.input
class GovernanceSettingsInput:
    project: str
    delegation: bool | None = None
    secret_ballots: bool | None = None
    code_of_conduct: CodeOfConductInput | None = strawberry.field(
        default=None, description="Adopt this code of conduct (listed among the rules in force)."
    )


@strawberry.type
class ProposalPayload:
    proposal: Proposal
    replayed: bool = strawberry.field(
        default=False, description="True when createProposal's key had been used before."
    )


@strawberry.type
class BallotPayload:
    proposal: Proposal
    ballot: JSON = strawberry.field(description="The ballot as stored (canonical form).")
    revision: int = strawberry.field(
        description="1 for a first ballot, then each change (for a secret ballot told only to "
        "you, never published)."
    )
    cast_at: datetime = strawberry.field(
        description="When the ballot was stored (for a secret ballot told only to you, never "
        "published)."
    )
    receipt: str | None = strawberry.field(
        description="Secret ballots: this ballot's receipt (hex), fresh random bytes for every "
        "cast, so a changed ballot gets a new one and the old one leaves the sheet. Keep the "
        "last one: at close the tally sheet shows it beside the ballot counted, and "
        "`commons governance recheck --elector --receipt` checks it. Nobody can derive it "
        "from you or your ballot; it proves to you that your ballot was counted as cast, "
        "not to anyone else how you voted."
    )


@strawberry.type
class DelegationPayload:
    delegation: Delegation


@strawberry.type
class RevokeDelegationPayload:
    kind: str | None


@strawberry.type
class VotingRolePayload:
    contributor: int
    role: str | None
    changed: bool


@strawberry.type(description="A project's code of conduct, by the hash of its text.")
class CodeOfConduct:
    title: str
    sha256: str
    url: str | None
    proposal: int | None = strawberry.field(description="The proposal that adopted it.")


@strawberry.type
class GovernanceSettingsPayload:
    delegation: bool
    secret_ballots: bool
    code_of_conduct: CodeOfConduct | None = None


ProposalResult = Annotated[ProposalPayload | MutationError, strawberry.union("ProposalResult")]
BallotResult = Annotated[BallotPayload | MutationError, strawberry.union("CastBallotResult")]
DelegationResult = Annotated[
    DelegationPayload | MutationError, strawberry.union("DelegationResult")
]
RevokeResult = Annotated[
    RevokeDelegationPayload | MutationError, strawberry.union("RevokeDelegationResult")
]
RoleResult = Annotated[VotingRolePayload | MutationError, strawberry.union("VotingRoleResult")]
SettingsResult = Annotated[
    GovernanceSettingsPayload | MutationError, strawberry.union("GovernanceSettingsResult")
]
