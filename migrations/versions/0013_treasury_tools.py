"""The treasurer's tools: fees, in-kind support, recurring pledges and due dates,
anonymous sponsors, goals, budgets, stated exchange rates and expense claims; account
balances kept within a signed 64-bit integer.

Revision ID: 0013
Revises: 0007
"""

import sqlparse
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Fees (fee:processor, fee:host) and in-kind support: in_kind:<sponsor> is the value a
-- sponsor gave in goods or services, in_kind_use:<category> its contra (the value used),
-- so money held never includes it. Every balance fits a signed 64-bit integer.
ALTER TABLE treasury_accounts DROP CONSTRAINT treasury_accounts_kind_check;
ALTER TABLE treasury_accounts ADD CONSTRAINT treasury_accounts_kind_check CHECK (kind IN
    ('treasury', 'receivable', 'income', 'expense', 'payable', 'exchange', 'fee', 'in_kind',
     'in_kind_use'));
ALTER TABLE treasury_accounts DROP CONSTRAINT treasury_accounts_check;
ALTER TABLE treasury_accounts ADD CONSTRAINT treasury_accounts_sponsor_check
    CHECK ((kind IN ('receivable', 'income', 'in_kind')) = (sponsor_id IS NOT NULL));
ALTER TABLE treasury_accounts ADD CONSTRAINT treasury_accounts_balance_check
    CHECK (balance BETWEEN -9223372036854775807 AND 9223372036854775807);

-- A pledge's due date and, for a recurring pledge, its installment number; a fee names
-- the receipt it was charged on, a refund may name the receipt it returns.
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_kind_check;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_kind_check CHECK (kind IN
    ('pledge', 'receipt', 'expense', 'refund', 'transfer', 'conversion', 'reversal', 'fee',
     'in_kind'));
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_check4;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_sponsor_check
    CHECK (kind NOT IN ('pledge', 'receipt', 'refund', 'in_kind') OR sponsor_id IS NOT NULL);
ALTER TABLE treasury_transactions ADD COLUMN due_on date;
ALTER TABLE treasury_transactions ADD COLUMN installment integer;
ALTER TABLE treasury_transactions ADD COLUMN fee_of bigint;
ALTER TABLE treasury_transactions ADD COLUMN refund_of bigint;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_due_check
    CHECK (due_on IS NULL OR kind = 'pledge');
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_installment_check
    CHECK (installment IS NULL OR (installment >= 1 AND kind = 'pledge'
        AND sponsorship_id IS NOT NULL AND due_on IS NOT NULL));
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_fee_check
    CHECK ((kind = 'fee') = (fee_of IS NOT NULL));
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_fee_of_fkey
    FOREIGN KEY (project_id, fee_of) REFERENCES treasury_transactions;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_refund_check
    CHECK (refund_of IS NULL OR kind = 'refund');
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_refund_of_fkey
    FOREIGN KEY (project_id, refund_of) REFERENCES treasury_transactions;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_installment_key
    UNIQUE (project_id, sponsorship_id, installment);

-- An anonymous sponsor is named only to the project's maintainers.
ALTER TABLE treasury_sponsors ADD COLUMN anonymous boolean NOT NULL DEFAULT false;

-- A recurring pledge stops posting installments due on or after ``effective_on``.
CREATE TABLE treasury_pledge_cancellations (
    project_id     bigint NOT NULL,
    sponsorship_id bigint NOT NULL,
    effective_on   date NOT NULL,
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    actor          text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, sponsorship_id),
    FOREIGN KEY (project_id, sponsorship_id) REFERENCES treasury_sponsorships
);
CREATE TRIGGER treasury_pledge_cancellations_append_only
    BEFORE UPDATE OR DELETE ON treasury_pledge_cancellations
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- A funding goal for the whole project (fund '') or one fund, per currency.
CREATE TABLE treasury_goals (
    project_id  bigint NOT NULL REFERENCES projects,
    fund        text NOT NULL CHECK (length(fund) <= 40),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount      bigint NOT NULL CHECK (amount > 0),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_on   date NOT NULL,
    ends_on     date,
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, fund, currency),
    CHECK (ends_on IS NULL OR starts_on <= ends_on)
);

