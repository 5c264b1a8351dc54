"""What every ``commons`` command shares: settings from the environment and the
database to use."""

from __future__ import annotations

import os

import click

from app import database
from app.settings import Settings, SettingsError


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
