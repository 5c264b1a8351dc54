"""Foundation: the register (projects, people, contributions, credit), rollups,
idempotency keys and the append-only hash-chained journal.

Revision ID: 0001
Revises:
"""

import sqlparse
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE FUNCTION commons_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TABLE projects (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description      text NOT NULL DEFAULT '',
    homepage         text,
    repositories     text[] NOT NULL DEFAULT '{}',
    outbound_license text,
    trademark_notice text,
    settings         jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE project_kinds (
    project_id  bigint NOT NULL REFERENCES projects,
    kind        text NOT NULL CHECK (kind ~ '^[a-z][A-Za-z0-9]{0,39}$'),
    description text NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, kind)
);

CREATE TABLE contributors (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    display_name text NOT NULL,
    is_bot       boolean NOT NULL DEFAULT false,
    merged_into  bigint REFERENCES contributors,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE identities (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contributor_id bigint NOT NULL REFERENCES contributors,
    source         text NOT NULL CHECK (source ~ '^[a-z][a-z0-9_.-]{0,39}$'),
    external_id    text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 255),
    login          text,
    email          text,
    email_verified boolean NOT NULL DEFAULT false,
    display_name   text,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT identities_source_external_key UNIQUE (source, external_id)
);
CREATE INDEX identities_contributor ON identities (contributor_id);
CREATE INDEX identities_email ON identities (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE organisations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    domain     text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT organisations_name_key UNIQUE (name)
);

CREATE TABLE affiliations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contributor_id  bigint NOT NULL REFERENCES contributors,
    organisation_id bigint NOT NULL REFERENCES organisations,
    valid_from      date NOT NULL DEFAULT '-infinity',
    valid_to        date NOT NULL DEFAULT 'infinity',
    CHECK (valid_from < valid_to)
);
CREATE INDEX affiliations_contributor ON affiliations (contributor_id, valid_from);

CREATE TABLE credit_policies (
    project_id     bigint NOT NULL REFERENCES projects,
    version        integer NOT NULL CHECK (version > 0),
    weights        jsonb NOT NULL,
    default_weight numeric(12, 4) NOT NULL CHECK (default_weight >= 0),
    reason         text NOT NULL DEFAULT '',
    actor          text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, version)
);
CREATE TRIGGER credit_policies_append_only BEFORE UPDATE OR DELETE ON credit_policies
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

CREATE TABLE contributions (
    project_id     bigint NOT NULL REFERENCES projects,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    contributor_id bigint NOT NULL REFERENCES contributors,
    kind           text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    source         text NOT NULL,
    natural_key    text NOT NULL CHECK (length(natural_key) BETWEEN 1 AND 500),
    evidence_url   text,
    metadata       jsonb NOT NULL DEFAULT '{}',
    credit         numeric(14, 4) NOT NULL,
    policy_version integer NOT NULL,
    counted        boolean NOT NULL DEFAULT true,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CONSTRAINT contributions_natural_key UNIQUE (project_id, natural_key),
    FOREIGN KEY (project_id, policy_version) REFERENCES credit_policies
);
CREATE INDEX contributions_by_time ON contributions (project_id, occurred_at DESC, id DESC);
CREATE INDEX contributions_by_contributor ON contributions (project_id, contributor_id, occurred_at DESC, id DESC);
CREATE INDEX contributions_by_kind ON contributions (project_id, kind, occurred_at DESC, id DESC);

-- Rollups kept up to date inside each write transaction (counted contributions only).
CREATE TABLE project_stats (
    project_id    bigint PRIMARY KEY REFERENCES projects,
    contributions bigint NOT NULL DEFAULT 0,
    credit        numeric(20, 4) NOT NULL DEFAULT 0,
    contributors  bigint NOT NULL DEFAULT 0,
    first_at      timestamptz,
    last_at       timestamptz
);
CREATE TABLE contributor_stats (
    project_id     bigint NOT NULL REFERENCES projects,
    contributor_id bigint NOT NULL REFERENCES contributors,
    contributions  bigint NOT NULL,
    credit         numeric(20, 4) NOT NULL,
    first_at       timestamptz NOT NULL,
    last_at        timestamptz NOT NULL,
    PRIMARY KEY (project_id, contributor_id)
);
CREATE INDEX contributor_stats_rank ON contributor_stats (project_id, credit DESC, contributor_id);
CREATE TABLE contributor_month_stats (
    project_id     bigint NOT NULL REFERENCES projects,
    contributor_id bigint NOT NULL REFERENCES contributors,
    month          date NOT NULL,
    contributions  bigint NOT NULL,
    credit         numeric(20, 4) NOT NULL,
    PRIMARY KEY (project_id, contributor_id, month)
);
CREATE INDEX contributor_month_stats_month ON contributor_month_stats (project_id, month);
CREATE TABLE kind_month_stats (
    project_id    bigint NOT NULL REFERENCES projects,
    month         date NOT NULL,
    kind          text NOT NULL,
    contributions bigint NOT NULL,
    credit        numeric(20, 4) NOT NULL,
    PRIMARY KEY (project_id, month, kind)
);

CREATE TABLE idempotency_keys (
    project_id   bigint NOT NULL REFERENCES projects,
    scope        text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    result       jsonb,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, scope, key)
);

CREATE TABLE journal_heads (
    project_id bigint PRIMARY KEY REFERENCES projects,
    seq        bigint NOT NULL CHECK (seq >= 0),
    hash       bytea NOT NULL CHECK (length(hash) = 32)
);
CREATE TABLE journal_events (
    project_id  bigint NOT NULL REFERENCES projects,
    seq         bigint NOT NULL CHECK (seq > 0),
    type        text NOT NULL,
    body        jsonb NOT NULL,
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL,
    prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (project_id, seq)
);
CREATE INDEX journal_events_type ON journal_events (project_id, type, seq);
CREATE TRIGGER journal_events_append_only BEFORE UPDATE OR DELETE ON journal_events
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER journal_events_no_truncate BEFORE TRUNCATE ON journal_events
    FOR EACH STATEMENT EXECUTE FUNCTION commons_refuse_change();
"""

DOWNGRADE = """
DROP TABLE journal_events, journal_heads, idempotency_keys, kind_month_stats,
    contributor_month_stats, contributor_stats, project_stats, contributions,
    credit_policies, affiliations, organisations, identities, contributors,
    project_kinds, projects;
DROP FUNCTION commons_refuse_change();
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
