"""Ordering inputs shared by every connection that offers more than one order."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Which way a list is ordered.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"

    @property
    def descending(self) -> bool:
        return self is OrderDirection.DESC
