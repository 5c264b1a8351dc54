"""What every ``commons`` command shares: settings from the environment, the
database to use, and the group that answers their errors."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
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


T = TypeVar("T")


def run_until_signalled(work: Callable[[asyncpg.Pool], Awaitable[T]]) -> tuple[T | None, int]:
    """Run ``work`` with a pool on the configured (migrated) database; SIGINT, SIGTERM
    or SIGHUP cancels it at its next await (its open transaction rolls back, its
    subprocesses are stopped) and returns (None, the signal number) instead of its
    result."""
    url = database_url()
    received: list[int] = []

    async def go() -> T | None:
        await database.ensure_migrated(url)
        pool = await database.create_pool(url, min_size=1, max_size=4)
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(work(pool))

        def stop(number: int) -> None:
            received.append(number)
            task.cancel()

        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(number, stop, number)
        try:
            return await task
        except (asyncio.CancelledError, Exception):
            # A signal to the whole group also stops git or a dump's parsers: either way.
            if not received:
                raise
            return None
        finally:
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(number)
            await pool.close()

    result = asyncio.run(go())
    return result, received[0] if received else 0
