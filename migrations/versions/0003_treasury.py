"""Sponsor funding: sponsors, commons terms, the double-entry treasury.

Revision ID: 0003
Revises: 0002
"""

import sqlparse
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Commons terms a sponsor acknowledged: a versioned text pinned by its SHA-256.
CREATE TABLE treasury_terms (
    project_id            bigint NOT NULL REFERENCES projects,
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    version               text NOT NULL CHECK (length(version) BETWEEN 1 AND 40),
    body                  text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    sha256                bytea NOT NULL CHECK (length(sha256) = 32),
    no_ownership          boolean NOT NULL,
    no_exclusive_license  boolean NOT NULL,
    no_access_restriction boolean NOT NULL,
    no_roadmap_control    boolean NOT NULL,
    no_votes_bought       boolean NOT NULL,
    recorded_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CONSTRAINT treasury_terms_sha256_key UNIQUE (project_id, sha256),
    CONSTRAINT treasury_terms_version_key UNIQUE (project_id, title, version)
);

-- A sponsor is one of the register's organisations or contributors.
CREATE TABLE treasury_sponsors (
    project_id      bigint NOT NULL REFERENCES projects,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    organisation_id bigint REFERENCES organisations,
    contributor_id  bigint REFERENCES contributors,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CHECK ((organisation_id IS NULL) <> (contributor_id IS NULL)),
    CONSTRAINT treasury_sponsors_organisation_key UNIQUE (project_id, organisation_id),
    CONSTRAINT treasury_sponsors_contributor_key UNIQUE (project_id, contributor_id)
);

CREATE TABLE treasury_sponsorships (
    project_id          bigint NOT NULL REFERENCES projects,
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    sponsor_id          bigint NOT NULL,
    kind                text NOT NULL
        CHECK (kind IN ('one_off', 'recurring_pledge', 'matching_fund', 'in_kind')),
    amount              bigint CHECK (amount > 0),
    currency            text CHECK (currency ~ '^[A-Z]{3}$'),
    in_kind_description text CHECK (length(in_kind_description) BETWEEN 1 AND 2000),
    period_start        date,
    period_end          date,
    recurrence          text CHECK (recurrence IN ('monthly', 'quarterly', 'yearly')),
    earmark             text CHECK (length(earmark) <= 200),
    terms_id            bigint NOT NULL,
    non_commons         boolean NOT NULL DEFAULT false,
    non_commons_reason  text,
    actor               text NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, sponsor_id) REFERENCES treasury_sponsors,
    FOREIGN KEY (project_id, terms_id) REFERENCES treasury_terms,
    CHECK ((amount IS NULL) = (currency IS NULL)),
    CHECK ((kind = 'in_kind') = (in_kind_description IS NOT NULL)),
    CHECK (kind = 'in_kind' OR amount IS NOT NULL),
    CHECK ((kind = 'recurring_pledge') = (recurrence IS NOT NULL)),
    CHECK (period_end IS NULL OR period_start IS NULL OR period_start <= period_end),
    CHECK (NOT non_commons OR length(non_commons_reason) >= 1)
);
CREATE INDEX treasury_sponsorships_sponsor ON treasury_sponsorships (project_id, sponsor_id);

-- What authorised an expense: a passed proposal or, where policy allows, a maintainer.
CREATE TABLE treasury_approvals (
    project_id  bigint NOT NULL REFERENCES projects,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    source      text NOT NULL CHECK (source IN ('proposal', 'maintainer')),
    proposal_id bigint,
    amount      bigint NOT NULL CHECK (amount > 0),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    payee       text NOT NULL CHECK (length(payee) BETWEEN 1 AND 200),
    purpose     text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CONSTRAINT treasury_approvals_proposal_key UNIQUE (project_id, proposal_id),
    CHECK ((source = 'proposal') = (proposal_id IS NOT NULL))
);

-- Accounts per project and currency; ``balance`` (debits positive) is kept by a
-- trigger on every posted entry, so it always equals the replay of the entries.
CREATE TABLE treasury_accounts (
    project_id bigint NOT NULL REFERENCES projects,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    kind       text NOT NULL
        CHECK (kind IN ('treasury', 'receivable', 'income', 'expense', 'payable', 'exchange')),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    currency   text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    sponsor_id bigint,
    balance    numeric(40, 0) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    CONSTRAINT treasury_accounts_name_key UNIQUE (project_id, kind, name, currency),
    CONSTRAINT treasury_accounts_currency_key UNIQUE (project_id, id, currency),
    FOREIGN KEY (project_id, sponsor_id) REFERENCES treasury_sponsors,
    CHECK ((kind IN ('receivable', 'income')) = (sponsor_id IS NOT NULL))
);

