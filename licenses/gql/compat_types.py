"""GraphQL types of compatibility answers: the verdict, the findings that decided it,
and what every other source says about each pair."""

from __future__ import annotations

import strawberry

from licenses.compat import Finding, Opinion, Verdict
from licenses.gql.enums import CompatibilityStatus, VerdictSource


@strawberry.type(description="What one source says about one pair of licenses.")
class CompatibilityOpinion:
    source: VerdictSource
    status: CompatibilityStatus
    verdict: str = strawberry.field(description="The source's own word, e.g. OSADL's 'Yes'.")
    reason: str
    sources: list[str]

    @classmethod
    def of(cls, opinion: Opinion) -> CompatibilityOpinion:
        return cls(
            source=VerdictSource(opinion.source),
            status=CompatibilityStatus(opinion.status),
            verdict=opinion.verdict,
            reason=opinion.reason,
            sources=list(opinion.references),
        )


@strawberry.type(description="The answer for one inbound license into one outbound license.")
class CompatibilityFinding:
    inbound: str
    outbound: str
    status: CompatibilityStatus
    reason: str
    decided_by: VerdictSource = strawberry.field(description="Who decided this answer.")
    rule: str | None = strawberry.field(description="The project rule, when one decided.")
    sources: list[str]
    opinions: list[CompatibilityOpinion] = strawberry.field(
        description="What the other sources say about this pair, agreeing or not."
    )
    disputed: bool = strawberry.field(description="True when another source disagrees.")

    @classmethod
    def of(cls, finding: Finding) -> CompatibilityFinding:
        return cls(
            inbound=finding.inbound,
            outbound=finding.outbound,
            status=CompatibilityStatus(finding.status),
            reason=finding.reason,
            decided_by=VerdictSource(finding.decided_by),
            rule=finding.rule,
            sources=list(finding.references),
            opinions=[CompatibilityOpinion.of(o) for o in finding.opinions],
            disputed=finding.disputed,
        )


@strawberry.type(description="Whether inbound work may go into a work under the outbound license.")
class LicenseCompatibility:
    inbound: str = strawberry.field(description="The inbound expression, normalised.")
    outbound: str = strawberry.field(description="The outbound expression, normalised.")
    status: CompatibilityStatus
    reason: str
    sources: list[str] = strawberry.field(description="What the deciding findings cite.")
    decided_by: list[VerdictSource] = strawberry.field(
        description="Who decided: the OSADL matrix, a project rule, or nobody (no data)."
    )
    disputed: bool = strawberry.field(
        description="True when another source disagrees with a deciding finding."
    )
    findings: list[CompatibilityFinding] = strawberry.field(
        description="The pair answers the verdict follows from."
    )
    warnings: list[str] = strawberry.field(
        description="What was read leniently: deprecated ids, ScanCode aliases."
    )

    @classmethod
    def of(
        cls, inbound: str, outbound: str, verdict: Verdict, warnings: list[str]
    ) -> LicenseCompatibility:
        return cls(
            inbound=inbound,
            outbound=outbound,
            status=CompatibilityStatus(verdict.status),
            reason=verdict.reason,
            sources=list(verdict.sources),
            decided_by=[VerdictSource(d) for d in verdict.decided_by],
            disputed=verdict.disputed,
            findings=[CompatibilityFinding.of(f) for f in verdict.findings],
            warnings=warnings,
        )
