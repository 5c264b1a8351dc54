"""Offline verification of a signed report, and of two reports' journal growth.

``verify_report`` checks, in order: the report's detached JWS against a JWK Set; the
embedded signed tree head (its own JWS, and that it states the report's size and
root); each sample inclusion proof against that root; when the events are embedded,
that they are exactly the journal's first ``tree_size`` events (their Merkle root is
the signed root); and that the contributor, organisation, funding and decision figures
recompute from those events (each decoded by the journal's catalogue: an unknown type
or a malformed body fails the report) and the embedded affiliations and accounts.
``verify_growth`` proves with an RFC 9162
consistency proof that an older report's journal is a prefix of a newer one's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.journal import merkle
from ledger.journal.chain import leaf_hash
from ledger.journal.events import decode
from ledger.journal.heads import HEAD_TYPE, verify_jws
from reports.period import parse_period
from reports.recompute import (
    contributor_figures,
    counted_contributions,
    decision_figures,
    organisation_figures,
    published_decisions,
    published_figures,
)
from reports.recompute_funding import funding_figures, published_funding


@dataclass
class Verdict:
    """Every check made, in order; ``ok`` when none failed."""

    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)


def _head(report: dict[str, Any], jwks: dict[str, Any], verdict: Verdict) -> dict[str, Any] | None:
    head = report.get("tree_head") or {}
    try:
        signed = verify_jws(str(head.get("jws", "")), jwks)
    except ValueError as exc:
        verdict.add("tree head signature", False, str(exc))
        return None
    project = report.get("project") or {}
    stated = {
        "typ": HEAD_TYPE,
        "project": project.get("slug"),
        "project_id": project.get("id"),
        "tree_size": head.get("tree_size"),
        "root_hash": head.get("root_hash"),
        "timestamp": head.get("timestamp"),
    }
    if not verdict.add(
        "tree head signature",
        signed == stated,
        "" if signed == stated else "the signed head differs from the stated one",
    ):
        return None
    return signed


def _proofs(report: dict[str, Any], head: dict[str, Any], verdict: Verdict) -> None:
    root = bytes.fromhex(head["root_hash"])
    size = int(head["tree_size"])
    samples = (report.get("evidence") or {}).get("inclusion_proofs") or []
    if size and not samples:
        verdict.add("inclusion proofs", False, "the report carries no inclusion proofs")
    for p in samples:
        seq = int(p.get("seq", 0))
        event = p.get("event") or {}
        leaf = leaf_hash(event)
        ok = (
            event.get("seq") == seq
            and p.get("tree_size") == size
            and p.get("leaf_hash") == leaf.hex()
            and merkle.verify_inclusion(
                seq - 1, size, leaf, [bytes.fromhex(h) for h in p.get("path", [])], root
            )
        )
        verdict.add(
            f"inclusion proof of event {seq}", ok, "" if ok else "does not lead to the signed root"
        )


def _events(
    report: dict[str, Any], head: dict[str, Any], verdict: Verdict
) -> list[dict[str, Any]] | None:
    evidence = report.get("evidence") or {}
    if not evidence.get("events_embedded"):
        verdict.add("events", True, "not embedded: figures not recomputed")
        return None
    events = evidence.get("events") or []
    size = int(head["tree_size"])
    if [e.get("seq") for e in events] != list(range(1, size + 1)):
        verdict.add("events", False, f"expected events 1..{size} in order")
        return None
    root = merkle.root([leaf_hash(e) for e in events])
    if not verdict.add(
        "events",
        root.hex() == head["root_hash"],
        "" if root.hex() == head["root_hash"] else "their Merkle root is not the signed root",
    ):
        return None
    by_seq = {e["seq"]: e for e in events}
    for p in evidence.get("inclusion_proofs") or []:
        if by_seq.get(p.get("seq")) != p.get("event"):
            verdict.add(f"sample event {p.get('seq')}", False, "differs from the embedded event")
    return events


def _figures(report: dict[str, Any], documents: list[dict[str, Any]], verdict: Verdict) -> None:
    period = parse_period(report["period"]["label"])
    events = [decode(d["type"], d["body"], d["v"]) for d in documents]
    counted = counted_contributions(events)
    mine, orgs = published_figures(report)
    again = contributor_figures(counted, period)
    for name, value in mine.items():
        ok = again[name] == value
        verdict.add(
            f"figure contributors.{name}",
            ok,
            "" if ok else f"recomputes to {again[name]!r}, report says {value!r}",
        )
    decisions, again_decisions = published_decisions(report), decision_figures(events, period)
    for name, value in decisions.items():
        ok = again_decisions.get(name) == value
        detail = "" if ok else f"recomputes to {again_decisions.get(name)!r}, report says {value!r}"
        verdict.add(f"figure decisions.{name}", ok, detail)
    evidence = report.get("evidence") or {}
    affiliations = evidence.get("affiliations") or []
    funding = published_funding(report)
    again_funding = funding_figures(events, affiliations, counted, period)
    for name, value in funding.items():
        ok = again_funding[name] == value
        detail = "" if ok else f"recomputes to {again_funding[name]!r}, report says {value!r}"
        verdict.add(f"figure funding.{name}", ok, detail)
    again_orgs = organisation_figures(counted, affiliations, period)
    for name, value in orgs.items():
        ok = again_orgs[name] == value
        verdict.add(
            f"figure organisations.{name}",
            ok,
            "" if ok else f"recomputes to {again_orgs[name]!r}, report says {value!r}",
        )


def verify_report(signed: dict[str, Any], jwks: dict[str, Any]) -> Verdict:
    """Every check of one signed report against a JWK Set."""
    verdict = Verdict()
    report = signed.get("report")
    signature = signed.get("signature") or {}
    if not isinstance(report, dict):
        verdict.add("report", False, "no report object")
        return verdict
    try:
        verify_jws(str(signature.get("jws", "")), jwks, detached=report)
        verdict.add("report signature", True, f"key {signature.get('kid')}")
    except ValueError as exc:
        verdict.add("report signature", False, str(exc))
    try:
        head = _head(report, jwks, verdict)
        if head is None:
            return verdict
        _proofs(report, head, verdict)
        events = _events(report, head, verdict)
        if events is not None:
            _figures(report, events, verdict)
    except (KeyError, TypeError, ValueError) as exc:
        verdict.add("report structure", False, f"malformed: {exc}")
    return verdict


def verify_growth(
    old: dict[str, Any], new: dict[str, Any], jwks: dict[str, Any], proof: list[bytes] | None = None
) -> Verdict:
    """Both heads are signed for the same project and the old tree is a prefix of the new one.

    The consistency proof is computed from the newer report's embedded events unless given.
    """
    verdict = Verdict()
    heads = []
    for label, signed in (("old", old), ("new", new)):
        report = signed.get("report") or {}
        head = _head(report, jwks, verdict)
        if head is None:
            verdict.add(f"{label} report", False, "its tree head does not verify")
            return verdict
        heads.append(head)
    a, b = heads
    if not verdict.add("same project", a["project_id"] == b["project_id"]):
        return verdict
    old_size, new_size = int(a["tree_size"]), int(b["tree_size"])
    if not verdict.add("sizes", old_size <= new_size, f"{old_size} -> {new_size}"):
        return verdict
    if proof is None:
        events = (new.get("report", {}).get("evidence") or {}).get("events")
        if not events or len(events) != new_size:
            verdict.add(
                "consistency proof", False, "the newer report embeds no events; pass a proof"
            )
            return verdict
        leaves = [leaf_hash(e) for e in events]
        if merkle.root(leaves).hex() != b["root_hash"]:
            verdict.add(
                "consistency proof", False, "the newer report's events do not match its head"
            )
            return verdict
        proof = merkle.consistency_proof(leaves, old_size)
    ok = merkle.verify_consistency(
        old_size, new_size, bytes.fromhex(a["root_hash"]), bytes.fromhex(b["root_hash"]), proof
    )
    verdict.add(
        "consistency proof",
        ok,
        "the journal only grew" if ok else "the older journal is not a prefix of the newer one",
    )
    return verdict
