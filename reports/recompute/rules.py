"""The ``rules`` section recomputed from the journal's governance, policy and treasury
events (pure, no I/O), by the definitions of ``reports.critics.decisions`` and
``reports.critics.in_force``: only proposals whose created, opened, closed and decided
events are all published count, as there."""

from __future__ import annotations

from datetime import date
from typing import Any

from msgspec import UNSET

from governance.audit import Published
from ledger.journal.events import encode
from reports.critics.decisions import VETO_METHODS, shape
from reports.critics.in_force import with_defaults
from reports.critics.measures import quarter_index, spread
from reports.critics.measures import window as quarters_of
from reports.recompute.replay import Proposal, Replay, micros

SECOND = 1_000_000


def _second(text: str) -> str:
    return text[:19] + "Z"


def _complete(replay: Replay) -> list[tuple[int, Published]]:
    """Every proposal whose four public events are in, by number."""
    return [(pid, Published(p.created, p.opened, p.closed, p.decided))
            for pid, p in sorted(replay.proposals.items())
            if p.created and p.opened and p.closed and p.decided]  # fmt: skip


def _voters(p: Published) -> set[int]:
    """Whose ballots a tally sheet counted (a public sheet's rows, a secret one's list)."""
    found = {r.voter for r in p.closed.sheet if isinstance(r.voter, int)}
    return found | (set() if p.closed.voters is UNSET else set(p.closed.voters))


def _turnout(
    replay: Replay, complete: list[tuple[int, Published]]
) -> dict[int, tuple[int, int, int]]:
    turnout: dict[int, tuple[int, int, int]] = {}
    for _, p in complete:
        if replay.window_start <= micros(p.closed.closed_at) < replay.end:
            q = quarter_index(date.fromisoformat(p.closed.closed_at[:10]))
            n, b, e = turnout.get(q, (0, 0, 0))
            turnout[q] = (n + 1, b + p.decided.result.turnout, e + p.opened.electorate_size)
    return turnout


def _decisions(replay: Replay) -> dict[str, Any]:
    complete = _complete(replay)
    period = sorted(((micros(p.closed.closed_at), pid, p) for pid, p in complete
                     if replay.start <= micros(p.closed.closed_at) < replay.end))  # fmt: skip
    decided = [(at, pid) for at, pid, p in period if p.decided.outcome in ("passed", "failed")]
    created = replay.governance.created
    seconds = [(at - created[pid].at) // SECOND for at, pid in decided]
    electors = {e for _, _, p in period for e in p.opened.electors}
    voted = {v for _, _, p in period for v in _voters(p)}
    vetoes = [
        {"proposal_id": pid, "title": p.created.title, "method": p.created.method,
         "closed_at": _second(p.closed.closed_at),
         "reasons": list(p.decided.result.details.get("objections") or [])}
        for _, pid, p in period
        if p.created.method in VETO_METHODS and p.decided.outcome == "failed"
    ]  # fmt: skip
    return shape(
        len(decided),
        replay.governance.direct,
        {"decided": len(seconds), **spread(seconds)},
        (len(electors), len(electors & voted)),
        vetoes,
        quarters_of(replay.period),
        _turnout(replay, complete),
    )


def _in_force(replay: Replay) -> list[dict[str, Any]]:
    g = replay.governance
    rules: list[dict[str, Any]] = []
    if g.policy is not None:
        policy, stamp = g.policy
        rules.append({"rule": "credit_policy",
                      "value": {"version": policy.version, "default_weight": policy.default_weight,
                                "weights": dict(policy.weights)},
                      "proposal_id": None if policy.proposal_id is UNSET else policy.proposal_id,
                      "actor": stamp.actor, "since": _second(stamp.text)})  # fmt: skip
    settings = []
    for key, (value, stamp) in sorted(g.settings.items()):
        adopted = value.get("proposal_id") if isinstance(value, dict) else None
        settings.append({"rule": f"setting:{key}", "value": value, "proposal_id": adopted,
                         "actor": stamp.actor, "since": _second(stamp.text)})  # fmt: skip
    rules += with_defaults(settings)
    latest: dict[str, tuple[int, int, Proposal]] = {}
    for pid, p in replay.proposals.items():
        if p.created is None or p.closed is None or pid not in g.created:
            continue
        at = micros(p.closed.closed_at)
        if at < replay.end and (at, pid) > latest.get(p.created.kind, (-1, -1, p))[:2]:
            latest[p.created.kind] = (at, pid, p)
    for kind, (_, pid, p) in sorted(latest.items()):
        assert p.created is not None
        assert p.closed is not None
        body = encode(p.created)
        rules.append({"rule": f"proposals:{kind}",
                      "value": {k: body[k] for k in ("method", "params", "quorum",
                                                     "electorate_rule", "secret")},
                      "proposal_id": pid, "actor": g.created[pid].actor,
                      "since": _second(p.closed.closed_at)})  # fmt: skip
    return rules


def rules(replay: Replay) -> dict[str, Any]:
    """The ``rules`` section."""
    return {**_decisions(replay), "in_force": _in_force(replay)}
