"""The recheck of a secret vote holds its sheet against the voter list and the
electorate, even when a forger keeps every hash and the result consistent; an elector
checks what the voter list says about them."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from governance import audit
from governance.count import recount
from governance.electorate import Rule, electorate_hash
from ledger.journal.canonical import canonical_json, sha256
from ledger.journal.events import decode
from ledger.kernel.errors import InvalidInput

AT = "2026-03-01T12:00:00.000000Z"
ELECTORS = [1, 2, 3, 4]
A, B, C = "0a" * 32, "1b" * 32, "2c" * 32
YES, NO = {"choice": "yes"}, {"choice": "no"}


def published(
    rows: list[dict[str, Any]],
    voters: list[int] | None,
    *,
    secret: bool = True,
    turnout: int | None = None,
) -> audit.Published:
    """The four events of a majority vote over ``rows``, hashes and result consistent."""
    counted = recount(rows, "majority", ("yes", "no", "abstain"), {}, Fraction(0), len(ELECTORS))
    digest = electorate_hash(ELECTORS).hex()
    closed: dict[str, Any] = {
        "proposal_id": 1,
        "closed_at": AT,
        "turnout": len(rows) if turnout is None else turnout,
        "sheet": rows,
        "sheet_hash": sha256(canonical_json(rows)).hex(),
    }
    if voters is not None:
        closed["voters"] = voters
    created = {
        "proposal_id": 1,
        "title": "A vote",
        "kind": "general",
        "method": "majority",
        "options": ["yes", "no", "abstain"],
        "params": {},
        "electorate_rule": Rule(contributors=tuple(ELECTORS)).to_json(),
        "quorum": "0",
        "secret": secret,
        "action": {},
        "closes_at": AT,
    }
    opened = {
        "proposal_id": 1,
        "opens_at": AT,
        "closes_at": AT,
        "electorate_size": len(ELECTORS),
        "electors": ELECTORS,
        "electorate_hash": digest,
    }
    decided = {
        "proposal_id": 1,
        "outcome": counted.outcome,
        "electorate_hash": digest,
        "result": counted.result(),
        "effect": None,
    }
    bodies = (created, opened, closed, decided)
    return audit.Published(*(decode(c, b) for c, b in zip(audit.EVENTS, bodies, strict=True)))  # type: ignore[arg-type]


def row(receipt: str, ballot: dict[str, str]) -> dict[str, Any]:
    return {"receipt": receipt, "ballot": ballot}


HONEST = [row(A, YES), row(B, NO), row(C, YES)]


def test_an_honest_secret_vote_rechecks_clean() -> None:
    assert audit.recheck(published(HONEST, [1, 2, 4])) == []


@pytest.mark.parametrize(
    ("rows", "voters", "problems"),
    [
        (
            [*HONEST, row("3d" * 32, YES)],
            [1, 2, 4],
            ["the sheet holds 4 ballots, the voter list 3"],
        ),
        (
            [row(A, YES), row(A, YES), row(B, NO)],
            [1, 2, 4],
            ["the sheet holds a receipt twice"],
        ),
        ([row(B, NO), row(A, YES), row(C, YES)], [1, 2, 4], ["the sheet is not in receipt order"]),
        (HONEST, [1, 2, 9], ["the voter list names someone twice or outside the electorate"]),
        (HONEST, [1, 1, 2], ["the voter list names someone twice or outside the electorate"]),
        (HONEST, [4, 2, 1], ["the voter list is not sorted"]),
        (HONEST, None, ["the closing of a secret vote publishes no voter list"]),
        (
            [row(A, YES), {"voter": 2, "receipt": B, "ballot": NO}, row(C, YES)],
            [1, 2, 4],
            ["a row of the secret sheet names a voter or carries no receipt"],
        ),
    ],
)
def test_a_consistent_forgery_of_a_secret_sheet_is_named(
    rows: list[dict[str, Any]], voters: list[int] | None, problems: list[str]
) -> None:
    assert audit.recheck(published(rows, voters)) == problems


def test_a_turnout_other_than_the_sheet_is_named() -> None:
    assert audit.recheck(published(HONEST, [1, 2, 4], turnout=2)) == [
        "the closing's turnout is 2, the sheet's 3"
    ]


def test_a_public_sheet_names_every_voter_and_carries_no_voter_list() -> None:
    rows = [{"voter": 1, "cast_by": 1, "ballot": YES}, {"voter": 2, "cast_by": 2, "ballot": NO}]
    assert audit.recheck(published(rows, None, secret=False)) == []
    assert audit.recheck(published(rows, [1, 2], secret=False)) == [
        "a public closing carries a voter list"
    ]
    stuffed = [*rows, row(A, YES)]
    assert audit.recheck(published(stuffed, None, secret=False)) == [
        "a row of the public sheet names no voter or carries a receipt"
    ]


def test_an_elector_checks_what_the_voter_list_says_about_them() -> None:
    events = published(HONEST, [1, 2, 4])
    assert audit.as_elector(events, 1, A) == audit.Mine([], YES)
    assert audit.as_elector(events, 1, A.upper()) == audit.Mine([], YES)
    assert audit.as_elector(events, 3, None) == audit.Mine([], None)
    assert audit.as_elector(events, 4, None) == audit.Mine(
        ["contributor 4 did not vote but is on the voter list"], None
    )
    assert audit.as_elector(events, 3, B) == audit.Mine(
        ["contributor 3 voted but is not on the voter list"], NO
    )
    assert audit.as_elector(events, 2, "ff" * 32) == audit.Mine(
        [f"receipt {'ff' * 32} is not on the tally sheet"], None
    )
    assert audit.as_elector(events, 7, None) == audit.Mine(
        ["contributor 7 is not in this proposal's electorate"], None
    )
    public = published([{"voter": 1, "cast_by": 1, "ballot": YES}], None, secret=False)
    with pytest.raises(InvalidInput):
        audit.as_elector(public, 1, None)
