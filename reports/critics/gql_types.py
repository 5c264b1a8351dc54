"""GraphQL types of the quality, sustainability and rules figures, field for field as the
report's sections of those names print them (``reports.critics.gql`` fills them)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON


def _share() -> Any:
    return strawberry.field(description="Four-place decimal text; null when nothing is divided.")


@strawberry.type(description="Review coverage of one repository's merged change requests.")
class RepositoryCoverage:
    repository: str | None = strawberry.field(description="As the forge names it.")
    merged: int
    reviewed: int = strawberry.field(description="Reviewed by someone else before the merge.")
    share: str | None = _share()


@strawberry.type(description="A change request merged by its own author.")
class SelfMergedChange:
    thread: str = strawberry.field(description="The change request's key.")
    repository: str | None
    author: int = strawberry.field(description="The author's contributor number.")
    merged_at: str = strawberry.field(description="UTC, to the second.")
    reviewed: bool = strawberry.field(description="Whether someone else reviewed it first.")


@strawberry.type(description="Change requests merged in the period and their reviews.")
class ReviewCoverage:
    merged: int
    reviewed: int = strawberry.field(description="Reviewed by someone other than the author.")
    share: str | None = _share()
    by_repository: list[RepositoryCoverage]
    self_merged: int = strawberry.field(description="Merged by their own author.")
    self_merged_changes: list[SelfMergedChange] = strawberry.field(
        description="The latest self-merged changes, newest first (at most 100)."
    )


@strawberry.type(description="Time to a first answer: nearest-rank median and 90th percentile.")
class ResponseTime:
    threads: int
    with_opening: int = strawberry.field(description="Threads whose opening is known.")
    answered: int
    median_seconds: int | None
    p90_seconds: int | None


@strawberry.type(description="Response times of issues and change requests.")
class ResponseTimes:
    issues: ResponseTime = strawberry.field(description="Issues opened: first response.")
    changes: ResponseTime = strawberry.field(description="Changes merged: first response.")
    change_reviews: ResponseTime = strawberry.field(description="Changes merged: first review.")


@strawberry.type(description="Reverts from one source (git, a forge, a wiki).")
class RevertSource:
    source: str
    reverts: int
    reverted: int = strawberry.field(description="Items the reverts undid.")


@strawberry.type(description="Who reverted, by contributor number.")
class Reverter:
    contributor_id: int
    reverts: int
    reverted: int


@strawberry.type(description="The period's reverts and what they undid.")
class Reverts:
    reverts: int
    reverted: int
    contributions: int = strawberry.field(description="The period's counted contributions.")
    share: str | None = _share()
    reverters: int
    by_source: list[RevertSource]
    by_reverter: list[Reverter] = strawberry.field(description="Most reverts first (20 at most).")


@strawberry.type(description="Test and documentation share of the period's work.")
class WorkShare:
    contributions: int
    test: int
    test_share: str | None = _share()
    doc: int
    doc_share: str | None = _share()
    test_kinds: list[str]
    doc_kinds: list[str]


@strawberry.type(description="Is the work checked, answered, reverted, tested, documented?")
class Quality:
    coverage: ReviewCoverage
    response: ResponseTimes
    reverts: Reverts
    work: WorkShare


@strawberry.type(description="People whose first contribution fell in one quarter.")
class Cohort:
    cohort: str = strawberry.field(description="The quarter, e.g. 2026-Q1.")
    size: int
    retained: list[int] = strawberry.field(description="Still contributing in Q+1, Q+2...")
    shares: list[str | None]


@strawberry.type(description="The fewest people (or organisations) making half of the work.")
class Factor:
    by_count: int = strawberry.field(description="Of the contributions.")
    by_credit: int = strawberry.field(description="Of the credit.")


@strawberry.type(description="Absence and elephant factors of one quarter.")
class QuarterFactors:
    quarter: str
    contributions: int
    credit: str
    active_contributors: int
    absence_factor: Factor
    elephant_factor: Factor


@strawberry.type(description="Do people stay, and does the work rest on a few?")
class Sustainability:
    quarters: list[str]
    retention: list[Cohort]
    trend: list[QuarterFactors]
    runway: JSON = strawberry.field(description="The funding section's runway, as reported.")
    concentration: JSON = strawberry.field(description="Funding elephant factor per quarter.")


@strawberry.type(description="A rule in force at the period's end and what last set it.")
class RuleInForce:
    rule: str = strawberry.field(description="credit_policy, setting:<name> or proposals:<kind>.")
    value: JSON
    proposal_id: int | None = strawberry.field(description="Null when set without a vote.")
    actor: str
    since: str


@strawberry.type(description="Changes of one kind made without a vote.")
class DirectChanges:
    kind: str = strawberry.field(description="credit_policy, voting_role, expense or setting.")
    count: int


@strawberry.type(description="From proposal to decision: nearest-rank median and 90th percentile.")
class DecisionTime:
    decided: int
    median_seconds: int | None
    p90_seconds: int | None


@strawberry.type(description="Of everyone in an electorate of the period, who voted.")
class Participation:
    electorate: int
    voted: int = strawberry.field(description="Counted on at least one tally sheet.")
    share: str | None = _share()


@strawberry.type(description="A proposal an objection stopped, with the reasons given.")
class Veto:
    proposal_id: int
    title: str
    method: str
    closed_at: str
    reasons: list[str]


@strawberry.type(description="Turnout of the proposals closed in one quarter.")
class QuarterTurnout:
    quarter: str
    proposals: int
    ballots: int
    electorate: int
    turnout: str | None = _share()


@strawberry.type(description="How decisions were taken in the period, and the rules in force.")
class DecisionRules:
    by_vote: int = strawberry.field(description="Proposals that passed or failed.")
    without_vote: int = strawberry.field(description="Changes made without a proposal.")
    share_by_vote: str | None = _share()
    without_vote_by_kind: list[DirectChanges]
    to_decision: DecisionTime
    participation: Participation
    vetoes: list[Veto]
    turnout_trend: list[QuarterTurnout]
    in_force: list[RuleInForce]


@strawberry.type(description="What one figure means, and the CHAOSS metric it follows.")
class GlossaryEntry:
    figure: str
    term: str
    definition: str
    chaoss: str | None = None