-- A budget for one expense category over an inclusive range of value dates.
CREATE TABLE treasury_budgets (
    project_id  bigint NOT NULL REFERENCES projects,
    category    text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    amount      bigint NOT NULL CHECK (amount > 0),
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, category, currency, starts_on),
    CHECK (starts_on <= ends_on)
);

-- Exchange rates the treasurer states for reports: units of ``quote`` per unit of
-- ``currency`` on a day, with their source.
CREATE TABLE treasury_rates (
    project_id  bigint NOT NULL REFERENCES projects,
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    quote       text NOT NULL CHECK (quote ~ '^[A-Z]{3}$' AND quote <> currency),
    quoted_on   date NOT NULL,
    rate        numeric NOT NULL CHECK (rate > 0),
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, currency, quote, quoted_on)
);
CREATE TRIGGER treasury_rates_append_only BEFORE UPDATE OR DELETE ON treasury_rates
    FOR EACH ROW EXECUTE FUNCTION commons_refuse_change();

-- An expense a payee submits: draft, then approved (by a passed proposal's approval or a
-- maintainer) and paid, or rejected with a reason. Every step is journaled.
CREATE TABLE treasury_expense_claims (
    project_id       bigint NOT NULL REFERENCES projects,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    state            text NOT NULL CHECK (state IN ('draft', 'approved', 'paid', 'rejected')),
    submitter        text NOT NULL,
    payee            text NOT NULL CHECK (length(payee) BETWEEN 1 AND 200),
    amount           bigint NOT NULL CHECK (amount > 0),
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    category         text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
    fund             text NOT NULL CHECK (length(fund) BETWEEN 1 AND 40),
    purpose          text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
    evidence_url     text NOT NULL,
    approval_id      bigint,
    transaction_id   bigint,
    rejection_reason text CHECK (length(rejection_reason) BETWEEN 1 AND 2000),
    decided_by       text,
    submitted_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, approval_id) REFERENCES treasury_approvals,
    FOREIGN KEY (project_id, transaction_id) REFERENCES treasury_transactions,
    CONSTRAINT treasury_expense_claims_approval_key UNIQUE (project_id, approval_id),
    CHECK ((state IN ('approved', 'paid')) = (approval_id IS NOT NULL)),
    CHECK ((state = 'paid') = (transaction_id IS NOT NULL)),
    CHECK ((state = 'rejected') = (rejection_reason IS NOT NULL)),
    CHECK ((state = 'draft') = (decided_by IS NULL))
);
CREATE INDEX treasury_expense_claims_state ON treasury_expense_claims (project_id, state, id);
"""

DOWNGRADE = """
DROP TABLE treasury_expense_claims, treasury_rates, treasury_budgets, treasury_goals,
    treasury_pledge_cancellations;
ALTER TABLE treasury_sponsors DROP COLUMN anonymous;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_installment_key;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_fee_of_fkey;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_refund_of_fkey;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_refund_check;
ALTER TABLE treasury_transactions DROP COLUMN refund_of;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_fee_check;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_installment_check;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_due_check;
ALTER TABLE treasury_transactions DROP COLUMN fee_of;
ALTER TABLE treasury_transactions DROP COLUMN installment;
ALTER TABLE treasury_transactions DROP COLUMN due_on;
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_sponsor_check;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_check4
    CHECK (kind NOT IN ('pledge', 'receipt', 'refund') OR sponsor_id IS NOT NULL);
ALTER TABLE treasury_transactions DROP CONSTRAINT treasury_transactions_kind_check;
ALTER TABLE treasury_transactions ADD CONSTRAINT treasury_transactions_kind_check CHECK (kind IN
    ('pledge', 'receipt', 'expense', 'refund', 'transfer', 'conversion', 'reversal'));
ALTER TABLE treasury_accounts DROP CONSTRAINT treasury_accounts_balance_check;
ALTER TABLE treasury_accounts DROP CONSTRAINT treasury_accounts_sponsor_check;
ALTER TABLE treasury_accounts ADD CONSTRAINT treasury_accounts_check
    CHECK ((kind IN ('receivable', 'income')) = (sponsor_id IS NOT NULL));
ALTER TABLE treasury_accounts DROP CONSTRAINT treasury_accounts_kind_check;
ALTER TABLE treasury_accounts ADD CONSTRAINT treasury_accounts_kind_check CHECK (kind IN
    ('treasury', 'receivable', 'income', 'expense', 'payable', 'exchange'));
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
