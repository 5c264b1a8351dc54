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

UPGRADE = r"""
-- A project's connection to a forge; secrets rotate (two may be active at once).
CREATE TABLE forge_connections (
    project_id bigint NOT NULL REFERENCES projects,
    forge      text NOT NULL CHECK (forge IN ('github', 'gitlab', 'gitea', 'forgejo',
                                             'bitbucket', 'standard')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, forge)
);
CREATE TABLE forge_secrets (
    project_id bigint NOT NULL,
    forge      text NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    secret     text NOT NULL CHECK (length(secret) BETWEEN 8 AND 512),
    label      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    retired_at timestamptz,
    PRIMARY KEY (project_id, forge, id),
    FOREIGN KEY (project_id, forge) REFERENCES forge_connections
);

-- Verified deliveries, stored before any processing (store first, answer 202).
CREATE TABLE webhook_inbox (
    project_id      bigint NOT NULL REFERENCES projects,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    forge           text NOT NULL,
    event           text NOT NULL,
    delivery_key    text NOT NULL CHECK (length(delivery_key) BETWEEN 1 AND 300),
    headers         jsonb NOT NULL,
    body            bytea NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'ignored', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    handled         integer NOT NULL DEFAULT 0,
    processed_at    timestamptz,
    processed_by    text,
    last_error      text,
    truncated       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (project_id, id),
    CONSTRAINT webhook_inbox_delivery UNIQUE (project_id, forge, delivery_key)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (next_attempt_at, project_id, id)
    WHERE status = 'pending';

-- Deliveries that failed N times, with their error; replay sets them pending again.
CREATE TABLE webhook_dead_letters (
    project_id  bigint NOT NULL REFERENCES projects,
    inbox_id    bigint NOT NULL,
    died_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts    integer NOT NULL,
    error       text NOT NULL,
    replayed_at timestamptz,
    replayed_by text,
    PRIMARY KEY (project_id, inbox_id, died_at),
    FOREIGN KEY (project_id, inbox_id) REFERENCES webhook_inbox
);

-- Merges of contributors, kept so an unmerge restores exactly what was moved.
CREATE TABLE contributor_merges (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id         bigint NOT NULL REFERENCES contributors,
    target_id         bigint NOT NULL REFERENCES contributors,
    previous_parent   bigint REFERENCES contributors,
    moved_identities  bigint[] NOT NULL,
    moved_children    bigint[] NOT NULL,
    moved_contributions jsonb NOT NULL,
    actor             text NOT NULL,
    merged_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    unmerged_at       timestamptz,
    unmerged_by       text,
    CHECK (source_id <> target_id)
);
CREATE UNIQUE INDEX contributor_merges_open ON contributor_merges (source_id)
    WHERE unmerged_at IS NULL;

-- Where a history import got to, per repository (resumable backfills).
CREATE TABLE git_imports (
    project_id  bigint NOT NULL REFERENCES projects,
    repository  text NOT NULL,
    commits     bigint NOT NULL DEFAULT 0,
    recorded    bigint NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    PRIMARY KEY (project_id, repository)
);
"""

DOWNGRADE = """
DROP TABLE git_imports, contributor_merges, webhook_dead_letters, webhook_inbox,
    forge_secrets, forge_connections;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
