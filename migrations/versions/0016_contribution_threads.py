"""Contributions by the issue or change request they belong to, and by time among those
that state a thread or a revert (``ledger.register.facts``): the report's review
coverage, response times and reverts read only these rows.

Revision ID: 0016
Revises: 0013
"""

import sqlparse
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE INDEX contributions_by_thread ON contributions
    (project_id, (metadata ->> 'thread'), occurred_at)
    WHERE metadata ? 'thread';
CREATE INDEX contributions_stating_facts ON contributions (project_id, occurred_at)
    WHERE metadata ? 'thread' OR metadata ? 'reverts';
"""

DOWNGRADE = r"""
DROP INDEX contributions_stating_facts;
DROP INDEX contributions_by_thread;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
