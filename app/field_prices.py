"""What a field costs in the query limit when its work grows with the data.

``app.gql.limits`` charges every field 1 and multiplies a page's selection by its size.
A field listed here is charged more (``Price``):

- ``weight`` is added once per place it is selected: ``HISTORY`` for a field that reads
  rows growing with a project's whole history (a count over contributions, grants,
  proposals or transactions; an aggregate over contributions or entries; extending the
  Merkle tree over the events appended since), so that one query at the default limit of
  25,000 makes at most ten such reads; ``ITEM`` for one that reads rows growing with one
  item (the ballots of one proposal, the members of one electorate);
- ``size`` multiplies the selection of a list that is not paged, as a page would: an
  unpaged list is assumed as long as a default page.

Public fields that answer from stored state are left at 1 on purpose: the journal's
``verify`` and the treasury's ``integrity`` (checkpoints kept by appends and the
background checker), ``length``, ``headHash`` and the events' ``totalCount`` (the head
row), totals and contributors (rollups), and ``projects`` (its count reads the
instance's project rows, which are few). Keys are ``Type.field`` as in the SDL; a test
holds them to the schema and every unpaged list of objects to this table or ``BOUNDED``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.kernel.paging import DEFAULT_PAGE

HISTORY = 2_400
ITEM = 20


@dataclass(frozen=True, slots=True)
class Price:
    """The extra ``weight`` of one selection of a field and the assumed ``size`` of its
    list (1 for a single object or a paged connection, whose ``first`` says)."""

    weight: int = 0
    size: int = 1


_LIST = Price(size=DEFAULT_PAGE)
_SCAN = Price(weight=HISTORY)
_SCANNED_LIST = Price(weight=HISTORY, size=DEFAULT_PAGE)

PRICES: dict[str, Price] = {
    # counts and aggregates over a project's history
    "ContributionConnection.totalCount": _SCAN,
    "Query.proposals": _SCAN,
    "Query.grants": _SCAN,
    "Query.uncoveredContributions": _SCAN,
    "Query.contributorGrantStatus": _SCAN,
    "Query.licenseCoverage": _SCAN,
    "CommunityHealth.quality": _SCAN,
    "CommunityHealth.sustainability": _SCAN,
    "CommunityHealth.rules": _SCAN,
    "Treasury.transactions": _SCAN,
    "Treasury.balances": _SCANNED_LIST,
    "Query.mergeSuggestions": _SCAN,
    # the Merkle tree is extended over the events appended since it was last read
    "Query.treeHead": _SCAN,
    "Query.inclusionProof": _SCAN,
    "Query.consistencyProof": _SCAN,
    # one proposal's ballots, one electorate's members
    "Proposal.tally": Price(weight=ITEM),
    "Proposal.tallySheet": Price(weight=ITEM, size=DEFAULT_PAGE),
    "Electorate.members": Price(weight=ITEM),
    "Subscription.proposalTally": Price(weight=ITEM),
    # unpaged lists that grow with the data
    "Query.delegations": _LIST,
    "Query.sponsors": _LIST,
    "Query.sponsorships": _LIST,
    "Query.agreementTexts": _LIST,
    "Query.licenseTexts": _LIST,
    "Query.trademarkNotices": _LIST,
    "Query.forgeSecrets": _LIST,
    "Query.deadLetters": _LIST,
    "Query.truncatedPushes": _LIST,
    "Treasury.sponsors": _LIST,
    "Treasury.approvals": _LIST,
    "Sponsor.sponsorships": _LIST,
    "Contributor.identities": _LIST,
    "ContributorGrantStatus.grants": _LIST,
    "Project.creditPolicies": _LIST,
    "Project.contributionsByKind": _LIST,
    "CoverageReport.rows": _LIST,
    "Query.nodes": _LIST,
    # the same lists composed under a project, and a dashboard's aggregates
    "Project.months": _LIST,
    "Project.delegations": _LIST,
    "Project.agreementTexts": _LIST,
    "Project.licenseTexts": _LIST,
    "Project.trademarkNotices": _LIST,
    "Project.sponsors": _LIST,
    "Project.sponsorships": _LIST,
    "Project.forgeSecrets": _LIST,
    "Project.deadLetters": _LIST,
    "Project.truncatedPushes": _LIST,
    "Project.mergeSuggestions": _SCAN,
    "ContributorProfile.grants": _LIST,
    "Standing.creditExplanation": _LIST,
    "Standing.byKindAndMonth": _LIST,
    "PublicBallots.nodes": _LIST,
    "ContributorDelegations.given": _LIST,
    "ContributorDelegations.received": _LIST,
    "FundingSummary.held": _LIST,
    "FundingSummary.outstandingPledges": _SCANNED_LIST,
    "FundingSummary.received": _SCANNED_LIST,
    "ReportingTotal.rates": _LIST,
    "Treasury.pledges": _SCANNED_LIST,
    "Treasury.recurringPledges": _LIST,
    "Treasury.goals": _LIST,
    "Treasury.budgets": _SCANNED_LIST,
    "Treasury.exchangeRates": _LIST,
    "ReviewCoverage.byRepository": _LIST,
    "DecisionRules.vetoes": _LIST,
}

# Unpaged lists of objects whose length is bounded by their owner, not by the data:
# a transaction's legs, a policy's kinds, a verdict's findings and opinions.
BOUNDED = frozenset(
    {
        "CompatibilityFinding.opinions",
        "CreditPolicy.weights",
        "LicenseCompatibility.findings",
        "TreasuryTransaction.entries",
        # what one mutation made: a pledge's installments, a receipt's fees
        "SponsorshipPayload.installments",
        "TreasuryTransactionPayload.fees",
        "DuePledgesPayload.pledges",
        # the health figures: capped lists, a quarter window, a fixed set of kinds or terms
        "CommunityHealth.glossary",
        "DecisionRules.inForce",
        "DecisionRules.turnoutTrend",
        "DecisionRules.withoutVoteByKind",
        "ReviewCoverage.selfMergedChanges",
        "Reverts.byReverter",
        "Reverts.bySource",
        "Sustainability.retention",
        "Sustainability.trend",
    }
)
