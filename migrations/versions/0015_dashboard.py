"""Dashboards: a contributor's work by month, kind and credit policy and a project's
months as rollups, contributor orders, and a notification whenever a project's
journal head moves.

Revision ID: 0015
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Counted contributions per contributor, month, kind and credit policy version, kept in
-- each write transaction like the other rollups: a profile's kind x month table and the
-- explanation of its credit (count x weight per policy version) read this, never the
-- contributions themselves.
CREATE TABLE contributor_kind_stats (
    project_id     bigint NOT NULL REFERENCES projects,
    contributor_id bigint NOT NULL REFERENCES contributors,
    month          date NOT NULL,
    kind           text NOT NULL,
    policy_version integer NOT NULL,
    contributions  bigint NOT NULL,
    credit         numeric(20, 4) NOT NULL,
    PRIMARY KEY (project_id, contributor_id, month, kind, policy_version)
);
INSERT INTO contributor_kind_stats
SELECT project_id, contributor_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date,
    kind, policy_version, count(*), sum(credit)
FROM contributions WHERE counted GROUP BY 1, 2, 3, 4, 5;

-- Counted contributions, credit and active contributors per project and month, kept in
-- each write transaction: a dashboard's history never counts contributions or people.
CREATE TABLE project_month_stats (
    project_id    bigint NOT NULL REFERENCES projects,
    month         date NOT NULL,
    contributions bigint NOT NULL,
    credit        numeric(20, 4) NOT NULL,
    contributors  bigint NOT NULL,
    PRIMARY KEY (project_id, month)
);
INSERT INTO project_month_stats
SELECT project_id, month, sum(contributions), sum(credit), count(*)
FROM contributor_month_stats GROUP BY 1, 2;

-- A project's contributors may be listed by contributions and first or last activity too.
CREATE INDEX contributor_stats_by_contributions
    ON contributor_stats (project_id, contributions DESC, contributor_id DESC);
CREATE INDEX contributor_stats_by_first ON contributor_stats (project_id, first_at DESC, contributor_id DESC);
CREATE INDEX contributor_stats_by_last ON contributor_stats (project_id, last_at DESC, contributor_id DESC);

-- Bots are few: counting the standings of a project's bots reads only them.
CREATE INDEX contributors_bots ON contributors (id) WHERE is_bot;

-- When a transaction that moved a project's journal head commits, listeners of
-- commons_journal_head hear '<project id>:<seq>' (answers cached per head expire).
CREATE FUNCTION commons_notify_journal_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('commons_journal_head', NEW.project_id::text || ':' || NEW.seq::text);
    RETURN NULL;
END $$;
CREATE TRIGGER journal_heads_notify AFTER INSERT OR UPDATE ON journal_heads
    FOR EACH ROW EXECUTE FUNCTION commons_notify_journal_head();
"""

DOWNGRADE = """
DROP TRIGGER journal_heads_notify ON journal_heads;
DROP FUNCTION commons_notify_journal_head();
DROP INDEX contributors_bots, contributor_stats_by_contributions, contributor_stats_by_first,
    contributor_stats_by_last;
DROP TABLE project_month_stats, contributor_kind_stats;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
