"""Published results recheck under the rules they were counted by: a proposal stored
before ``count_rules`` keeps its winning-votes count, a current one its casting vote."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from governance import audit
from governance.count import recount
from governance.electorate import Rule, electorate_hash
from governance.methods import method
from ledger.journal.canonical import canonical_json, sha256
from ledger.journal.events import decode
from tests.unit.governance.test_debian_a5 import NINE


def events(params: dict[str, Any], options: list[str], rankings: list[Any]) -> dict[str, Any]:
    """The four public events of a decided proposal, counted by today's code."""
    electors = list(range(1, len(rankings) + 1))
    sheet = [
        {"voter": v, "cast_by": v, "ballot": {"ranking": r}}
        for v, r in zip(electors, rankings, strict=True)
    ]
    counted = recount(sheet, "schulze", tuple(options), params, Fraction(0), len(electors))
    digest = electorate_hash(electors).hex()
    at = "2026-03-01T12:00:00.000000Z"
    return {
        "proposal.created": {
            "proposal_id": 1,
            "title": "A ranked vote",
            "kind": "general",
            "method": "schulze",
            "options": options,
            "params": params,
            "electorate_rule": Rule(contributors=tuple(electors)).to_json(),
            "quorum": "0",
            "secret": False,
            "action": {},
            "closes_at": at,
        },
        "proposal.opened": {
            "proposal_id": 1,
            "opens_at": at,
            "closes_at": at,
            "electorate_size": len(electors),
            "electors": electors,
            "electorate_hash": digest,
        },
        "proposal.closed": {
            "proposal_id": 1,
            "closed_at": at,
            "turnout": len(electors),
            "sheet": sheet,
            "sheet_hash": sha256(canonical_json(sheet)).hex(),
        },
        "proposal.decided": {
            "proposal_id": 1,
            "outcome": counted.outcome,
            "electorate_hash": digest,
            "result": counted.result(),
            "effect": None,
        },
    }


def recheck(bodies: dict[str, Any]) -> list[str]:
    """Recheck the four bodies as the journal would hand them over (decoded)."""
    return audit.recheck(
        audit.Published(
            *(decode(cls, bodies[cls.TYPE]) for cls in audit.EVENTS)  # type: ignore[arg-type]
        )
    )


# What the project published for the nine ballots before count_rules (winning votes only).
PUBLISHED_BEFORE = {
    "outcome": "failed",
    "electorate_size": 9,
    "turnout": 9,
    "method": "schulze",
    "passed": False,
    "winners": ["A", "C"],
    "counted": 9,
    "details": {
        "options": ["A", "B", "C", "Further discussion"],
        "pairwise": [[0, 5, 2, 7], [4, 0, 4, 8], [4, 3, 0, 6], [0, 0, 0, 0]],
        "dropped": [],
        "considered": ["A", "B", "C", "Further discussion"],
        "strongest_paths": [[0, 5, 4, 7], [4, 0, 4, 8], [4, 4, 0, 6], [0, 0, 0, 0]],
        "winners": ["A", "C"],
        "ranking": ["A", "B", "C", "Further discussion"],
    },
}


def test_a_result_published_before_count_rules_rechecks_as_it_was_published() -> None:
    old = {
        "default_option": "Further discussion",
        "default_ratio": {"ratio": "1:1", "strict": True},
    }
    published = events(old, ["A", "B", "C"], NINE)
    published["proposal.decided"]["result"] = PUBLISHED_BEFORE
    assert recheck(published) == []


def test_the_same_ballots_under_current_rules_elect_c_and_recheck_clean() -> None:
    params = method("schulze").check_params({}, ("A", "B", "C"))
    published = events(params, ["A", "B", "C"], NINE)
    assert published["proposal.decided"]["result"]["winners"] == ["C"]
    assert published["proposal.decided"]["outcome"] == "passed"
    assert recheck(published) == []


def test_a_casting_vote_is_rechecked_from_the_casting_voters_row_on_the_sheet() -> None:
    params = method("schulze").check_params({"casting_vote": {"voter": 3}}, ("a", "b", "c"))
    cycle = [[["a"], ["b"], ["c"]], [["b"], ["c"], ["a"]], [["c"], ["a"], ["b"]]]
    published = events(params, ["a", "b", "c"], cycle)
    assert published["proposal.decided"]["result"]["winners"] == ["c"]
    assert recheck(published) == []
    moved = copy.deepcopy(published)
    moved["proposal.created"]["params"]["casting_vote"]["voter"] = 1
    assert recheck(moved) == ["recounting the sheet gives another result than the published one"]
