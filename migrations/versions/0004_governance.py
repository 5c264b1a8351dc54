"""Community votes: proposals, electorates, ballots, delegation, tallies.

Revision ID: 0004
Revises: 0003
"""

import sqlparse
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE TABLE governance_roles (
    project_id     bigint NOT NULL REFERENCES projects,
    contributor_id bigint NOT NULL REFERENCES contributors,
    role           text NOT NULL CHECK (role IN ('maintainer', 'member')),
    granted_by     text NOT NULL,
    granted_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, contributor_id)
);

CREATE TABLE proposals (
    project_id      bigint NOT NULL REFERENCES projects,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body            text NOT NULL DEFAULT '' CHECK (length(body) <= 50000),
    kind            text NOT NULL CHECK (kind IN
                        ('general', 'policy', 'credit_policy', 'expense', 'membership', 'release')),
    options         jsonb NOT NULL,
    method          text NOT NULL CHECK (method IN
                        ('majority', 'supermajority', 'approval', 'schulze', 'lazy_consensus',
                         'consent')),
    params          jsonb NOT NULL DEFAULT '{}',
    electorate_rule jsonb NOT NULL,
    quorum          text NOT NULL DEFAULT '0',
    secret          boolean NOT NULL DEFAULT false,
    action          jsonb NOT NULL DEFAULT '{}',
    state           text NOT NULL DEFAULT 'draft' CHECK (state IN
                        ('draft', 'open', 'closed', 'withdrawn')),
    outcome         text CHECK (outcome IN ('passed', 'failed', 'no_quorum')),
    opens_at        timestamptz,
    closes_at       timestamptz NOT NULL,
    closed_at       timestamptz,
    electorate_size integer,
    electorate_hash bytea CHECK (length(electorate_hash) = 32),
    result          jsonb,
    sheet_hash      bytea CHECK (length(sheet_hash) = 32),
    effect          jsonb,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CHECK ((state = 'closed') = (outcome IS NOT NULL)),
    CHECK (state = 'draft' OR state = 'withdrawn' OR electorate_hash IS NOT NULL)
);
CREATE INDEX proposals_by_state ON proposals (project_id, state, closes_at);
CREATE INDEX proposals_due ON proposals (closes_at) WHERE state = 'open';

-- The electorate as snapshotted when the proposal opened; never changed afterwards.
CREATE TABLE proposal_electors (
    project_id     bigint NOT NULL,
    proposal_id    bigint NOT NULL,
    contributor_id bigint NOT NULL REFERENCES contributors,
    PRIMARY KEY (project_id, proposal_id, contributor_id),
    FOREIGN KEY (project_id, proposal_id) REFERENCES proposals
);
CREATE TRIGGER proposal_electors_append_only BEFORE UPDATE OR DELETE ON proposal_electors
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- Per-proposal key material of secret ballots: never published, never journaled.
CREATE TABLE proposal_secrets (
    project_id  bigint NOT NULL,
    proposal_id bigint NOT NULL,
    secret      bytea NOT NULL CHECK (length(secret) = 32),
    PRIMARY KEY (project_id, proposal_id),
    FOREIGN KEY (project_id, proposal_id) REFERENCES proposals
);

-- One ballot per voter per proposal; a new ballot replaces the old until close.
CREATE TABLE ballots (
    project_id  bigint NOT NULL,
    proposal_id bigint NOT NULL,
    voter_id    bigint NOT NULL REFERENCES contributors,
    ballot      jsonb NOT NULL,
    receipt     bytea CHECK (length(receipt) = 32),
    revision    integer NOT NULL DEFAULT 1 CHECK (revision > 0),
    cast_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, proposal_id, voter_id),
    FOREIGN KEY (project_id, proposal_id, voter_id) REFERENCES proposal_electors
);

CREATE TABLE delegations (
    project_id   bigint NOT NULL REFERENCES projects,
    delegator_id bigint NOT NULL REFERENCES contributors,
    scope        text NOT NULL CHECK (scope IN ('*', 'general', 'policy', 'credit_policy',
                     'expense', 'membership', 'release')),
    delegate_id  bigint NOT NULL REFERENCES contributors,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, delegator_id, scope),
    CHECK (delegator_id <> delegate_id)
);
CREATE INDEX delegations_delegate ON delegations (project_id, delegate_id);
"""

DOWNGRADE = """
DROP TABLE delegations, ballots, proposal_secrets, proposal_electors, proposals,
    governance_roles;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
