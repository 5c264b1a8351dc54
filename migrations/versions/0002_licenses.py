"""License grants: SPDX licenses, agreement texts, the grant register and coverage.

Revision ID: 0002
Revises: 0001
"""

import sqlparse
from alembic import op

revision = "0002"
down_revision = "0001"
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
