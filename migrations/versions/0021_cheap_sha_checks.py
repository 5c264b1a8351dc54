"""Commit shas checked by length and an unbounded character class instead of a bounded
repetition.

``commit_sha ~ '^[0-9a-f]{7,64}$'`` costs PostgreSQL's regular-expression engine about
10 us per row: it expands the bounded repetition into a 64-state automaton. Every DCO
grant a history import writes (9,113 of them in 30,000 commits) paid it, about as much
as all the grant's other checks and indexes together. ``length(...) BETWEEN 7 AND 64
AND ... ~ '^[0-9a-f]+$'`` accepts exactly the same strings (``$`` is the end of the
text in PostgreSQL's regular expressions, never before a final newline) for about
0.5 us. The same holds for ``git_skipped_commits.sha``. Existing rows passed the old
check, so they pass the new one; the constraints keep their names.

Revision ID: 0021
Revises: 0020
"""

import sqlparse
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_CHECKS = (
    ("grants", "grants_commit_sha_check", "commit_sha"),
    ("git_skipped_commits", "git_skipped_commits_sha_check", "sha"),
)


def _script(check: str) -> str:
    return "".join(
        f"ALTER TABLE {table} DROP CONSTRAINT {name};\n"
        f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check.format(column=column)});\n"
        for table, name, column in _CHECKS
    )


UPGRADE = _script("length({column}) BETWEEN 7 AND 64 AND {column} ~ '^[0-9a-f]+$'")
DOWNGRADE = _script("{column} ~ '^[0-9a-f]{{7,64}}$'")


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
