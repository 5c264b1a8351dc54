"""Decision-making in the open, in SQL over the journal's governance, policy and
treasury events: who decided what by a recorded vote, and what was decided without one.

- Decisions by vote: the proposals closed in the period that passed or failed (one
  without quorum decided nothing). Decisions without a vote: what the period's journal
  records as changed directly: a credit policy version after the first (which every
  project starts with) that no proposal decided, a voting role set without a proposal,
  an expense authorised by a maintainer, a project setting changed.
- Time to decision: from a proposal's creation (its ``proposal.created`` event's
  journal time) to its close, for the period's decisions by vote, as nearest-rank
  median and 90th percentile of whole seconds.
- Turnout per quarter (the window of ``reports.critics.measures``): ballots counted at
  close over the electorates snapshotted at opening, of the proposals closed in it.
- Participation: of everyone in the electorate of a proposal closed in the period, the
  share whose ballot was counted on at least one of their tally sheets (a public
  sheet's voters, a secret one's published voter list).
- Vetoes: consent and lazy-consensus proposals of the period that an objection
  stopped, with the objections' reasons as their tally published them.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from ledger.journal.events.governance import (
    ProposalClosed,
    ProposalCreated,
    ProposalDecided,
    ProposalOpened,
    RoleSet,
)
from ledger.journal.events.register import CreditPolicySet, ProjectSettingsChanged
from ledger.journal.events.treasury import ExpenseAuthorized
from reports.critics.measures import Quarter, from_first_active
from reports.figures import share
from reports.period import Period

DIRECT_KINDS = ("credit_policy", "voting_role", "expense", "setting")
VETO_METHODS = ("consent", "lazy_consensus")
TYPES = (
    ProposalCreated.TYPE,
    ProposalOpened.TYPE,
    ProposalClosed.TYPE,
    ProposalDecided.TYPE,
    CreditPolicySet.TYPE,
    RoleSet.TYPE,
    ExpenseAuthorized.TYPE,
    ProjectSettingsChanged.TYPE,
)
_PROPOSALS = """
WITH bounds AS (
    SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS s, $3::date::timestamp AT TIME ZONE 'UTC' AS e,
        $4::date::timestamp AT TIME ZONE 'UTC' AS w
),
ev AS (
    SELECT type, (body ->> 'proposal_id')::bigint AS id, body, recorded_at FROM journal_events
    WHERE project_id = $1 AND type = any($5::text[])
),
closed AS (
    SELECT c.id, (c.body ->> 'closed_at')::timestamptz AS at, c.body AS closing,
        d.body ->> 'outcome' AS outcome, (d.body -> 'result' ->> 'turnout')::int AS ballots,
        d.body -> 'result' -> 'details' -> 'objections' AS objections,
        (o.body ->> 'electorate_size')::int AS electorate, o.body -> 'electors' AS electors,
        p.body ->> 'method' AS method, p.body ->> 'title' AS title, p.recorded_at AS created
    FROM ev c
    JOIN ev d ON d.type = $6 AND d.id = c.id
    JOIN ev o ON o.type = $7 AND o.id = c.id
    JOIN ev p ON p.type = $8 AND p.id = c.id
    WHERE c.type = $9
),
period AS (SELECT closed.* FROM closed, bounds WHERE at >= s AND at < e),
voted AS (
    SELECT DISTINCT v.who FROM period,
    LATERAL (SELECT (jsonb_array_elements(closing -> 'sheet') ->> 'voter')::bigint
             UNION ALL
             SELECT jsonb_array_elements_text(coalesce(closing -> 'voters', '[]'))::bigint) v(who)
    WHERE v.who IS NOT NULL
),
electors AS (SELECT DISTINCT jsonb_array_elements_text(electors)::bigint AS who FROM period)
SELECT
    (SELECT count(*) FROM period WHERE outcome IN ('passed', 'failed')) AS by_vote,
    (SELECT jsonb_build_object('decided', count(*),
        'median_seconds', (array_agg(d ORDER BY d))[greatest(1, (50 * count(*) + 99) / 100)],
        'p90_seconds', (array_agg(d ORDER BY d))[greatest(1, (90 * count(*) + 99) / 100)])
     FROM (SELECT floor(extract(epoch FROM at - created))::bigint AS d FROM period
           WHERE outcome IN ('passed', 'failed')) x) AS to_decision,
    (SELECT count(*) FROM electors) AS electorate,
    (SELECT count(*) FROM electors WHERE who IN (SELECT who FROM voted)) AS voted,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('proposal_id', id, 'title', title,
        'method', method, 'closed_at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'reasons', coalesce(objections, '[]')) ORDER BY at, id), '[]')
     FROM period WHERE method = any($10::text[]) AND outcome = 'failed') AS vetoes,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('q', q, 'proposals', n, 'ballots', b,
        'electorate', el)), '[]')
     FROM (SELECT (extract(year FROM at AT TIME ZONE 'UTC')::int * 4
                   + (extract(month FROM at AT TIME ZONE 'UTC')::int - 1) / 3) AS q,
               count(*) AS n, sum(ballots) AS b, sum(electorate) AS el
           FROM closed, bounds WHERE at >= w AND at < e GROUP BY 1) t) AS quarters
