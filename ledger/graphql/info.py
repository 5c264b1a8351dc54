"""The resolver's ``Info`` (typed with the shared context) and selection helpers."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from ledger.kernel.context import Context

Info = strawberry.Info[Context, None]
"""What every resolver of every package receives."""


def selects(info: strawberry.Info[Any, Any], name: str) -> bool:
    """Whether the current field's selection asks for ``name`` (through fragments too),
    so a resolver can skip work, like a count, nobody reads."""
    pending: list[Any] = list(info.selected_fields)
    while pending:
        selection = pending.pop()
        for child in getattr(selection, "selections", ()):
            if isinstance(child, SelectedField) and child.name == name:
                return True
            pending.append(child)
    return False


def as_json(value: Any) -> JSON:
    """A JSON-compatible value typed as the JSON scalar."""
    return cast(JSON, value)
