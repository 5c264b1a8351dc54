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

UPGRADE = r"""
-- Complete aligned subtrees of each project's journal Merkle tree (RFC 6962):
-- (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level). Never change.
CREATE TABLE merkle_nodes (
    project_id bigint NOT NULL,
    level      smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx        bigint NOT NULL CHECK (idx >= 0),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (project_id, level, idx)
);
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- How many journal events the stored tree covers (the row is the extender's lock).
CREATE TABLE merkle_state (
    project_id bigint PRIMARY KEY REFERENCES projects,
    size       bigint NOT NULL DEFAULT 0 CHECK (size >= 0)
);

-- Signed tree heads: one per published size, kept for ever.
CREATE TABLE tree_heads (
    project_id bigint NOT NULL REFERENCES projects,
    size       bigint NOT NULL CHECK (size >= 0),
    root       bytea NOT NULL CHECK (length(root) = 32),
    signed_at  timestamptz NOT NULL,
    kid        text NOT NULL,
    jws        text NOT NULL,
    PRIMARY KEY (project_id, size)
);
CREATE TRIGGER tree_heads_append_only BEFORE UPDATE OR DELETE ON tree_heads
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
"""

DOWNGRADE = """
DROP TABLE tree_heads, merkle_state, merkle_nodes;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
