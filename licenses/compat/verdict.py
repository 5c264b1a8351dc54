"""The records a compatibility answer is made of, and how answers combine.

A ``Finding`` is the answer for one inbound term into one outbound term: its status,
the source that decided it (the OSADL matrix or one of the project's cited rules) and
what every other source says about the same pair, so a disagreement is shown, never
hidden. A ``Verdict`` answers a whole expression from the findings that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["compatible", "incompatible", "unknown"]
Authority = Literal["osadl", "project", "none"]
"""Who decided: the OSADL matrix, one of the project's cited rules, or nobody (no data)."""


@dataclass(frozen=True, slots=True)
class Opinion:
    """What one source says about a pair (``verdict`` in its own words, e.g. "Yes")."""

    source: Authority
    status: Status
    verdict: str
    reason: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """``inbound`` into ``outbound`` (single terms): the status, who decided it and why."""

    inbound: str
    outbound: str
    status: Status
    reason: str
    decided_by: Authority
    rule: str | None
    """The project rule's name when the project decided."""
    references: tuple[str, ...]
    opinions: tuple[Opinion, ...] = ()
    """What the other sources say about this pair, agreeing or not."""

    @property
    def disputed(self) -> bool:
        return any(o.status != self.status for o in self.opinions)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A whole expression's answer, from the findings that decided it."""

    status: Status
    reason: str
    findings: tuple[Finding, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every reference the deciding findings cite, first use first."""
        return tuple(dict.fromkeys(r for f in self.findings for r in f.references))

    @property
    def decided_by(self) -> tuple[Authority, ...]:
        """The sources that decided, in order, once each."""
        return tuple(dict.fromkeys(f.decided_by for f in self.findings))

    @property
    def disputed(self) -> bool:
        """True when another source disagrees with a deciding finding."""
        return any(f.disputed for f in self.findings)

    @classmethod
    def of(cls, finding: Finding) -> Verdict:
        return cls(finding.status, finding.reason, (finding,))

    def explained(self, prefix: str) -> Verdict:
        """The same verdict with ``prefix`` before its reason."""
        return Verdict(self.status, f"{prefix}{self.reason}", self.findings)


def combine(verdicts: list[Verdict], need_all: bool) -> Verdict:
    """All of ``verdicts`` must hold (``need_all``), or any one may (a choice).

    Needing all, one incompatible part decides, then one unknown part; a choice is
    compatible through its first compatible option, unknown through an unknown one,
    and incompatible only when every option is.
    """
    order: tuple[Status, ...] = (
        ("incompatible", "unknown", "compatible")
        if need_all
        else ("compatible", "unknown", "incompatible")
    )
    for status in order:
        chosen = [v for v in verdicts if v.status == status]
        if not chosen:
            continue
        if not need_all and status == "compatible":
            chosen = chosen[:1]
        reason = "; ".join(dict.fromkeys(v.reason for v in chosen))
        findings = tuple(dict.fromkeys(f for v in chosen for f in v.findings))
        return Verdict(status, reason, findings)
    raise ValueError("no verdicts to combine")
