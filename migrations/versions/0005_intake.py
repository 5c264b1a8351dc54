"""Forge intake: connections, webhook inbox, dead letters, backfill state.

Revision ID: 0005
Revises: 0004
"""

import sqlparse
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = ""

DOWNGRADE = ""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