"""
_DIRECT = """
SELECT
    count(*) FILTER (WHERE type = $4 AND (body ->> 'version')::int > 1
                     AND NOT body ? 'proposal_id') AS credit_policy,
    count(*) FILTER (WHERE type = $5 AND NOT body ? 'proposal_id') AS voting_role,
    count(*) FILTER (WHERE type = $6 AND body ->> 'proposal' IS NULL) AS expense,
    count(*) FILTER (WHERE type = $7) AS setting
FROM journal_events
WHERE project_id = $1 AND type IN ($4, $5, $6, $7)
  AND recorded_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND recorded_at < $3::date::timestamp AT TIME ZONE 'UTC'
"""


def shape(
    by_vote: int,
    direct: dict[str, int],
    to_decision: dict[str, int | None],
    participation: tuple[int, int],
    vetoes: list[dict[str, Any]],
    quarters: list[Quarter],
    turnout: dict[int, tuple[int, int, int]],
) -> dict[str, Any]:
    """The decision figures from their counts (``direct``: kind -> changes without a
    vote; ``turnout``: quarter index -> proposals, ballots, electorate), as both the SQL
    and the recompute print them."""
    without = sum(direct.values())
    electorate, voted = participation
    trend = []
    for q in from_first_active(quarters, turnout):
        proposals, ballots, size = turnout.get(q.index, (0, 0, 0))
        trend.append({"quarter": q.label, "proposals": proposals, "ballots": ballots,
                      "electorate": size, "turnout": share(ballots, size)})  # fmt: skip
    return {
        "by_vote": by_vote,
        "without_vote": without,
        "share_by_vote": share(by_vote, by_vote + without),
        "without_vote_by_kind": [{"kind": k, "count": direct.get(k, 0)} for k in DIRECT_KINDS],
        "to_decision": to_decision,
        "participation": {
            "electorate": electorate,
            "voted": voted,
            "share": share(voted, electorate),
        },
        "vetoes": vetoes,
        "turnout_trend": trend,
    }


async def decisions(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    period: Period,
    quarters: list[Quarter],
) -> dict[str, Any]:
    """Decisions by vote and without, time to decision, participation, vetoes, turnout."""
    bounds = (project_id, period.start, period.end)
    row = await conn.fetchrow(
        _PROPOSALS,
        *bounds,
        quarters[0].start,
        list(TYPES[:4]),
        ProposalDecided.TYPE,
        ProposalOpened.TYPE,
        ProposalCreated.TYPE,
        ProposalClosed.TYPE,
        list(VETO_METHODS),
    )
    direct = await conn.fetchrow(
        _DIRECT, *bounds, CreditPolicySet.TYPE, RoleSet.TYPE, ExpenseAuthorized.TYPE,
        ProjectSettingsChanged.TYPE,
    )  # fmt: skip
    turnout = {int(t["q"]): (int(t["proposals"]), int(t["ballots"]), int(t["electorate"]))
               for t in row["quarters"]}  # fmt: skip
    return shape(
        int(row["by_vote"]),
        {k: int(direct[k]) for k in DIRECT_KINDS},
        row["to_decision"],
        (int(row["electorate"]), int(row["voted"])),
        row["vetoes"],
        quarters,
        turnout,
    )
