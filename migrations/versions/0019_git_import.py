"""Git import a maintainer can trust: commits an import read but recorded nothing for
(a merge without changes of its own, an unreadable record), so that every commit is
accounted for and counted once across reruns; the pairs of identities a repository's
``.mailmap`` declares one person; names compared after NFC normalisation and case
folding; DCO grants found by commit.

Revision ID: 0019
Revises: 0012
"""

import sqlparse
from alembic import op

revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- A commit an import read without recording a contribution for it, and why: a merge
-- without changes of its own (under the project's merge policy) or a record git printed
-- that could not be read. With the commits' contributions, this accounts for every
-- commit read, once.
CREATE TABLE git_skipped_commits (
    project_id  bigint NOT NULL REFERENCES projects,
    sha         text NOT NULL CHECK (sha ~ '^[0-9a-f]{7,64}$'),
    reason      text NOT NULL CHECK (reason IN ('merge', 'unreadable')),
    repository  text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, sha)
);

-- Identities a repository's .mailmap says are one person (the alias and the address
-- it maps to), for the project whose import read it: merge suggestions a maintainer
-- accepts in one step, or merges applied at once when the project opts in.
CREATE TABLE mailmap_links (
    project_id         bigint NOT NULL REFERENCES projects,
    identity_id        bigint NOT NULL REFERENCES identities,
    proper_identity_id bigint NOT NULL REFERENCES identities,
    PRIMARY KEY (project_id, identity_id),
    CHECK (identity_id <> proper_identity_id)
);

-- A name as compared for merge suggestions: NFC, lower case, with the case foldings
-- that lower() leaves out for names (sharp s, final sigma, long s) applied.
ALTER TABLE contributors ADD COLUMN name_key text GENERATED ALWAYS AS (
    replace(replace(replace(lower(normalize(display_name, NFC)), 'ß', 'ss'), 'ς', 'σ'), 'ſ', 's')
) STORED;
CREATE INDEX contributors_name_key ON contributors (name_key);

CREATE INDEX grants_dco_commit ON grants (project_id, commit_sha) WHERE instrument = 'dco';
"""

DOWNGRADE = """
DROP INDEX grants_dco_commit;
DROP INDEX contributors_name_key;
ALTER TABLE contributors DROP COLUMN name_key;
DROP TABLE mailmap_links, git_skipped_commits;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
