"""The rules in force at the period's end, each with what last changed it, in SQL over
the journal: the credit policy version (and the proposal that decided it, if one did),
every project setting as last set (governance switches, required license coverage,
the treasury's policy, the code of conduct by hash with the proposal that adopted it,
``governance.conduct``), and, per proposal kind, how the
latest proposal of that kind closed before the end was decided (method, parameters
such as thresholds, quorum, electorate rule, secrecy): the rule that proposal set.
A setting whose default is itself a rule the critics ask about (whether AI assistants'
work earns credit) is listed at its default until the project sets it.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from ledger.journal.events.governance import ProposalClosed, ProposalCreated
from ledger.journal.events.register import CreditPolicySet, ProjectSettingsChanged
from reports.period import Period

# Settings listed at their default before a project sets them (``intake.settings``).
DEFAULT_SETTINGS: dict[str, object] = {"intake_assistant_credit": False}


def with_defaults(settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The settings as set, and the defaulted ones never set, in name order."""
    named = {s["rule"] for s in settings}
    unset = [
        {"rule": f"setting:{key}", "value": value, "proposal_id": None, "actor": "default",
         "since": "never set"}
        for key, value in DEFAULT_SETTINGS.items() if f"setting:{key}" not in named
    ]  # fmt: skip
    return sorted([*settings, *unset], key=lambda s: str(s["rule"]))


_SECOND = """'YYYY-MM-DD"T"HH24:MI:SS"Z"'"""
_IN_FORCE = f"""
WITH bounds AS (SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS e),
policy AS (
    SELECT body, actor, recorded_at FROM journal_events, bounds
    WHERE project_id = $1 AND type = $3 AND recorded_at < e ORDER BY seq DESC LIMIT 1
),
settings AS (
    SELECT DISTINCT ON (kv.key) kv.key, kv.value, actor, recorded_at
    FROM journal_events, bounds, jsonb_each(body) AS kv
    WHERE project_id = $1 AND type = $4 AND recorded_at < e
    ORDER BY kv.key, seq DESC
),
kinds AS (
    SELECT DISTINCT ON (p.body ->> 'kind') p.body, p.actor,
        (c.body ->> 'closed_at')::timestamptz AS closed_at
    FROM journal_events p
    JOIN journal_events c ON c.project_id = p.project_id AND c.type = $6
        AND (c.body ->> 'proposal_id')::bigint = (p.body ->> 'proposal_id')::bigint, bounds
    WHERE p.project_id = $1 AND p.type = $5 AND (c.body ->> 'closed_at')::timestamptz < e
    ORDER BY p.body ->> 'kind', (c.body ->> 'closed_at')::timestamptz DESC,
        (p.body ->> 'proposal_id')::bigint DESC
)
SELECT
    (SELECT jsonb_build_object('rule', 'credit_policy', 'value', jsonb_build_object(
        'version', body -> 'version', 'default_weight', body -> 'default_weight',
        'weights', body -> 'weights'), 'proposal_id', body -> 'proposal_id', 'actor', actor,
        'since', to_char(recorded_at AT TIME ZONE 'UTC', {_SECOND})) FROM policy) AS policy,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('rule', 'setting:' || key,
        'value', value, 'proposal_id', value -> 'proposal_id', 'actor', actor,
        'since', to_char(recorded_at AT TIME ZONE 'UTC', {_SECOND})) ORDER BY key COLLATE "C"),
        '[]') FROM settings) AS settings,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('rule', 'proposals:' || (body ->> 'kind'),
        'value', jsonb_build_object('method', body -> 'method', 'params', body -> 'params',
            'quorum', body -> 'quorum', 'electorate_rule', body -> 'electorate_rule',
            'secret', body -> 'secret'),
        'proposal_id', body -> 'proposal_id', 'actor', actor,
        'since', to_char(closed_at AT TIME ZONE 'UTC', {_SECOND}))
        ORDER BY body ->> 'kind' COLLATE "C"), '[]') FROM kinds) AS kinds
"""


async def rules_in_force(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, period: Period
) -> list[dict[str, Any]]:
    """Every rule in force at the period's end: the credit policy, then the settings by
    name, then each proposal kind's rule, each with what last changed it."""
    row = await conn.fetchrow(
        _IN_FORCE,
        project_id,
        period.end,
        CreditPolicySet.TYPE,
        ProjectSettingsChanged.TYPE,
        ProposalCreated.TYPE,
        ProposalClosed.TYPE,
    )
    settings = with_defaults(list(row["settings"]))
    return [*([row["policy"]] if row["policy"] else []), *settings, *row["kinds"]]
