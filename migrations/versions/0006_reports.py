"""Reports: Merkle subtree hashes, signed tree heads.

Revision ID: 0006
Revises: 0005
"""

import sqlparse
from alembic import op

revision = "0006"
down_revision = "0005"
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
