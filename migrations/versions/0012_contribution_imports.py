"""Contribution imports: where each resumable bulk load of a project's past got to.

Revision ID: 0012
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- One row per named import of a project; every committed chunk advances ``loaded``
-- (input items taken, one contribution each) in its own transaction, so a resumed
-- import skips exactly what is already in. ``deferred_indexes`` holds
-- the definitions of the secondary indexes a first import dropped and rebuilds at
-- its end (empty otherwise).
CREATE TABLE contribution_imports (
    project_id       bigint NOT NULL REFERENCES projects,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    actor            text NOT NULL,
    loaded           bigint NOT NULL DEFAULT 0 CHECK (loaded >= 0),
    deferred_indexes text[] NOT NULL DEFAULT '{}',
    started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at      timestamptz,
    PRIMARY KEY (project_id, name)
);
"""

DOWNGRADE = """
DROP TABLE contribution_imports;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
