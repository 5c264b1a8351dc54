"""GraphQL pieces every domain package shares (Strawberry only, no rules, no SQL).

- ``info``: ``Info`` (the resolver's typed context), ``selects``, ``as_json``.
- ``relay``: ``Node``, ``Connection`` / ``Edge`` / ``PageInfo`` of a keyset page, global ids.
- ``errors``: the ``Error`` interface, the typed errors of mutation unions,
  ``ErrorCode`` and ``mutation_error``.
- ``mutation``: ``run_mutation`` (one connection, one transaction).
- ``ordering``: ``OrderDirection`` of the ``orderBy`` inputs.

The package is named ``ledger.graphql``; absolute imports keep ``graphql`` itself
pointing at graphql-core.
"""

from ledger.graphql.errors import (
    ConflictError,
    Error,
    ErrorCode,
    ForbiddenError,
    MutationError,
    NotFoundError,
    ValidationError,
    mutation_error,
    validation_error,
)
from ledger.graphql.info import Info, as_json, selects
from ledger.graphql.mutation import run_mutation
from ledger.graphql.ordering import OrderDirection
from ledger.graphql.relay import (
    Connection,
    Edge,
    Node,
    PageInfo,
    connection,
    global_id,
    int_key,
    number_of,
    parse_global_id,
)

__all__ = [
    "ConflictError",
    "Connection",
    "Edge",
    "Error",
    "ErrorCode",
    "ForbiddenError",
    "Info",
    "MutationError",
    "Node",
    "NotFoundError",
    "OrderDirection",
    "PageInfo",
    "ValidationError",
    "as_json",
    "connection",
    "global_id",
    "int_key",
    "mutation_error",
    "number_of",
    "parse_global_id",
    "run_mutation",
    "selects",
    "validation_error",
]
