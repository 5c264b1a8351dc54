"""The fixed vocabularies of votes as GraphQL enums (wire form: the stored word)."""

from __future__ import annotations

from enum import StrEnum

from ledger.graphql.vocabulary import vocabulary


@vocabulary(
    "What a proposal is about (what passing it may change).",
    {
        "general": "anything else; passing changes nothing by itself",
        "policy": "a project policy",
        "credit_policy": "the credit weights (passing sets the next policy version)",
        "expense": "an expense (passing authorises the payment)",
        "membership": "a voting role (passing grants or removes it)",
        "release": "a release",
    },
)
class ProposalKind(StrEnum):
    GENERAL = "general"
    POLICY = "policy"
    CREDIT_POLICY = "credit_policy"
    EXPENSE = "expense"
    MEMBERSHIP = "membership"
    RELEASE = "release"


@vocabulary(
    "How ballots are counted.",
    {
        "majority": "more yes than no",
        "supermajority": "yes reaches the proposal's threshold",
        "approval": "each ballot approves any options; most approvals wins",
        "schulze": "ranked ballots counted by Debian's A.5 (Schulze method)",
        "lazy_consensus": "silence is assent: passes unless a veto with a reason is cast",
        "consent": "passes unless an objection with a reason stands at close",
    },
)
class VotingMethod(StrEnum):
    MAJORITY = "majority"
    SUPERMAJORITY = "supermajority"
    APPROVAL = "approval"
    SCHULZE = "schulze"
    LAZY_CONSENSUS = "lazy_consensus"
    CONSENT = "consent"


@vocabulary(
    "How a closed proposal ended.",
    {
        "passed": "the method's rule was met with quorum",
        "failed": "the method's rule was not met",
        "no_quorum": "too few of the electorate cast a ballot",
    },
)
class ProposalOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NO_QUORUM = "no_quorum"
