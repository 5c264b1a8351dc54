"""Intake beyond forge pushes: why a delivery was ignored (kept so that it can be
replayed once the mapping or the project's repository list changes).

Revision ID: 0014
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0014"
down_revision = "0007"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Why a delivery was stored as ignored: no rule maps its event, or it comes from a
-- repository the project does not list.
ALTER TABLE webhook_inbox ADD COLUMN ignored_reason text
    CHECK (ignored_reason IN ('no_rules', 'repository_not_listed'));
"""

DOWNGRADE = """
ALTER TABLE webhook_inbox DROP COLUMN ignored_reason;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
