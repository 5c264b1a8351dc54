"""Privacy: which projects may see an identity's email, erasure tombstones, and raw
webhook payloads that are purged after processing.

- ``identity_projects``: an identity observed in a project's own contributions (intake)
  or linked by that project (``linkIdentity``). A project's maintainers see the email of
  these identities only: recording a contribution for some contributor number links
  nothing. Filled from the journal's ``identity.linked`` events, which are exactly that.
- ``contributors.erased_at``: set when the person's personal data was replaced by a
  tombstone (GDPR art. 17); their contributions keep the number and the credit.
- ``webhook_inbox.body`` becomes nullable with ``purged_at``: the raw payload is
  dropped once processed and older than the retention period, or when its person is
  erased. A pending delivery always has its body.

Git identities created before this revision keep their email as external id; nothing
was deployed with that format.

Revision ID: 0008
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE TABLE identity_projects (
    project_id  bigint NOT NULL REFERENCES projects,
    identity_id bigint NOT NULL REFERENCES identities,
    how         text NOT NULL CHECK (how IN ('observed', 'linked')),
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, identity_id)
);
CREATE INDEX identity_projects_identity ON identity_projects (identity_id);
INSERT INTO identity_projects (project_id, identity_id, how)
SELECT DISTINCT e.project_id, (e.body ->> 'identity_id')::bigint, 'observed'
FROM journal_events e JOIN identities i ON i.id = (e.body ->> 'identity_id')::bigint
WHERE e.type = 'identity.linked';

ALTER TABLE contributors ADD COLUMN erased_at timestamptz;

ALTER TABLE webhook_inbox ALTER COLUMN body DROP NOT NULL;
ALTER TABLE webhook_inbox ADD COLUMN purged_at timestamptz;
ALTER TABLE webhook_inbox ADD CONSTRAINT webhook_inbox_body_kept
    CHECK ((body IS NULL) = (purged_at IS NOT NULL) AND (body IS NOT NULL OR status <> 'pending'));
CREATE INDEX webhook_inbox_unpurged ON webhook_inbox (received_at)
    WHERE purged_at IS NULL AND status <> 'pending';
"""

DOWNGRADE = """
DROP INDEX webhook_inbox_unpurged;
ALTER TABLE webhook_inbox DROP CONSTRAINT webhook_inbox_body_kept;
UPDATE webhook_inbox SET body = ''::bytea WHERE body IS NULL;
ALTER TABLE webhook_inbox DROP COLUMN purged_at;
ALTER TABLE webhook_inbox ALTER COLUMN body SET NOT NULL;
ALTER TABLE contributors DROP COLUMN erased_at;
DROP TABLE identity_projects;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
