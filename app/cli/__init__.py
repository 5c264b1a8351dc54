"""The ``commons`` command: one module per command group, each registered here with
``add_command`` (no module imports this one back). ``Commons`` answers every
command's errors in one place."""

from __future__ import annotations

import click

from app.cli import (
    core,
    governance,
    history,
    intake,
    journal,
    licenses,
    reports,
    sources,
    treasury,
)
from app.cli.common import Commons


@click.group(cls=Commons)
def main() -> None:
    """Commons Ledger: verifiable records of an open project's work, money, licenses and votes."""


@click.group(name="import")
def import_group() -> None:
    """Bring existing history in (git history, wiki dumps, records files, REUSE/SPDX
    headers)."""


@click.group(name="export")
def export_group() -> None:
    """Write records out as files (CSV, JSON Lines)."""


import_group.add_command(history.import_git)
import_group.add_command(sources.import_mediawiki)
import_group.add_command(sources.import_records)
import_group.add_command(licenses.import_reuse)
export_group.add_command(treasury.export_transactions)
export_group.add_command(journal.export_journal)

for command in (
    core.serve,
    core.migrate,
    core.token,
    core.verify,
    core.schema,
    import_group,
    export_group,
    intake.forge,
    intake.worker,
    intake.inbox,
    intake.erase,
    history.intake_policy,
    sources.wiki,
    reports.report,
    reports.demo,
    governance.governance,
    journal.witness,
):
    main.add_command(command)
