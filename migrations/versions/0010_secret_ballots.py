"""Secret ballots: receipts are drawn at random for every cast, so no per-proposal key
material is kept, and no receipt is held by two ballots of a proposal.

Revision ID: 0010
Revises: 0009
"""

import sqlparse
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Receipts were HMACs keyed with this per-proposal secret; they are random now
-- (governance.receipts), so nothing is left to keep secret beside the ballots.
DROP TABLE proposal_secrets;

-- A receipt names one cast of one ballot: never two ballots of a proposal with it.
CREATE UNIQUE INDEX ballots_receipt ON ballots (project_id, proposal_id, receipt)
    WHERE receipt IS NOT NULL;
"""

DOWNGRADE = r"""
DROP INDEX ballots_receipt;

CREATE TABLE proposal_secrets (
    project_id  bigint NOT NULL,
    proposal_id bigint NOT NULL,
    secret      bytea NOT NULL CHECK (length(secret) = 32),
    PRIMARY KEY (project_id, proposal_id),
    FOREIGN KEY (project_id, proposal_id) REFERENCES proposals
);
-- The earlier code needs a secret for every opened secret proposal: a fresh one each
-- (two version-4 UUIDs from the server's strong random source).
INSERT INTO proposal_secrets (project_id, proposal_id, secret)
SELECT project_id, id,
    decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
FROM proposals WHERE secret AND state <> 'draft';
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
