"""License grants: SPDX licenses, agreement texts, the grant register and coverage.

Revision ID: 0002
Revises: 0001
"""

import sqlparse
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Custom licenses (LicenseRef-) a project uses, with their full text.
CREATE TABLE license_texts (
    project_id  bigint NOT NULL REFERENCES projects,
    license_ref text NOT NULL CHECK (license_ref ~ '^LicenseRef-[A-Za-z0-9.-]{1,100}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000000),
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, license_ref)
);
CREATE TRIGGER license_texts_append_only BEFORE UPDATE OR DELETE ON license_texts
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- A project's outbound license may name a LicenseRef- only once its text is stored.
CREATE FUNCTION commons_outbound_license_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    SELECT m[1] INTO missing
    FROM regexp_matches(coalesce(NEW.outbound_license, ''),
                        '(?:^|[\s(])(LicenseRef-[A-Za-z0-9.-]+)', 'g') AS m
    WHERE NOT EXISTS (SELECT 1 FROM license_texts t
                      WHERE t.project_id = NEW.id AND t.license_ref = m[1])
    LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'outbound license names % but the project stores no text for it', missing
            USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_outbound_license_refs';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER projects_outbound_license_refs
    BEFORE INSERT OR UPDATE OF outbound_license ON projects
    FOR EACH ROW EXECUTE FUNCTION commons_outbound_license_refs();

-- Versioned agreement texts, pinned by SHA-256.
CREATE TABLE agreement_texts (
    project_id     bigint NOT NULL REFERENCES projects,
    instrument     text NOT NULL CHECK (instrument IN ('dco', 'icla', 'ccla', 'inbound_outbound')),
    version        integer NOT NULL CHECK (version > 0),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000000),
    sha256         bytea NOT NULL CHECK (length(sha256) = 32),
    effective_from timestamptz NOT NULL,
    published_by   text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, instrument, version),
    CONSTRAINT agreement_texts_pinned UNIQUE (project_id, instrument, version, sha256),
    CONSTRAINT agreement_texts_same_text UNIQUE (project_id, instrument, sha256)
);
CREATE TRIGGER agreement_texts_append_only BEFORE UPDATE OR DELETE ON agreement_texts
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- The grant register. Non-exclusive, ownership retained and trademark excluded are
-- facts of every grant, enforced here rather than trusted to code.
CREATE TABLE grants (
    project_id              bigint NOT NULL REFERENCES projects,
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    natural_key             text NOT NULL CHECK (length(natural_key) BETWEEN 1 AND 600),
    grantor_contributor_id  bigint REFERENCES contributors,
    grantor_organisation_id bigint REFERENCES organisations,
    grantee                 text NOT NULL CHECK (grantee IN ('steward', 'public')),
    instrument              text NOT NULL
        CHECK (instrument IN ('dco', 'icla', 'ccla', 'inbound_outbound', 'explicit')),
    agreement_version       integer,
    text_sha256             bytea CHECK (length(text_sha256) = 32),
    license_expression      text CHECK (length(license_expression) BETWEEN 1 AND 1000),
    rights                  text[] NOT NULL CHECK (
        cardinality(rights) > 0 AND rights <@ ARRAY['reproduce', 'modify', 'distribute',
            'sublicense', 'perform_display']::text[]),
    patent_grant            boolean NOT NULL,
    irrevocable             boolean NOT NULL,
    royalty_free            boolean NOT NULL,
    exclusive               boolean NOT NULL DEFAULT false
        CONSTRAINT grants_non_exclusive CHECK (NOT exclusive),
    ownership_retained      boolean NOT NULL DEFAULT true
        CONSTRAINT grants_ownership_retained CHECK (ownership_retained),
    trademark_excluded      boolean NOT NULL DEFAULT true
        CONSTRAINT grants_trademark_excluded CHECK (trademark_excluded),
    scope                   text NOT NULL CHECK (scope IN ('contributions', 'from_date')),
    scope_from              timestamptz,
    evidence                jsonb NOT NULL DEFAULT '{}',
    commit_sha              text CHECK (commit_sha ~ '^[0-9a-f]{7,64}$'),
    signature_method        text CHECK (length(signature_method) BETWEEN 1 AND 100),
    delivery_id             text CHECK (length(delivery_id) BETWEEN 1 AND 255),
    effective_at            timestamptz NOT NULL,
    withdrawn_at            timestamptz,
    withdrawal_reason       text,
    recorded_by             text NOT NULL,
    recorded_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CONSTRAINT grants_natural_key UNIQUE (project_id, natural_key),
    CONSTRAINT grants_one_grantor
        CHECK (num_nonnulls(grantor_contributor_id, grantor_organisation_id) = 1),
    CONSTRAINT grants_ccla_by_organisation
        CHECK ((instrument = 'ccla') = (grantor_organisation_id IS NOT NULL)
               OR instrument = 'explicit'),
    CONSTRAINT grants_agreement_pinned
        CHECK ((instrument = 'explicit') = (agreement_version IS NULL)
               AND (agreement_version IS NULL) = (text_sha256 IS NULL)),
    CONSTRAINT grants_license_named CHECK (license_expression IS NOT NULL OR instrument = 'dco'),
    CONSTRAINT grants_scope_from CHECK ((scope = 'from_date') = (scope_from IS NOT NULL)),
    CONSTRAINT grants_withdrawal CHECK (withdrawn_at IS NULL OR withdrawn_at >= effective_at),
    CONSTRAINT grants_agreement FOREIGN KEY (project_id, instrument, agreement_version, text_sha256)
        REFERENCES agreement_texts (project_id, instrument, version, sha256)
);
CREATE INDEX grants_by_grantor ON grants (project_id, grantor_contributor_id, effective_at);
CREATE INDEX grants_from_date ON grants (project_id, grantor_contributor_id, scope_from)
    WHERE scope = 'from_date';
