"""Who is asking: the verified claims of a token, and the role checks on them.

Roles: an instance ``admin`` may do anything; per project a ``maintainer`` manages
the project and a ``member`` may act as a participant. Anonymous callers read public
data only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ledger.kernel.errors import Forbidden

Role = Literal["maintainer", "member"]
ROLES: tuple[Role, ...] = ("maintainer", "member")
_RANK = {"member": 1, "maintainer": 2}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller; ``subject`` is empty for anonymous requests. ``pseudonym`` is the
    keyed pseudonym of the subject (``ledger.kernel.pseudonyms``), set by whoever
    verified the token."""

    subject: str = ""
    contributor_id: int | None = None
    admin: bool = False
    roles: dict[str, Role] = field(default_factory=dict)
    pseudonym: str = ""

    @property
    def anonymous(self) -> bool:
        return not self.subject

    @property
    def actor(self) -> str:
        """How the journal names this caller: its contributor number when the token
        names one, else the pseudonym of its subject; never the subject itself (a
        subject may be an email)."""
        if self.contributor_id is not None:
            return f"contributor:{self.contributor_id}"
        if self.pseudonym:
            return f"token:{self.pseudonym}"
        return "token" if self.subject else "anonymous"

    def has(self, project_slug: str, role: Role) -> bool:
        """True if the caller holds ``role`` (or higher) on the project."""
        if self.admin:
            return True
        held = self.roles.get(project_slug)
        return held is not None and _RANK[held] >= _RANK[role]

    def require(self, project_slug: str, role: Role) -> None:
        """Raise Forbidden unless the caller holds ``role`` on the project."""
        if self.anonymous:
            raise Forbidden("authentication required")
        if not self.has(project_slug, role):
            raise Forbidden(f"requires the {role} role on project {project_slug!r}")

    def require_admin(self) -> None:
        """Raise Forbidden unless the caller is an instance admin."""
        if not self.admin:
            raise Forbidden("requires the instance admin role")

    def require_contributor(self) -> int:
        """The caller's contributor id; Forbidden if the token names none."""
        if self.contributor_id is None:
            raise Forbidden("this action needs a token bound to a contributor")
        return self.contributor_id


ANONYMOUS = Principal()
