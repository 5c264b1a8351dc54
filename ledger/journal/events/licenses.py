"""Events of licensing: agreement texts, license texts, grants (recorded, extended,
withdrawn) and trademark notices (written by ``licenses``)."""

from __future__ import annotations

from typing import Literal

from ledger.journal.events.base import Event, Sha256, Timestamp


class AgreementPublished(Event, frozen=True, kw_only=True):
    """A version of a contributor agreement (DCO, ICLA, CCLA...) was published by hash."""

    TYPE = "agreement.published"
    VERSION = 1
    instrument: str
    version: int
    title: str
    sha256: Sha256
    effective_from: Timestamp


class LicenseTextAdded(Event, frozen=True, kw_only=True):
    """The text of a project's own ``LicenseRef-`` license, by hash."""

    TYPE = "license_text.added"
    VERSION = 1
    license_ref: str
    name: str
    sha256: Sha256


class GrantRecorded(Event, frozen=True, kw_only=True):
    """A license grant to the commons: never exclusive, ownership retained, trademarks
    excluded. ``scope`` is the listed contributions or everything from ``scope_from``;
    ``authorisations`` counts who signed for an organisation (private evidence is not
    published)."""

    TYPE = "grant.recorded"
    VERSION = 1
    grant_id: int
    instrument: str
    grantor_contributor_id: int | None
    grantor_organisation_id: int | None
    grantee: str
    agreement_version: int | None
    text_sha256: Sha256 | None
    license_expression: str | None
    rights: tuple[str, ...]
    patent_grant: bool
    irrevocable: bool
    royalty_free: bool
    exclusive: Literal[False]
    ownership_retained: Literal[True]
    trademark_excluded: Literal[True]
    scope: Literal["contributions", "from_date"]
    scope_from: Timestamp | None
    contribution_ids: tuple[int, ...]
    authorisations: int
    commit: str | None
    signature_method: str | None
    effective_at: Timestamp


class GrantExtended(Event, frozen=True, kw_only=True):
    """An existing grant (a DCO sign-off seen again) now also covers these contributions."""

    TYPE = "grant.extended"
    VERSION = 1
    grant_id: int
    contribution_ids: tuple[int, ...]


class GrantWithdrawn(Event, frozen=True, kw_only=True):
    """A grant stops covering contributions made from ``withdrawn_at``."""

    TYPE = "grant.withdrawn"
    VERSION = 1
    grant_id: int
    withdrawn_at: Timestamp
    reason: str


class TrademarkNoticeSet(Event, frozen=True, kw_only=True):
    """The owner, notice and policy of one of the project's marks."""

    TYPE = "trademark.notice_set"
    VERSION = 1
    mark: str
    owner: str
    notice: str
    policy_url: str | None


EVENTS: tuple[type[Event], ...] = (
    AgreementPublished,
    LicenseTextAdded,
    GrantRecorded,
    GrantExtended,
    GrantWithdrawn,
    TrademarkNoticeSet,
)
