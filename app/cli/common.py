"""What every ``commons`` command shares: settings from the environment, the
database to use, and the group that answers their errors."""

from __future__ import annotations

import os
from typing import Any

import click

from app import database
from app.settings import Settings, SettingsError
from ledger.kernel.boundary import translate
from ledger.kernel.errors import Unavailable


def settings_or_exit() -> Settings:
    """Settings from the environment; a clear message and exit 2 when invalid."""
    try:
        return Settings.from_env(os.environ)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def database_url() -> str:
    """The configured database, starting the embedded one when none is set."""
    settings_or_exit()
    return database.database_url(os.environ)


class Failed(click.ClickException):
    """A command ended by an error the package expects: its message, and exit 1."""

    exit_code = 1


class TryLater(Failed):
    """The database is unavailable: exit 75 (``EX_TEMPFAIL``), the command may be retried."""

    exit_code = 75


class Commons(click.Group):
    """The ``commons`` group: the CLI's error boundary. Whatever a command raises is
    answered by the kernel's table (``ledger.kernel.boundary``) with a one-line
    message; only what the table does not know shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            raise (TryLater if isinstance(error, Unavailable) else Failed)(error.message) from None
