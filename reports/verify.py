"""Offline verification of a signed report, and of two reports' journal growth.

``verify_report`` checks, in order: the report's detached JWS (a report key of the JWK
Set, valid when the report was generated) and that the report carries only the
sections a report has; the embedded signed tree head (a tree-head key, stating the
report's size and root); each sample inclusion proof against that root; that the
journal (the report's embedded events, or the instance's JSON Lines export streamed
through ``reports.journal_feed``) is exactly the ``tree_size`` events under that root;
and then every section recomputed from those events and the embedded evidence
(``reports.recompute``) beside the published one, leaf by leaf. What the evidence
cannot prove is the report's ``attested_only`` list, which the verdict carries to be
printed. ``verify_growth`` proves that an older report's journal is a prefix of a newer
one's: from the newer report's events or the export, or an RFC 9162 consistency proof.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

from ledger.journal import merkle
from ledger.journal.chain import leaf_hash
from ledger.journal.heads import HEAD_TYPE
from ledger.journal.jws import verify_jws
from ledger.journal.keys import REPORTS, TREE_HEADS
from reports.journal_feed import Feed, FeedError
from reports.period import parse_period
from reports.recompute.critics_replay import Stamp
from reports.recompute.document import SECTIONS, differences, expected
from reports.recompute.replay import Replay

TOP_LEVEL = frozenset(
    {"format", "project", "period", "generated_at", "tree_head", "evidence", "attested_only",
     *SECTIONS}
)  # fmt: skip
EVIDENCE = frozenset(
    {"events_embedded", "events", "affiliations", "accounts", "corporate_coverage",
     "inclusion_proofs", "note"}
)  # fmt: skip


@dataclass
class Verdict:
    """Every check made, in order; ``ok`` when none failed. ``attested`` lists what the
    report states without evidence that could prove it."""

    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    attested: list[dict[str, str]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)


def _instant(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _head(report: dict[str, Any], jwks: dict[str, Any], verdict: Verdict) -> dict[str, Any] | None:
    head = report.get("tree_head") or {}
    try:
        at = _instant(head.get("timestamp"))
        signed = verify_jws(str(head.get("jws", "")), jwks, typ=TREE_HEADS.typ, at=at)
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
    problem = ""
    if signed != stated:
        problem = "the signed head differs from the stated one"
    elif head.get("kid") != _kid(head.get("jws")):
        problem = "the stated kid is not the key that signed the head"
    return None if not verdict.add("tree head signature", not problem, problem) else signed


def _kid(token: Any) -> Any:
    try:
        return jwt.get_unverified_header(str(token)).get("kid")
    except jwt.PyJWTError:
        return None


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


def _replay(
    report: dict[str, Any], head: dict[str, Any], journal: Iterable[bytes] | None, verdict: Verdict
) -> Replay | None:
    """The journal fed through a Feed into a Replay; None (with the reason) when it fails."""
    evidence = report["evidence"]
    size = int(head["tree_size"])
    samples = {int(p["seq"]): p["event"] for p in evidence.get("inclusion_proofs") or []}
    feed = Feed(int(head["project_id"]), samples)
    accounts = frozenset(
        int(a["account_id"]) for a in evidence["accounts"] if a["kind"] == "treasury"
    )
    replay = Replay(parse_period(report["period"]["label"]), accounts)
    embedded = evidence.get("events_embedded")
    if not embedded and journal is None:
        verdict.add(
            "events",
            False,
            "not embedded and no journal export given: figures not recomputed "
            "(pass the journal, e.g. --journal URL_OR_FILE)",
        )
        return None
    try:
        if embedded:
            for document in evidence.get("events") or []:
                event = feed.document(document)
                replay.feed(event, Stamp.of(feed.recorded_at, feed.actor))
        else:
            assert journal is not None
            for line in journal:
                if feed.size == size:
                    break
                if line.strip():
                    event = feed.line(line)
                    replay.feed(event, Stamp.of(feed.recorded_at, feed.actor))
    except FeedError as exc:
        verdict.add("events", False, str(exc))
        return None
    source = "embedded" if embedded else "streamed from the journal export"
    root = feed.frontier.root().hex()
    ok = feed.size == size and root == head["root_hash"]
    detail = (
        f"{size} events {source}"
        if ok
        else f"{feed.size} events {source}, expected {size} under the signed root"
    )
    return replay if verdict.add("events", ok, detail) else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _figures(report: dict[str, Any], replay: Replay, verdict: Verdict) -> None:
    again, problems = expected(report, replay)
    for name, value in again.items():
        published = report.get(name)
        if not isinstance(value, dict) or not isinstance(published, dict):
            found = differences(published, value, name)
            verdict.add(f"figure {name}", not found, _detail(found))
            continue
        for key in sorted({*value, *published}):
            found = differences(published.get(key), value.get(key), f"{name}.{key}")
            if not found:
                verdict.add(f"figure {name}.{key}", True)
            for path, recomputed, stated in found:
                verdict.add(
                    f"figure {path}",
                    False,
                    f"recomputes to {_short(recomputed)}, report says {_short(stated)}",
                )
    for problem in problems:
        verdict.add("evidence", False, problem)


def _detail(found: list[tuple[str, Any, Any]]) -> str:
    return "; ".join(
        f"{path} recomputes to {_short(again)}, report says {_short(stated)}"
        for path, again, stated in found
    )


def _shape(report: dict[str, Any], head: dict[str, Any], verdict: Verdict) -> None:
    unknown = sorted(set(report) - TOP_LEVEL) + sorted(
        f"evidence.{k}" for k in set(report.get("evidence") or {}) - EVIDENCE
    )
    verdict.add(
        "sections",
        not unknown,
        f"not recomputed by this verifier: {', '.join(unknown)}" if unknown else "",
    )
    generated, signed = _instant(report.get("generated_at")), _instant(head["timestamp"])
    ok = generated is not None and signed is not None and generated >= signed
    verdict.add("generated_at", ok, "" if ok else "the report predates its own tree head")


def verify_report(
    signed: dict[str, Any], jwks: dict[str, Any], journal: Iterable[bytes] | None = None
) -> Verdict:
    """Every check of one signed report against a JWK Set; ``journal`` is the lines of the
    journal export when the report does not embed its events."""
    verdict = Verdict()
    report = signed.get("report")
    signature = signed.get("signature") or {}
    if not isinstance(report, dict):
        verdict.add("report", False, "no report object")
        return verdict
    verdict.attested = list(report.get("attested_only") or [])
    try:
        at = _instant(report.get("generated_at"))
        verify_jws(str(signature.get("jws", "")), jwks, detached=report, typ=REPORTS.typ, at=at)
        if signature.get("kid") != _kid(signature.get("jws")):
            raise ValueError("the stated kid is not the key that signed the report")
        verdict.add("report signature", True, f"key {signature.get('kid')}")
    except ValueError as exc:
        verdict.add("report signature", False, str(exc))
    try:
        head = _head(report, jwks, verdict)
        if head is None:
            return verdict
        _shape(report, head, verdict)
        _proofs(report, head, verdict)
        replay = _replay(report, head, journal, verdict)
        if replay is not None:
            _figures(report, replay, verdict)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        verdict.add("report structure", False, f"malformed: {exc!r}")
    return verdict


def _growth_from_journal(
    old_size: int, new_size: int, project_id: int, journal: Iterable[bytes]
) -> tuple[bytes, bytes]:
    feed = Feed(project_id)
    feed.root_at = {old_size}
    for line in journal:
        if feed.size == new_size:
            break
        if line.strip():
            feed.line(line)
    if feed.size != new_size:
        raise FeedError(f"the export ends after {feed.size} of {new_size} events")
    return feed.roots.get(old_size, merkle.EMPTY_ROOT), feed.frontier.root()


def verify_growth(
    old: dict[str, Any],
    new: dict[str, Any],
    jwks: dict[str, Any],
    proof: list[bytes] | None = None,
    journal: Iterable[bytes] | None = None,
) -> Verdict:
    """Both heads are signed for the same project and the old tree is a prefix of the new
    one: by ``proof``, else the newer report's embedded events, else the journal export."""
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
    old_root, new_root = bytes.fromhex(a["root_hash"]), bytes.fromhex(b["root_hash"])
    events = (new.get("report", {}).get("evidence") or {}).get("events")
    if proof is None and not events and journal is not None:
        try:
            seen_old, seen_new = _growth_from_journal(
                old_size, new_size, int(b["project_id"]), journal
            )
        except FeedError as exc:
            verdict.add("consistency proof", False, str(exc))
            return verdict
        ok = seen_old == old_root and seen_new == new_root
        detail = "the journal only grew" if ok else "the export does not give both signed roots"
        verdict.add("consistency proof", ok, detail)
        return verdict
    if proof is None:
        if not events or len(events) != new_size:
            verdict.add(
                "consistency proof", False, "the newer report embeds no events; pass the journal"
            )
            return verdict
        leaves = [leaf_hash(e) for e in events]
        if merkle.root(leaves) != new_root:
            verdict.add(
                "consistency proof", False, "the newer report's events do not match its head"
            )
            return verdict
        proof = merkle.consistency_proof(leaves, old_size)
    ok = merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)
    verdict.add(
        "consistency proof",
        ok,
        "the journal only grew" if ok else "the older journal is not a prefix of the newer one",
    )
    return verdict
