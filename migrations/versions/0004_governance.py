"""Community votes: proposals, electorates, ballots, delegation, tallies.

Revision ID: 0004
Revises: 0003
"""

import sqlparse
from alembic import op

revision = "0004"
down_revision = "0003"
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
