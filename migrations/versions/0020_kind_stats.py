"""A project's counted contributions and credit per kind as a rollup, and its people
in the order an overview lists them.

``kind_stats`` holds, per project and kind, what ``kind_month_stats`` holds summed over
the months: an overview's work by kind reads a row per kind instead of summing a row
per month and kind. It is kept in the same statements as the other rollups (every
write's tally, a bot mark's recount) and rebuilt by the project's recount; filled
here from ``kind_month_stats``.

``contributor_stats_by_credit`` is the overview's order of people (credit, then the
later number first): ``contributor_stats_rank`` breaks ties the other way, so the top
ten were found by sorting every standing of the project (20,000 of them: 9 ms).

Revision ID: 0020
Revises: 0018
"""

import sqlparse
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE TABLE kind_stats (
    project_id    bigint NOT NULL REFERENCES projects,
    kind          text NOT NULL,
    contributions bigint NOT NULL,
    credit        numeric(20, 4) NOT NULL,
    PRIMARY KEY (project_id, kind)
);
INSERT INTO kind_stats
SELECT project_id, kind, sum(contributions), sum(credit) FROM kind_month_stats
GROUP BY 1, 2 HAVING sum(contributions) <> 0;

CREATE INDEX contributor_stats_by_credit
    ON contributor_stats (project_id, credit DESC, contributor_id DESC);
"""

DOWNGRADE = r"""
DROP INDEX contributor_stats_by_credit;
DROP TABLE kind_stats;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
