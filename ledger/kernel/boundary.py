"""The one table that turns what the layers below raise (asyncpg, the operating
system) into the package's errors (``ledger.kernel.errors``). Nothing else decides
what an outage, a duplicate or a refused value is.

Every entry point applies it once, where its callers are answered (the way httpx
maps httpcore's exceptions with one ordered mapping): GraphQL queries, mutations and
subscriptions (``app.gql.errors``; ``ledger.graphql.run_mutation`` for the typed
results of mutations), HTTP routes (``app.http_errors``: webhooks, persisted
operations, reports, proofs, CSV), the ``commons`` command (``app.cli``) and the
workers (``intake.worker``, ``governance.closer``).

Rows are tried in order and the first type that matches wins, so a narrower type
comes before its base: the driver's own ``DataError`` (a value it cannot encode) is
an ``InterfaceError`` but the caller's input; ``QueryCanceledError`` (a statement
timeout) is an operator intervention; ``TimeoutError`` and ``ConnectionError`` are
``OSError``. A wrapper that matches no row (SQLAlchemy's, which Alembic raises) is
looked through to its ``__cause__``. An error that matches nothing is a bug, and
callers let it surface as one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base

from ledger.kernel.errors import (
    CommonsError,
    Conflict,
    ConflictCode,
    InvalidInput,
    NotFound,
    Unavailable,
)

Translate = Callable[[BaseException], CommonsError]
_MAX_WRAPPERS = 8


def _constraint(exc: BaseException) -> str:
    return str(getattr(exc, "constraint_name", None) or "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _ours(exc: BaseException) -> CommonsError:
    assert isinstance(exc, CommonsError)
    return exc


def _duplicate(exc: BaseException) -> CommonsError:
    return Conflict(f"already exists ({_constraint(exc)})", ConflictCode.ALREADY_EXISTS)


def _missing(exc: BaseException) -> CommonsError:
    return NotFound(f"a referenced record does not exist ({_constraint(exc)})")


def _rule(exc: BaseException) -> CommonsError:
    return InvalidInput(f"value refused by rule {_constraint(exc) or 'not null'}")


def _value(exc: BaseException) -> CommonsError:
    return InvalidInput(f"value not accepted: {_first_line(exc)}")


def _raced(exc: BaseException) -> CommonsError:
    message = f"a concurrent transaction got in the way ({type(exc).__name__}); retry"
    return Conflict(message, ConflictCode.CONCURRENT_CHANGE)


def _slow(exc: BaseException) -> CommonsError:
    return Unavailable(f"the database did not answer in time ({type(exc).__name__}); retry")


def _busy(exc: BaseException) -> CommonsError:
    return Unavailable(f"the database is out of resources ({type(exc).__name__}); retry")


def _down(exc: BaseException) -> CommonsError:
    return Unavailable(f"the database is unavailable ({type(exc).__name__}); retry")


TABLE: Final[tuple[tuple[type[BaseException], Translate], ...]] = (
    (CommonsError, _ours),
    # a value the driver cannot encode (an integer beyond int64): before InterfaceError
    (asyncpg_base.DataError, _value),
    # SQLSTATE 23: a constraint the stores did not translate themselves
    (asyncpg.UniqueViolationError, _duplicate),
    (asyncpg.ForeignKeyViolationError, _missing),
    (asyncpg.CheckViolationError, _rule),
    (asyncpg.NotNullViolationError, _rule),
    # SQLSTATE 22: a value the server refuses (a NUL in text, a malformed number)
    (asyncpg.DataError, _value),
    # SQLSTATE 40: serialization failure or deadlock; the other transaction won
    (asyncpg.TransactionRollbackError, _raced),
    # SQLSTATE 57014: statement timeout or cancel; before the rest of class 57
    (asyncpg.QueryCanceledError, _slow),
    # SQLSTATE 08: the connection failed or was refused
    (asyncpg.PostgresConnectionError, _down),
    # SQLSTATE 57: shutdown, crash, "the database system is starting up"
    (asyncpg.OperatorInterventionError, _down),
    # SQLSTATE 53: too many connections, disk full, out of memory
    (asyncpg.InsufficientResourcesError, _busy),
    # the driver's connection is closed or was lost mid-query; the pool is closing
    (asyncpg.InterfaceError, _down),
    # pool acquire or command timeout: before OSError, its base
    (TimeoutError, _slow),
    # refused, reset, unreachable, socket gone (ConnectionError and the rest)
    (OSError, _down),
)

# Every type the table knows, for frameworks that dispatch handlers by type.
TYPES: Final[tuple[type[BaseException], ...]] = tuple(kind for kind, _ in TABLE)


def translate(exc: BaseException) -> CommonsError | None:
    """The package's error for ``exc`` by the first row it matches (looking through
    wrappers to their cause); None when nothing matches, i.e. a bug."""
    seen: BaseException | None = exc
    for _ in range(_MAX_WRAPPERS):
        if seen is None:
            return None
        for kind, make in TABLE:
            if isinstance(seen, kind):
                return make(seen)
        seen = seen.__cause__
    return None


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be used right now (retry later)."""
    return isinstance(translate(exc), Unavailable)
