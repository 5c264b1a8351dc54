"""Texts a grant points at: versioned agreement texts (DCO, ICLA, CCLA, inbound=outbound
terms) pinned by SHA-256, and the full texts of a project's own ``LicenseRef-`` licenses.

Both are append-only. A new agreement version takes effect on its date: acceptances of
an older version do not cover contributions made after it (see ``grant_windows``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import asyncpg

from ledger.journal.canonical import sha256, timestamp
from ledger.journal.chain import append_event
from ledger.journal.events.licenses import AgreementPublished, LicenseTextAdded
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.register.models import check_name, check_text
from licenses import spdx
from licenses.models import AGREEMENT_INSTRUMENTS, MAX_TEXT, AgreementText, LicenseText

DCO_TITLE = "Developer Certificate of Origin 1.1"
DCO_EFFECTIVE = datetime(2006, 1, 1, tzinfo=UTC)

_AGREEMENT = """project_id, instrument, version, title, text, sha256, effective_from,
    published_by, created_at"""
_LATEST = f"""
SELECT {_AGREEMENT} FROM agreement_texts WHERE project_id = $1 AND instrument = $2
ORDER BY version DESC LIMIT 1
"""
_VERSION = f"""
SELECT {_AGREEMENT} FROM agreement_texts
WHERE project_id = $1 AND instrument = $2 AND version = $3
"""
_LIST = f"""
SELECT {_AGREEMENT} FROM agreement_texts
WHERE project_id = $1 AND ($2::text IS NULL OR instrument = $2)
ORDER BY instrument, version
"""
_INSERT_AGREEMENT = f"""
INSERT INTO agreement_texts (project_id, instrument, version, title, text, sha256,
    effective_from, published_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_AGREEMENT}
"""
_LICENSE = "project_id, license_ref, name, text, sha256, created_at"
_INSERT_LICENSE = f"""
INSERT INTO license_texts (project_id, license_ref, name, text, sha256)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING {_LICENSE}
"""
_LICENSES = f"SELECT {_LICENSE} FROM license_texts WHERE project_id = $1 ORDER BY license_ref"
_KNOWN_REFS = """
SELECT license_ref FROM license_texts WHERE project_id = $1 AND license_ref = any($2::text[])
"""


def dco_text() -> str:
    """The Developer Certificate of Origin 1.1, verbatim (developercertificate.org)."""
    return resources.files("licenses").joinpath("texts/dco-1.1.txt").read_text("utf-8")


def _agreement(row: asyncpg.Record) -> AgreementText:
    return AgreementText(
        row["project_id"],
        row["instrument"],
        row["version"],
        row["title"],
        row["text"],
        bytes(row["sha256"]),
        row["effective_from"],
        row["published_by"],
        row["created_at"],
    )


def _license(row: asyncpg.Record) -> LicenseText:
    return LicenseText(
        row["project_id"],
        row["license_ref"],
        row["name"],
        row["text"],
        bytes(row["sha256"]),
        row["created_at"],
    )


async def publish_agreement(
    conn: asyncpg.Connection,
    project_id: int,
    instrument: str,
    title: str,
    text: str,
    effective_from: datetime,
    actor: str,
) -> AgreementText:
    """Publish the next version of an agreement text and journal its hash."""
    if instrument not in AGREEMENT_INSTRUMENTS:
        raise InvalidInput(
            f"instrument must be one of {', '.join(AGREEMENT_INSTRUMENTS)}", "instrument"
        )
    title = check_name(title, "title")
    check_text(text, "text", MAX_TEXT)
    if effective_from.tzinfo is None:
        raise InvalidInput("effectiveFrom needs a time zone", "effectiveFrom")
    latest = await latest_agreement(conn, project_id, instrument)
    if latest is not None and effective_from < await conn.fetchval("SELECT now()"):
        raise InvalidInput(
            "a new version takes effect now or later: acceptances of the old one keep "
            "covering work already made",
            "effectiveFrom",
        )
    if latest is not None and effective_from <= latest.effective_from:
        raise InvalidInput(
            f"effectiveFrom must be after version {latest.version}'s "
            f"({timestamp(latest.effective_from)})",
            "effectiveFrom",
        )
    version = latest.version + 1 if latest else 1
    digest = sha256(text.encode())
    try:
        async with conn.transaction():
            row = await conn.fetchrow(
                _INSERT_AGREEMENT,
                project_id,
                instrument,
                version,
                title,
                text,
                digest,
                effective_from,
                actor,
            )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "agreement_texts_same_text":
            raise Conflict(
                "this text was already published for this instrument",
                ConflictCode.ALREADY_EXISTS,
            ) from None
        raise Conflict(
            f"version {version} was published concurrently", ConflictCode.CONCURRENT_CHANGE
        ) from None
    agreement = _agreement(row)
    event = AgreementPublished(
        instrument=instrument,
        version=version,
        title=title,
        sha256=digest.hex(),
        effective_from=timestamp(effective_from),
    )
    await append_event(conn, project_id, event, actor)
    return agreement


async def latest_agreement(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, instrument: str
) -> AgreementText | None:
    """The newest version of an agreement, or None."""
    row = await conn.fetchrow(_LATEST, project_id, instrument)
    return _agreement(row) if row else None


async def agreement_version(
    conn: asyncpg.Connection, project_id: int, instrument: str, version: int | None
) -> AgreementText:
    """A given version (the newest when None); NotFound when there is none."""
    if version is None:
        found = await latest_agreement(conn, project_id, instrument)
    else:
        row = await conn.fetchrow(_VERSION, project_id, instrument, version)
        found = _agreement(row) if row else None
    if found is None:
        which = f"version {version}" if version else "any version"
        raise NotFound(f"no {instrument} agreement text ({which}) is published")
    return found


async def list_agreements(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, instrument: str | None
) -> list[AgreementText]:
    """Every published agreement text, by instrument and version."""
    return [_agreement(r) for r in await conn.fetch(_LIST, project_id, instrument)]


async def ensure_dco(conn: asyncpg.Connection, project_id: int, actor: str) -> AgreementText:
    """The project's newest DCO text, publishing DCO 1.1 as version 1 when none is."""
    found = await latest_agreement(conn, project_id, "dco")
    if found is not None:
        return found
    return await publish_agreement(
        conn, project_id, "dco", DCO_TITLE, dco_text(), DCO_EFFECTIVE, actor
    )