CREATE TABLE treasury_transactions (
    project_id     bigint NOT NULL REFERENCES projects,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    kind           text NOT NULL CHECK (kind IN
        ('pledge', 'receipt', 'expense', 'refund', 'transfer', 'conversion', 'reversal')),
    occurred_on    date NOT NULL,
    memo           text NOT NULL DEFAULT '' CHECK (length(memo) <= 2000),
    sponsor_id     bigint,
    sponsorship_id bigint,
    approval_id    bigint,
    payee          text,
    purpose        text,
    evidence_url   text,
    fx_rate        numeric CHECK (fx_rate > 0),
    fx_source      text,
    fx_date        date,
    reverses_id    bigint,
    actor          text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, sponsor_id) REFERENCES treasury_sponsors,
    FOREIGN KEY (project_id, sponsorship_id) REFERENCES treasury_sponsorships,
    FOREIGN KEY (project_id, approval_id) REFERENCES treasury_approvals,
    FOREIGN KEY (project_id, reverses_id) REFERENCES treasury_transactions,
    CONSTRAINT treasury_transactions_approval_key UNIQUE (project_id, approval_id),
    CONSTRAINT treasury_transactions_reverses_key UNIQUE (project_id, reverses_id),
    CHECK (occurred_on <= (recorded_at AT TIME ZONE 'UTC')::date + 1),
    CHECK (kind <> 'expense' OR (approval_id IS NOT NULL AND payee IS NOT NULL
        AND purpose IS NOT NULL AND evidence_url IS NOT NULL)),
    CHECK ((kind = 'conversion') = (fx_rate IS NOT NULL AND fx_source IS NOT NULL
        AND fx_date IS NOT NULL)),
    CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
    CHECK (kind NOT IN ('pledge', 'receipt', 'refund') OR sponsor_id IS NOT NULL)
);
CREATE INDEX treasury_transactions_by_date
    ON treasury_transactions (project_id, occurred_on, id);
CREATE INDEX treasury_transactions_by_sponsor
    ON treasury_transactions (project_id, sponsor_id, id) WHERE sponsor_id IS NOT NULL;

-- Entries: amount > 0 is a debit, < 0 a credit; the currency must be the account's.
CREATE TABLE treasury_entries (
    project_id     bigint NOT NULL,
    transaction_id bigint NOT NULL,
    line           smallint NOT NULL CHECK (line > 0),
    account_id     bigint NOT NULL,
    currency       text NOT NULL,
    amount         bigint NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (project_id, transaction_id, line),
    FOREIGN KEY (project_id, transaction_id) REFERENCES treasury_transactions,
    FOREIGN KEY (project_id, account_id, currency)
        REFERENCES treasury_accounts (project_id, id, currency)
);
CREATE INDEX treasury_entries_account ON treasury_entries (project_id, account_id);

CREATE FUNCTION treasury_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE treasury_accounts SET balance = balance + NEW.amount
    WHERE project_id = NEW.project_id AND id = NEW.account_id;
    RETURN NULL;
END $$;

-- Checked at commit: the transaction has two or more entries and balances per currency.
CREATE FUNCTION treasury_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx bigint := coalesce((to_jsonb(NEW) ->> 'transaction_id')::bigint,
                          (to_jsonb(NEW) ->> 'id')::bigint);
    lines integer;
    unbalanced text;
BEGIN
    SELECT count(*) INTO lines FROM treasury_entries
    WHERE project_id = NEW.project_id AND transaction_id = tx;
    IF lines < 2 THEN
        RAISE EXCEPTION 'treasury transaction % has % entries', tx, lines
            USING ERRCODE = 'check_violation', CONSTRAINT = 'treasury_transaction_balanced';
    END IF;
    SELECT string_agg(currency, ', ') INTO unbalanced FROM (
        SELECT currency FROM treasury_entries
        WHERE project_id = NEW.project_id AND transaction_id = tx
        GROUP BY currency HAVING sum(amount) <> 0
    ) AS off;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'treasury transaction % does not balance in %', tx, unbalanced
            USING ERRCODE = 'check_violation', CONSTRAINT = 'treasury_transaction_balanced';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER treasury_entries_apply AFTER INSERT ON treasury_entries
    FOR EACH ROW EXECUTE FUNCTION treasury_apply_entry();
CREATE CONSTRAINT TRIGGER treasury_entries_balanced AFTER INSERT ON treasury_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury_check_balanced();
CREATE CONSTRAINT TRIGGER treasury_transactions_balanced AFTER INSERT ON treasury_transactions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury_check_balanced();

CREATE TRIGGER treasury_terms_append_only BEFORE UPDATE OR DELETE ON treasury_terms
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_sponsors_append_only BEFORE UPDATE OR DELETE ON treasury_sponsors
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_sponsorships_append_only BEFORE UPDATE OR DELETE ON treasury_sponsorships
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_approvals_append_only BEFORE UPDATE OR DELETE ON treasury_approvals
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_transactions_append_only BEFORE UPDATE OR DELETE ON treasury_transactions
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_entries_append_only BEFORE UPDATE OR DELETE ON treasury_entries
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_transactions_no_truncate BEFORE TRUNCATE ON treasury_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION commons_refuse_change();
CREATE TRIGGER treasury_entries_no_truncate BEFORE TRUNCATE ON treasury_entries
    FOR EACH STATEMENT EXECUTE FUNCTION commons_refuse_change();
"""

DOWNGRADE = """
DROP TABLE treasury_entries, treasury_transactions, treasury_accounts, treasury_approvals,
    treasury_sponsorships, treasury_sponsors, treasury_terms;
DROP FUNCTION treasury_check_balanced();
DROP FUNCTION treasury_apply_entry();
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
