"""SQL that writes a response's JSON in PostgreSQL, value for value as GraphQL writes it.

An execution plan's statement is built from these, so the database answers the whole
``data`` of an operation in one round trip as one JSON text, which ``orjson`` then
parses and writes compactly: the bytes graphql-core's answer has. Each function
returns a SQL expression of type ``text`` holding one JSON value (``null`` when the
SQL value is NULL):

- ``obj(**fields)``: an object whose keys come in the order given (the selection's);
- ``rows(select, item, order)``: the array of ``item`` for each row ``t`` of a
  subquery, in ``order`` (``[]`` when there is none);
- ``columns(select, *values)``: the rows of a subquery as one JSON array per value
  (``[[...], [...]]``, in the subquery's order), each written by PostgreSQL's own
  array-to-JSON conversion, for Python to zip into objects: a long list of small
  objects costs the database a fraction of writing each object's text;
- ``string``, ``number``, ``boolean``: a SQL value as JSON (strings escaped by
  PostgreSQL's own JSON conversion);
- ``decimal``: a ``numeric`` as the string GraphQL's ``Decimal`` answers (its text,
  which is ``str(Decimal)`` of the value the driver returns at the scales stored here);
- ``instant``: a ``timestamptz`` as Python's ``datetime.isoformat()`` writes the UTC
  datetimes the driver returns (``2024-01-01T10:00:00+00:00``, six fractional digits
  when there are any): what GraphQL's ``DateTime`` answers;
- ``day``: a ``date`` as ``date.isoformat()`` (``2024-01-01``).

The JSON is concatenated text rather than ``json_build_object``'s: the same value for
less of the database's time (a list of 69 months: 40 µs against 85), since nothing is
looked up per value.
"""

from __future__ import annotations

from typing import NewType

Json = NewType("Json", str)
"""A SQL expression of type text holding one JSON value."""

NULL = Json("'null'")


def _or_null(expression: str) -> Json:
    return Json(f"coalesce({expression}, 'null')")


def obj(**fields: Json) -> Json:
    """An object of ``fields`` (key -> JSON expression), keys in the order given."""
    parts = []
    for i, (key, value) in enumerate(fields.items()):
        opening = "{" if i == 0 else ","
        parts.append(f"'{opening}\"{key}\":' || {value}")
    return Json("(" + " || ".join([*parts, "'}'"]) + ")")


def rows(select: str, item: Json, order: str) -> Json:
    """The array of ``item`` over the rows ``t`` of ``select``, ordered by ``order``."""
    return Json(
        f"coalesce((SELECT '[' || string_agg({item}, ',' ORDER BY {order}) || ']' "
        f"FROM ({select}) t), '[]')"
    )


def columns(select: str, *values: str) -> Json:
    """One JSON array per expression of ``values`` over the rows ``t`` of ``select``,
    in its order (dates as ``date.isoformat()``, text as strings, integers as numbers;
    cast a ``numeric`` to text to keep its digits)."""
    arrays = " || ',' || ".join(f"to_json(array_agg({v}))::text" for v in values)
    empty = "[" + ",".join("[]" for _ in values) + "]"
    return Json(f"coalesce((SELECT '[' || {arrays} || ']' FROM ({select}) t), '{empty}')")


def when(condition: str, value: Json) -> Json:
    """``value``, or null where ``condition`` does not hold."""
    return Json(f"(CASE WHEN {condition} THEN {value} ELSE 'null' END)")


def string(expression: str) -> Json:
    """A text value as a JSON string."""
    return _or_null(f"to_json(({expression})::text)::text")


def number(expression: str) -> Json:
    """An integer value as a JSON number."""
    return _or_null(f"({expression})::text")


def boolean(expression: str) -> Json:
    """A boolean value as JSON ``true`` or ``false``."""
    return _or_null(f"({expression})::text")


def decimal(expression: str) -> Json:
    """A ``numeric`` as the JSON string GraphQL's ``Decimal`` answers."""
    return _or_null(f"'\"' || ({expression})::text || '\"'")


def instant(expression: str) -> Json:
    """A ``timestamptz`` as the JSON string ``datetime.isoformat()`` writes in UTC."""
    utc = f"(({expression}) AT TIME ZONE 'UTC')"
    fraction = (
        f"CASE WHEN extract(microseconds FROM {utc})::bigint % 1000000 = 0 THEN '' "
        f"ELSE to_char({utc}, '.US') END"
    )
    return _or_null(
        f"'\"' || to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {fraction} || '+00:00\"'"
    )


def day(expression: str) -> Json:
    """A ``date`` as the JSON string ``date.isoformat()`` writes."""
    return _or_null(f"'\"' || to_char({expression}, 'YYYY-MM-DD') || '\"'")
