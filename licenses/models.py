"""Records of the license register and the pure rules that validate them (no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from ledger.kernel.errors import InvalidInput

Instrument = Literal["dco", "icla", "ccla", "inbound_outbound", "explicit"]
INSTRUMENTS: tuple[Instrument, ...] = ("dco", "icla", "ccla", "inbound_outbound", "explicit")
AGREEMENT_INSTRUMENTS: tuple[Instrument, ...] = ("dco", "icla", "ccla", "inbound_outbound")
RIGHTS: tuple[str, ...] = ("reproduce", "modify", "distribute", "sublicense", "perform_display")
GRANTEES: tuple[str, ...] = ("steward", "public")
SCOPES: tuple[str, ...] = ("contributions", "from_date")
AUTHORISATION_KINDS: tuple[str, ...] = ("contributor", "email_domain", "membership")
# What the open source license indicated in the file allows everyone; a DCO sign-off
# grants no right to sublicense (GPL-2.0 section 4 forbids it, for one).
DCO_RIGHTS: tuple[str, ...] = ("reproduce", "modify", "distribute", "perform_display")
# Instruments a person signs (never an organisation).
PERSONAL_INSTRUMENTS: tuple[str, ...] = ("dco", "icla", "inbound_outbound")
MAX_LISTED = 1000
MAX_TEXT = 1_000_000  # characters of an agreement or license text
MAX_AUTHORISATIONS = 100

_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True, slots=True)
class LicenseText:
    project_id: int
    license_ref: str
    name: str
    text: str
    sha256: bytes
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AgreementText:
    project_id: int
    instrument: str
    version: int
    title: str
    text: str
    sha256: bytes
    effective_from: datetime
    published_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Authorisation:
    """Whom a corporate CLA covers: one contributor, an email domain, or members."""

    kind: str
    contributor_id: int | None = None
    email_domain: str | None = None


@dataclass(frozen=True, slots=True)
class NewGrant:
    """A grant to record; ``natural_key`` makes recording it idempotent.

    Scope: either ``contribution_ids`` (listed) or ``scope_from`` (all the grantor's
    work from that instant). ``agreement_version`` None means the newest text."""

    natural_key: str
    instrument: str
    grantee: str
    license_expression: str | None
    rights: tuple[str, ...]
    patent_grant: bool
    irrevocable: bool
    royalty_free: bool
    effective_at: datetime
    grantor_contributor_id: int | None = None
    grantor_organisation_id: int | None = None
    agreement_version: int | None = None
    scope_from: datetime | None = None
    contribution_ids: tuple[int, ...] = ()
    authorisations: tuple[Authorisation, ...] = ()
    commit_sha: str | None = None
    signature_method: str | None = None
    delivery_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def validated(self) -> NewGrant:
        """This grant with its shape checked for its instrument, and its rights, commit
        and authorisations in canonical form; InvalidInput names the first bad field."""
        instrument = check_instrument(self.instrument)
        if self.grantee not in GRANTEES:
            raise InvalidInput(f"grantee must be one of {', '.join(GRANTEES)}", "grantee")
        _check_scope(self.scope_from, self.contribution_ids)
        _check_grantor(self, instrument)
        for name, limit in (("signature_method", 100), ("delivery_id", 100)):
            value = getattr(self, name)
            if value is not None and not 1 <= len(value) <= limit:
                raise InvalidInput(f"{name} must be 1 to {limit} characters", name)
        if instrument == "explicit" and self.agreement_version is not None:
            raise InvalidInput("an explicit grant accepts no agreement text", "agreementVersion")
        if self.effective_at.tzinfo is None:
            raise InvalidInput("effectiveAt needs a time zone", "effectiveAt")
        return replace(
            self,
            rights=check_rights(self.rights),
            commit_sha=check_commit(self.commit_sha),
            authorisations=tuple(check_authorisation(a) for a in self.authorisations),
        )


def _check_scope(scope_from: datetime | None, listed: tuple[int, ...]) -> None:
    if scope_from is not None and scope_from.tzinfo is None:
        raise InvalidInput("scopeFrom needs a time zone", "scopeFrom")
    if (scope_from is None) == (not listed):
        raise InvalidInput("give either contributions or scopeFrom", "scopeFrom")
    if len(listed) > MAX_LISTED or len(set(listed)) != len(listed):
        raise InvalidInput(f"at most {MAX_LISTED} distinct contributions", "contributions")


def _check_grantor(grant: NewGrant, instrument: str) -> None:
    """Who may grant by which instrument, and whom a corporate CLA authorises."""
    if len(grant.authorisations) > MAX_AUTHORISATIONS:
        raise InvalidInput(f"at most {MAX_AUTHORISATIONS} authorisations", "authorisations")
    person, organisation = grant.grantor_contributor_id, grant.grantor_organisation_id
    if instrument == "ccla":
        if organisation is None or person is not None:
            raise InvalidInput(
                "a corporate CLA is granted by an organisation", "grantorOrganisation"
            )
        if grant.scope_from is not None and not grant.authorisations:
            raise InvalidInput("a corporate CLA authorises someone", "authorisations")
    elif grant.authorisations:
        raise InvalidInput("only a corporate CLA authorises contributors", "authorisations")
    if (person is None) == (organisation is None):
        raise InvalidInput(
            "name one grantor: a contributor or an organisation", "grantorContributor"
        )
    if instrument in PERSONAL_INSTRUMENTS and person is None:
        raise InvalidInput(f"a {instrument} grant is made by a contributor", "grantorContributor")


def default_rights(instrument: str) -> tuple[str, ...]:
    """The rights a grant gives when it names none: all five, but no sublicensing
    by a DCO sign-off."""
    return DCO_RIGHTS if instrument == "dco" else RIGHTS


@dataclass(frozen=True, slots=True)
class Grant:
    project_id: int
    id: int
    natural_key: str
    grantor_contributor_id: int | None
    grantor_organisation_id: int | None
    grantee: str
    instrument: str
    agreement_version: int | None
    text_sha256: bytes | None
    license_expression: str | None
    rights: list[str]
    patent_grant: bool
    irrevocable: bool
    royalty_free: bool
    exclusive: bool
    ownership_retained: bool
    trademark_excluded: bool
    scope: str
    scope_from: datetime | None
    commit_sha: str | None
    signature_method: str | None
    delivery_id: str | None
    effective_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    recorded_at: datetime
    covers_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class TrademarkNotice:
    project_id: int
    mark: str
    owner: str
    notice: str
    policy_url: str | None
    updated_at: datetime


def check_instrument(value: str, allowed: tuple[str, ...] = INSTRUMENTS) -> str:
    """One of the instruments (dco, icla, ccla, inbound_outbound, explicit)."""
    if value not in allowed:
        raise InvalidInput(f"instrument must be one of {', '.join(allowed)}", "instrument")
    return value


def check_rights(rights: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A non-empty set of rights from RIGHTS, in canonical order."""
    unknown = sorted(set(rights) - set(RIGHTS))
    if unknown:
        raise InvalidInput(f"unknown right {unknown[0]!r}", "rights")
    if not rights:
        raise InvalidInput("a grant names at least one right", "rights")
    return tuple(r for r in RIGHTS if r in rights)


