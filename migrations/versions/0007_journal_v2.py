"""Journal format 2: every event document names its catalogue version, and the instance
keeps the secret its pseudonyms are keyed with.

Revision ID: 0007
Revises: 0006
"""

import sqlparse
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- The version of the event's type in the catalogue; it is part of the hashed document.
ALTER TABLE journal_events ADD COLUMN version smallint NOT NULL DEFAULT 1
    CHECK (version >= 1);
ALTER TABLE journal_events ALTER COLUMN version DROP DEFAULT;

-- Secrets of the instance shared by every process on this database. ``pseudonym``
-- keys the HMACs that stand for personal values (a token's subject, an email)
-- wherever a stable key must be derived from one: never the value itself.
CREATE TABLE instance_secrets (
    name   text PRIMARY KEY CHECK (name ~ '^[a-z_]{1,40}$'),
    secret bytea NOT NULL CHECK (length(secret) = 32)
);
-- 244 random bits from the server's strong random source (two version-4 UUIDs).
INSERT INTO instance_secrets (name, secret) VALUES (
    'pseudonym',
    decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
);
"""

DOWNGRADE = """
DROP TABLE instance_secrets;
ALTER TABLE journal_events DROP COLUMN version;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
