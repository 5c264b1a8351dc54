"""The boundary's table: what each driver or OS error becomes, in the table's order
(narrow types before their bases), looking through wrappers, and nothing for a bug."""

from __future__ import annotations

import asyncpg
import pytest
from asyncpg.exceptions import _base as asyncpg_base

from ledger.kernel.boundary import TABLE, TYPES, is_outage, translate
from ledger.kernel.errors import (
    CommonsError,
    Conflict,
    ConflictCode,
    Forbidden,
    InvalidInput,
    NotFound,
    Unavailable,
)


def server(sqlstate: str, message: str = "refused", constraint: str = "") -> BaseException:
    """The error asyncpg raises for a server message with this SQLSTATE."""
    fields = {"C": sqlstate, "M": message, **({"n": constraint} if constraint else {})}
    error: BaseException = asyncpg.PostgresError.new(fields)
    return error


def answer(exc: BaseException) -> tuple[type[CommonsError], str, str]:
    error = translate(exc)
    assert error is not None, exc
    return type(error), error.message, str(error.code)


DOWN = "the database is unavailable ({}); retry"
SLOW = "the database did not answer in time ({}); retry"


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (
            server("23505", constraint="projects_slug_key"),
            (Conflict, "already exists (projects_slug_key)", "already_exists"),
        ),
        (
            server("23503", constraint="grants_contribution_fk"),
            (NotFound, "a referenced record does not exist (grants_contribution_fk)", "not_found"),
        ),
        (
            server("23514", constraint="money_positive"),
            (InvalidInput, "value refused by rule money_positive", "invalid_input"),
        ),
        (server("23502"), (InvalidInput, "value refused by rule not null", "invalid_input")),
        (
            server("22021", 'invalid byte sequence for encoding "UTF8": 0x00\nDETAIL: more'),
            (
                InvalidInput,
                'value not accepted: invalid byte sequence for encoding "UTF8": 0x00',
                "invalid_input",
            ),
        ),
        (
            asyncpg_base.DataError("invalid input for query argument $1 (out of int64 range)"),
            (
                InvalidInput,
                "value not accepted: invalid input for query argument $1 (out of int64 range)",
                "invalid_input",
            ),
        ),
        (
            server("40001"),
            (
                Conflict,
                "a concurrent transaction got in the way (SerializationError); retry",
                "concurrent_change",
            ),
        ),
        (
            server("40P01"),
            (
                Conflict,
                "a concurrent transaction got in the way (DeadlockDetectedError); retry",
                "concurrent_change",
            ),
        ),
        (server("57014"), (Unavailable, SLOW.format("QueryCanceledError"), "unavailable")),
        (server("57P01"), (Unavailable, DOWN.format("AdminShutdownError"), "unavailable")),
        (server("57P03"), (Unavailable, DOWN.format("CannotConnectNowError"), "unavailable")),
        (server("08006"), (Unavailable, DOWN.format("ConnectionFailureError"), "unavailable")),
        (
            server("53300"),
            (
                Unavailable,
                "the database is out of resources (TooManyConnectionsError); retry",
                "unavailable",
            ),
        ),
        (
            asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
            (Unavailable, DOWN.format("ConnectionDoesNotExistError"), "unavailable"),
        ),
        (
            asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
            (Unavailable, DOWN.format("InterfaceError"), "unavailable"),
        ),
        (TimeoutError(), (Unavailable, SLOW.format("TimeoutError"), "unavailable")),
        (
            ConnectionRefusedError(111, "refused"),
            (Unavailable, DOWN.format("ConnectionRefusedError"), "unavailable"),
        ),
        (
            FileNotFoundError(2, "no socket"),
            (Unavailable, DOWN.format("FileNotFoundError"), "unavailable"),
        ),
    ],
)
def test_each_error_of_the_layers_below_becomes_one_of_ours(
    raised: BaseException, expected: tuple[type[CommonsError], str, str]
) -> None:
    assert answer(raised) == expected


def test_our_own_errors_pass_unchanged() -> None:
    for error in (
        Forbidden("no"),
        Conflict("taken", ConflictCode.ALREADY_EXISTS),
        Unavailable("x"),
    ):
        assert translate(error) is error


def test_a_wrapper_is_looked_through_to_its_cause() -> None:
    wrapper = RuntimeError("(sqlalchemy) connection failed")
    wrapper.__cause__ = ConnectionResetError(104, "reset by peer")
    assert answer(wrapper) == (Unavailable, DOWN.format("ConnectionResetError"), "unavailable")


def test_a_bug_is_nothing_the_table_knows() -> None:
    assert translate(KeyError("slug")) is None
    assert translate(server("42P01", 'relation "project_stats" does not exist')) is None
    assert translate(ValueError("bad")) is None


def test_only_unavailable_counts_as_an_outage() -> None:
    assert is_outage(OSError(113, "no route to host"))
    assert is_outage(server("57P01"))
    assert not is_outage(server("23505"))
    assert not is_outage(asyncpg_base.DataError("value out of range"))
    assert not is_outage(KeyError("x"))


def test_no_row_is_hidden_behind_an_earlier_broader_one() -> None:
    for position, (kind, _) in enumerate(TABLE):
        earlier = [k for k, _ in TABLE[:position] if issubclass(kind, k)]
        assert earlier == [], f"{kind.__name__} is caught by {earlier} first"
    assert len(set(TYPES)) == len(TYPES)
