"""Checkpoints of the public checks: how far each project's journal chain and treasury
books are verified, so that answering "is it intact?" never rereads the history.

Revision ID: 0009
Revises: 0008
"""

import sqlparse
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- The chain is verified from event 1 through ``seq``, whose hash is ``hash`` (the
-- running hash the next event must chain from). Appends advance it when it is at the
-- head; the background checker advances it past loads that bypass it. ``broken_seq``
-- is the first event found not to verify (the checkpoint stays before it).
CREATE TABLE journal_checkpoints (
    project_id bigint PRIMARY KEY REFERENCES projects,
    seq        bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    checked_at timestamptz,
    broken_seq bigint CHECK (broken_seq > 0),
    reason     text NOT NULL DEFAULT ''
);
INSERT INTO journal_checkpoints (project_id, hash)
SELECT project_id, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
FROM journal_heads;

-- The books are checked against the journal through event ``seq``: ``transactions``
-- posted events matched to their booked transaction, the problems found so far, and
-- (in treasury_checked_balances) each account's balance replayed from those entries.
CREATE TABLE treasury_checkpoints (
    project_id       bigint PRIMARY KEY REFERENCES projects,
    seq              bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
    transactions     bigint NOT NULL DEFAULT 0 CHECK (transactions >= 0),
    last_transaction bigint,
    unbalanced       bigint[] NOT NULL DEFAULT '{}',
    mismatched       bigint[] NOT NULL DEFAULT '{}',
    unjournaled      bigint[] NOT NULL DEFAULT '{}',
    checked_at       timestamptz
);
CREATE TABLE treasury_checked_balances (
    project_id bigint NOT NULL REFERENCES treasury_checkpoints ON DELETE CASCADE,
    account_id bigint NOT NULL,
    balance    numeric(40, 0) NOT NULL,
    PRIMARY KEY (project_id, account_id)
);
INSERT INTO treasury_checkpoints (project_id) SELECT project_id FROM journal_heads;
"""

DOWNGRADE = """
DROP TABLE treasury_checked_balances, treasury_checkpoints, journal_checkpoints;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