async def add_license_text(
    conn: asyncpg.Connection, project_id: int, license_ref: str, name: str, text: str, actor: str
) -> LicenseText:
    """Store the text of a project's ``LicenseRef-`` license and journal its hash."""
    if not spdx.LICENSE_REF.match(license_ref) or len(license_ref) > 111:
        raise InvalidInput("licenseRef must look like LicenseRef-[A-Za-z0-9.-]+", "licenseRef")
    name = check_name(name)
    check_text(text, "text", MAX_TEXT)
    digest = sha256(text.encode())
    row = await conn.fetchrow(_INSERT_LICENSE, project_id, license_ref, name, text, digest)
    if row is None:
        raise Conflict(
            f"{license_ref} already has a text (texts never change)", ConflictCode.ALREADY_EXISTS
        )
    event = LicenseTextAdded(license_ref=license_ref, name=name, sha256=digest.hex())
    await append_event(conn, project_id, event, actor)
    return _license(row)


async def list_license_texts(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[LicenseText]:
    """The project's custom license texts, by reference."""
    return [_license(r) for r in await conn.fetch(_LICENSES, project_id)]


async def check_license(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, expression: str
) -> str:
    """Normalise ``expression``; InvalidInput when it names a LicenseRef- without text."""
    normalized = spdx.normalize(expression)
    refs = spdx.license_refs(normalized)
    if refs:
        known = {r["license_ref"] for r in await conn.fetch(_KNOWN_REFS, project_id, list(refs))}
        missing = sorted(refs - known)
        if missing:
            raise InvalidInput(
                f"{missing[0]} has no license text in this project; add it first",
                "licenseExpression",
            )
    return normalized


def now() -> datetime:
    """The current instant (UTC)."""
    return datetime.now(UTC)
