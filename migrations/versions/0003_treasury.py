"""Sponsor funding: sponsors, commons terms, the double-entry treasury.

Revision ID: 0003
Revises: 0002
"""

import sqlparse
from alembic import op

revision = "0003"
down_revision = "0002"
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