def check_domain(value: str) -> str:
    """A lower-case DNS domain such as ``example.com``."""
    domain = value.strip().lower().removeprefix("@")
    if not _DOMAIN.match(domain) or len(domain) > 253:
        raise InvalidInput(f"{value!r} is not an email domain", "authorisations")
    return domain


def check_commit(value: str | None) -> str | None:
    """A hex commit id (7 to 64 characters), lower-cased."""
    if value is None:
        return None
    sha = value.strip().lower()
    if not _SHA.match(sha):
        raise InvalidInput("commit must be a hex object id", "commit")
    return sha


def check_authorisation(item: Authorisation) -> Authorisation:
    """A well-formed CCLA authorisation (the kind names which value it carries)."""
    if item.kind not in AUTHORISATION_KINDS:
        raise InvalidInput(
            f"authorisation kind must be one of {', '.join(AUTHORISATION_KINDS)}",
            "authorisations",
        )
    if (item.kind == "contributor") != (item.contributor_id is not None):
        raise InvalidInput("a contributor authorisation names the contributor", "authorisations")
    if item.kind == "email_domain":
        return Authorisation("email_domain", None, check_domain(item.email_domain or ""))
    if item.email_domain is not None:
        raise InvalidInput("only an email_domain authorisation names a domain", "authorisations")
    return item
