"""Random sequences of ballots, changes, delegations and revocations against the real
store: one ballot row per voter with its revision count, and the count equals a model
of what should be counted."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance import service, voter_store, voters
from governance.count import public_sheet
from governance.delegation import choose
from governance.electorate import Rule
from governance.methods import method
from governance.models import check_draft
from ledger.kernel.errors import CommonsError
from ledger.register.people import create_contributor
from ledger.register.projects import ProjectInput, create_project, update_settings

PEOPLE = 5
SCOPES = [None, "policy", "general"]
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("cast"), st.integers(0, PEOPLE - 1), st.sampled_from(["yes", "no", "abstain"])
        ),
        st.tuples(
            st.just("delegate"),
            st.integers(0, PEOPLE - 1),
            st.integers(0, PEOPLE - 1),
            st.sampled_from(SCOPES),
        ),
        st.tuples(st.just("revoke"), st.integers(0, PEOPLE - 1), st.sampled_from(SCOPES)),
    ),
    max_size=25,
)
serial = itertools.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
async def test_the_store_keeps_one_ballot_per_voter_and_counts_like_the_model(
    pool: asyncpg.Pool, ops: list[tuple[Any, ...]]
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(f"p{next(serial)}", "P"), "admin")
        project = await update_settings(conn, project, service.DELEGATION, True, "admin")
        ids = [(await create_contributor(conn, f"v{i}")).id for i in range(PEOPLE)]
        draft = check_draft(
            "Q", "", "policy", [], "majority", None, Rule(contributors=tuple(ids)), "0", {}
        )
        made, _ = await service.create(
            conn, project, draft, datetime.now(UTC) + timedelta(days=1), "a", key="q"
        )
        proposal = await service.open_(conn, project.id, made.id, "a")
    ballots: dict[int, dict[str, str]] = {}
    casts: dict[int, int] = {}
    delegations: dict[tuple[int, str], int] = {}
    for op in ops:
        try:
            async with pool.acquire() as conn, conn.transaction():
                if op[0] == "cast":
                    voter = ids[op[1]]
                    await service.cast(conn, project.id, proposal.id, voter, {"choice": op[2]}, "v")
                    ballots[voter] = {"choice": op[2]}
                    casts[voter] = casts.get(voter, 0) + 1
                elif op[0] == "delegate":
                    a, b = ids[op[1]], ids[op[2]]
                    scope = await voters.delegate(conn, project, a, b, op[3], "v")
                    delegations[(a, scope)] = b
                else:
                    scope = voters.check_scope(op[2])
                    await voters.revoke(conn, project, ids[op[1]], op[2], "v")
                    del delegations[(ids[op[1]], scope)]
        except CommonsError:
            assert (op[0] == "delegate" and op[1] == op[2]) or op[0] == "revoke"
    rows = await pool.fetch(
        "SELECT voter_id, revision FROM ballots WHERE project_id = $1", project.id
    )
    assert {r["voter_id"]: r["revision"] for r in rows} == casts
    counted = await service.count(pool, proposal, delegation=True)
    sheet = public_sheet(ids, ballots, choose(delegations, "policy"))
    expected = method("majority").tally([r["ballot"] for r in sheet], proposal.options, {})
    assert counted.tally == expected
    assert counted.sheet == sheet
    assert await voter_store.delegations(pool, project.id) == delegations
