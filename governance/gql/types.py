"""GraphQL output types of votes: proposals, their electorate, tallies, tally sheets
and the Schulze matrices anyone can recheck."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from governance import service, store
from governance.gql.enums import ProposalKind, ProposalOutcome, VotingMethod
from governance.models import Proposal as ProposalModel
from ledger.graphql import Info, Node, as_json, global_id
from ledger.journal.events.base import or_none
from ledger.journal.events.governance import ProposalClosed


@strawberry.enum(description="Where a proposal is in its lifecycle.")
class ProposalState(Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


@strawberry.type(description="Who may vote: the rule, and the snapshot taken at opening.")
class Electorate:
    rule: JSON = strawberry.field(description="Union of clauses, as published.")
    size: int | None = strawberry.field(description="Members snapshotted at opening.")
    hash: str | None = strawberry.field(
        description="Hex SHA-256 of the RFC 8785 JSON of the sorted member ids."
    )
    _proposal: strawberry.Private[ProposalModel]

    @strawberry.field(description="The snapshotted member ids (contributor numbers), sorted.")
    async def members(self, info: Info) -> list[int]:
        if self._proposal.state == "draft":
            return []
        return await store.electors(info.context.pool, self._proposal)


@strawberry.type(description="The Schulze count: pairwise preferences and strongest paths.")
class SchulzeMatrices:
    options: list[str] = strawberry.field(description="Row/column order of `pairwise`.")
    pairwise: list[list[int]] = strawberry.field(
        description="pairwise[i][j]: ballots ranking option i above option j."
    )
    dropped: list[str] = strawberry.field(
        description="Options that did not defeat the default option by their required ratio."
    )
    considered: list[str] = strawberry.field(description="Row/column order of `strongestPaths`.")
    strongest_paths: list[list[int]] = strawberry.field(
        description="Winning votes of the weakest link of each strongest path between the "
        "considered options (0: no path)."
    )
    strongest_path_losing: list[list[int]] | None = strawberry.field(
        description="Losing votes of that link: of two links with equal winning votes the one "
        "with fewer losing votes is stronger (Debian A.5(7)). Null for proposals counted "
        "by winning votes only (count_rules 1)."
    )
    ranking: list[str]


@strawberry.type(description="A count of the ballots: final at close, live while open.")
class Tally:
    final: bool = strawberry.field(description="False for a live count of an open proposal.")
    outcome: ProposalOutcome | None = strawberry.field(description="How it ended (final only).")
    passed: bool = strawberry.field(description="Whether the method's rule is met by the ballots.")
    winners: list[str]
    turnout: int = strawberry.field(
        description="Ballots counted, abstentions and delegations included."
    )
    electorate_size: int
    details: JSON = strawberry.field(description="The method's own figures.")
    schulze: SchulzeMatrices | None

    @classmethod
    def of(cls, result: dict[str, Any], final: bool) -> Tally:
        details = result["details"]
        matrices = None
        if result["method"] == "schulze":
            matrices = SchulzeMatrices(
                options=details["options"],
                pairwise=details["pairwise"],
                dropped=details["dropped"],
                considered=details["considered"],
                strongest_paths=details["strongest_paths"],
                strongest_path_losing=details.get("strongest_path_losing"),
                ranking=details["ranking"],
            )
        return cls(
            final=final,
            outcome=ProposalOutcome(result["outcome"]) if final and result["outcome"] else None,
            passed=result["passed"],
            winners=result["winners"],
            turnout=result["turnout"],
            electorate_size=result["electorate_size"],
            details=as_json(details),
            schulze=matrices,
        )


@strawberry.type(description="One row of a tally sheet: a voter's ballot, or a receipt's.")
class TallySheetRow:
    voter: int | None = strawberry.field(description="Public ballots: the elector counted.")
    cast_by: int | None = strawberry.field(
        description="Public ballots: whose ballot it counts as (differs under delegation)."
    )
    receipt: str | None = strawberry.field(
        description="Secret ballots: the ballot's receipt (hex), 32 random bytes drawn when it "
        "was cast and handed only to its voter. It names no one and is derived from nothing: "
        "it lets the voter find their ballot here, and proves nothing about them to anyone else."
    )
    ballot: JSON = strawberry.field(description="The ballot as counted (canonical form).")


@strawberry.type(description="A question put to a project's electorate.")
class Proposal(Node):
    model: strawberry.Private[ProposalModel]
    project: str = strawberry.field(description="Project slug.")

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Proposal", self.model.project_id, self.model.id)

    @strawberry.field(description="Proposal number within the project, as used in inputs.")
    def number(self) -> int:
        return self.model.id

    @strawberry.field
    def title(self) -> str:
        return self.model.title

    @strawberry.field
    def body(self) -> str:
        return self.model.body

    @strawberry.field(description="What the proposal is about.")
    def kind(self) -> ProposalKind:
        return ProposalKind(self.model.kind)

    @strawberry.field
    def method(self) -> VotingMethod:
        return VotingMethod(self.model.method)

    @strawberry.field(
        description="The options; a ranked vote adds params.default_option to every ballot."
    )
    def options(self) -> list[str]:
        return list(self.model.options)

    @strawberry.field(
        description="Method parameters (thresholds, approval bounds, default option)."
    )
    def params(self) -> JSON:
        return as_json(self.model.params)

    @strawberry.field(description="Share of the electorate that must cast a ballot, exact.")
    def quorum(self) -> str:
        return str(self.model.quorum)

    @strawberry.field(
        description="Secret ballots: while voting is open nothing about a ballot is "
        "published (no journal event, no count, no time); at close the tally sheet lists the "
        "ballots that stand by receipt, in receipt order, and `voters` who voted. The "
        "operator's database still keeps each voter beside their ballot (so that it can be "
        "changed) with the time it was cast: whoever can read that database can see how "
        "anyone voted. See docs/secret-ballots.md."
    )
    def secret(self) -> bool:
        return self.model.secret

    @strawberry.field(
        description="Whether ballots and the count are public while voting is open "
        "(params.running_tally; never for secret ballots)."
    )
    def running_tally(self) -> bool:
        return self.model.running_tally

    @strawberry.field(description="What passing does (credit policy, expense), as validated.")
    def action(self) -> JSON:
        return as_json(self.model.action)

    @strawberry.field
    def state(self) -> ProposalState:
        return ProposalState(self.model.state)

    @strawberry.field
    def outcome(self) -> ProposalOutcome | None:
        return ProposalOutcome(self.model.outcome) if self.model.outcome else None

    @strawberry.field
    def opens_at(self) -> datetime | None:
        return self.model.opens_at

    @strawberry.field
    def closes_at(self) -> datetime:
        return self.model.closes_at

    @strawberry.field
    def closed_at(self) -> datetime | None:
        return self.model.closed_at

    @strawberry.field
    def created_by(self) -> str:
        return self.model.created_by

    @strawberry.field
    def electorate(self) -> Electorate:
        digest = self.model.electorate_hash
        return Electorate(
            rule=as_json(self.model.electorate.to_json()),
            size=self.model.electorate_size,
            hash=digest.hex() if digest else None,
            _proposal=self.model,
        )

    @strawberry.field(
        description="Final tally once closed; a live count of open votes with a running tally."
    )
    async def tally(self, info: Info) -> Tally | None:
        if self.model.result is not None:
            return Tally.of(self.model.result, final=True)
        if self.model.state != "open" or not self.model.running_tally:
            return None
        return await live_tally(info, self.model)

    @strawberry.field(
        description="The counted ballots once closed; recount them to check. Secret ballots: "
        "only the ballot that stands for each voter, by receipt, in receipt order, with no "
        "time or revision."
    )
    async def tally_sheet(self, info: Info) -> list[TallySheetRow] | None:
        closing = await self._closing(info)
        if closing is None:
            return None
        return [
            TallySheetRow(
                voter=or_none(row.voter),
                cast_by=or_none(row.cast_by),
                receipt=or_none(row.receipt),
                ballot=as_json(row.ballot),
            )
            for row in closing.sheet
        ]

    @strawberry.field(
        description="Secret ballots, once closed: who voted, not how (the contributor records "
        "whose ballots were counted, sorted; as many as rows of the tally sheet). If you voted "
        "you are on it; if you did not and are, a ballot was cast in your name. Null for public "
        "ballots, whose tally sheet names each voter."
    )
    async def voters(self, info: Info) -> list[int] | None:
        closing = await self._closing(info) if self.model.secret else None
        found = or_none(closing.voters) if closing is not None else None
        return list(found) if found is not None else None

    async def _closing(self, info: Info) -> ProposalClosed | None:
        if self.model.state != "closed":
            return None
        return await store.closing(info.context.pool, self.model)

    @strawberry.field(description="Hex SHA-256 of the RFC 8785 JSON of the tally sheet.")
    def sheet_hash(self) -> str | None:
        return self.model.sheet_hash.hex() if self.model.sheet_hash else None

    @strawberry.field(description="What the passed proposal changed (or why it could not).")
    def effect(self) -> JSON | None:
        return as_json(self.model.effect) if self.model.effect is not None else None

    @strawberry.field(
        description="The caller's current ballot, if they cast one (a secret one too: only "
        "the voter, and the operator's database, see it)."
    )
    async def my_ballot(self, info: Info) -> JSON | None:
        voter = info.context.principal.contributor_id
        if voter is None:
            return None
        value = await store.ballot_of(info.context.pool, self.model, voter)
        return as_json(value) if value is not None else None


async def live_tally(info: Info, proposal: ProposalModel) -> Tally:
    """Count an open public proposal's current ballots."""
    from ledger.register.projects import load_projects

    project = await info.context.loaders.get(load_projects).load(proposal.project_id)
    delegation = bool(project and project.settings.get(service.DELEGATION))
    counted = await service.count(info.context.pool, proposal, delegation)
    return Tally.of(counted.result(), final=False)


@strawberry.type(description="A standing delegation of a vote.")
class Delegation:
    delegator: int
    delegate: int
    kind: str | None = strawberry.field(description="Proposal kind, or null for all kinds.")
