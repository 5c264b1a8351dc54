"""Intake beyond forge pushes: why a delivery was ignored (kept so that it can be
replayed once the mapping or the project's repository list changes), where wiki
imports and live wiki feeds got to, and which record files were imported.

Revision ID: 0014
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Why a delivery was stored as ignored: no rule maps its event, or it comes from a
-- repository the project does not list.
ALTER TABLE webhook_inbox ADD COLUMN ignored_reason text
    CHECK (ignored_reason IN ('no_rules', 'repository_not_listed'));

-- Where a wiki's dump import got to (revisions read, contributions recorded,
-- revisions found reverted), per wiki: re-running resumes it.
CREATE TABLE wiki_imports (
    project_id  bigint NOT NULL REFERENCES projects,
    wiki        text NOT NULL CHECK (length(wiki) BETWEEN 1 AND 64),
    revisions   bigint NOT NULL DEFAULT 0,
    recorded    bigint NOT NULL DEFAULT 0,
    reverted    bigint NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    PRIMARY KEY (project_id, wiki)
);

-- A live wiki's recent changes, followed through its API: from when to read next.
CREATE TABLE wiki_feeds (
    project_id  bigint NOT NULL REFERENCES projects,
    wiki        text NOT NULL CHECK (length(wiki) BETWEEN 1 AND 64),
    api_url     text NOT NULL CHECK (api_url ~ '^https?://'),
    next_start  timestamptz,
    changes     bigint NOT NULL DEFAULT 0,
    recorded    bigint NOT NULL DEFAULT 0,
    polled_at   timestamptz,
    PRIMARY KEY (project_id, wiki)
);
"""

DOWNGRADE = """
DROP TABLE wiki_feeds, wiki_imports;
ALTER TABLE webhook_inbox DROP COLUMN ignored_reason;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