CREATE INDEX grants_by_organisation ON grants (project_id, scope_from)
    WHERE grantor_organisation_id IS NOT NULL AND scope = 'from_date';

-- A grant changes only by being withdrawn, once; it is never deleted.
CREATE FUNCTION commons_grant_withdraw_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR OLD.withdrawn_at IS NOT NULL
       OR (to_jsonb(NEW) - 'withdrawn_at' - 'withdrawal_reason')
          IS DISTINCT FROM (to_jsonb(OLD) - 'withdrawn_at' - 'withdrawal_reason') THEN
        RAISE EXCEPTION 'a grant can only be withdrawn, once: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER grants_withdraw_only BEFORE UPDATE OR DELETE ON grants
    FOR EACH ROW EXECUTE FUNCTION commons_grant_withdraw_only();

-- Grants scoped to listed contributions.
CREATE TABLE grant_contributions (
    project_id      bigint NOT NULL,
    grant_id        bigint NOT NULL,
    contribution_id bigint NOT NULL,
    PRIMARY KEY (project_id, grant_id, contribution_id),
    FOREIGN KEY (project_id, grant_id) REFERENCES grants (project_id, id),
    FOREIGN KEY (project_id, contribution_id) REFERENCES contributions (project_id, id)
);
CREATE INDEX grant_contributions_by_contribution ON grant_contributions (project_id, contribution_id);
CREATE TRIGGER grant_contributions_append_only BEFORE UPDATE OR DELETE ON grant_contributions
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- Whom a corporate CLA authorises: a contributor, an email domain, or members of the
-- granting organisation (its affiliations).
CREATE TABLE ccla_authorisations (
    project_id     bigint NOT NULL,
    grant_id       bigint NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    kind           text NOT NULL CHECK (kind IN ('contributor', 'email_domain', 'membership')),
    contributor_id bigint REFERENCES contributors,
    email_domain   text CHECK (email_domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
    PRIMARY KEY (project_id, grant_id, id),
    FOREIGN KEY (project_id, grant_id) REFERENCES grants (project_id, id),
    CHECK ((kind = 'contributor') = (contributor_id IS NOT NULL)
           AND (kind = 'email_domain') = (email_domain IS NOT NULL))
);
CREATE TRIGGER ccla_authorisations_append_only BEFORE UPDATE OR DELETE ON ccla_authorisations
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- Until when a grant covers work: its withdrawal, or the effective date of the next
-- version of the agreement it accepted, whichever comes first.
CREATE VIEW grant_windows AS
SELECT g.*, least(
        coalesce(g.withdrawn_at, 'infinity'::timestamptz),
        coalesce((SELECT min(n.effective_from) FROM agreement_texts n
                  WHERE n.project_id = g.project_id AND n.instrument = g.instrument
                    AND n.version > g.agreement_version), 'infinity'::timestamptz)
    ) AS covers_until
FROM grants g;

-- Trademarks are kept apart from copyright: a grant never implies a trademark right.
CREATE TABLE trademark_notices (
    project_id bigint NOT NULL REFERENCES projects,
    mark       text NOT NULL CHECK (length(mark) BETWEEN 1 AND 200),
    owner      text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    notice     text NOT NULL CHECK (length(notice) BETWEEN 1 AND 2000),
    policy_url text CHECK (policy_url ~ '^https?://'),
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, mark)
);
"""

DOWNGRADE = """
DROP TABLE trademark_notices;
DROP VIEW grant_windows;
DROP TABLE ccla_authorisations, grant_contributions, grants, agreement_texts;
DROP FUNCTION commons_grant_withdraw_only();
DROP TRIGGER projects_outbound_license_refs ON projects;
DROP FUNCTION commons_outbound_license_refs();
DROP TABLE license_texts;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
