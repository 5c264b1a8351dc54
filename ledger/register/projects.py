"""Projects: create, update, read. Creating one starts its journal and credit policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from ledger.journal.chain import append_event, start_chain
from ledger.journal.events import decode
from ledger.journal.events.register import (
    KindDefined,
    ProjectCreated,
    ProjectSettingsChanged,
    ProjectUpdated,
)
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.register.credit import DEFAULT_WEIGHT, set_policy
from ledger.register.models import Project, check_name, check_new_kind, check_slug, check_url

_COLUMNS = """id, slug, name, description, homepage, repositories, outbound_license,
    trademark_notice, settings, created_at"""
_BY_SLUG = f"SELECT {_COLUMNS} FROM projects WHERE slug = $1"
_BY_IDS = f"SELECT {_COLUMNS} FROM projects WHERE id = any($1::bigint[])"
_INSERT = f"""
INSERT INTO projects (slug, name, description, homepage, repositories, outbound_license,
    trademark_notice, settings)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}
"""
_PAGE = f"""
SELECT {_COLUMNS} FROM projects WHERE ($1::bigint IS NULL OR id > $1) ORDER BY id LIMIT $2
"""
_COUNT = "SELECT count(*) FROM projects"
_KINDS = "SELECT kind FROM project_kinds WHERE project_id = $1"

EDITABLE = (
    "name",
    "description",
    "homepage",
    "repositories",
    "outbound_license",
    "trademark_notice",
)


@dataclass(frozen=True, slots=True)
class ProjectInput:
    """Fields of a new project (validated by ``validated``)."""

    slug: str
    name: str
    description: str = ""
    homepage: str | None = None
    repositories: tuple[str, ...] = ()
    outbound_license: str | None = None
    trademark_notice: str | None = None

    def validated(self) -> ProjectInput:
        """This input with each field checked; InvalidInput names the first bad field."""
        if len(self.description) > 10_000:
            raise InvalidInput("description is at most 10000 characters", "description")
        return ProjectInput(
            check_slug(self.slug),
            check_name(self.name),
            self.description,
            check_url(self.homepage, "homepage"),
            check_repositories(self.repositories),
            self.outbound_license,
            self.trademark_notice,
        )


def check_repositories(repositories: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Forge repository URLs: at most 50, each an http(s) URL."""
    if len(repositories) > 50:
        raise InvalidInput("at most 50 repositories", "repositories")
    return tuple(check_url(r, "repositories") or "" for r in repositories)


def _project(row: asyncpg.Record) -> Project:
    return Project(
        row["id"],
        row["slug"],
        row["name"],
        row["description"],
        row["homepage"],
        list(row["repositories"]),
        row["outbound_license"],
        row["trademark_notice"],
        row["settings"],
        row["created_at"],
    )


def _public(project: Project) -> ProjectCreated:
    return ProjectCreated(
        slug=project.slug,
        name=project.name,
        description=project.description,
        homepage=project.homepage,
        repositories=tuple(project.repositories),
        outbound_license=project.outbound_license,
        trademark_notice=project.trademark_notice,
    )


async def create_project(conn: asyncpg.Connection, data: ProjectInput, actor: str) -> Project:
    """Insert a project, start its chain and policy v1, journal it (caller's transaction)."""
    data = data.validated()
    try:
        async with conn.transaction():
            row = await conn.fetchrow(
                _INSERT,
                data.slug,
                data.name,
                data.description,
                data.homepage,
                list(data.repositories),
                data.outbound_license,
                data.trademark_notice,
                {},
            )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            f"a project with slug {data.slug!r} already exists", ConflictCode.ALREADY_EXISTS
        ) from None
    project = _project(row)
    await start_chain(conn, project.id)
    await conn.execute("INSERT INTO project_stats (project_id) VALUES ($1)", project.id)
    await append_event(conn, project.id, _public(project), actor)
    await set_policy(conn, project.id, {}, DEFAULT_WEIGHT, "initial policy", actor)
    return project


async def update_project(
    conn: asyncpg.Connection, project: Project, changes: dict[str, Any], actor: str
) -> Project:
    """Apply validated ``changes`` (keys from EDITABLE) and journal the new values."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot change {sorted(unknown)}", sorted(unknown)[0])
    if not changes:
        return project
    assignments = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(changes))
    row = await conn.fetchrow(
        f"UPDATE projects SET {assignments} WHERE id = $1 RETURNING {_COLUMNS}",
        project.id,
        *changes.values(),
    )
    updated = _project(row)
    public = _public(updated)
    event = ProjectUpdated(**{k: getattr(public, k) for k in changes})
    await append_event(conn, project.id, event, actor)
    return updated


async def update_settings(
    conn: asyncpg.Connection, project: Project, key: str, value: Any, actor: str
) -> Project:
    """Set one project setting (policy switches owned by other packages) and journal it;
    a key the journal's catalogue does not know is refused first (MalformedEvent)."""
    event = decode(ProjectSettingsChanged, {key: value})
    row = await conn.fetchrow(
        f"UPDATE projects SET settings = settings || jsonb_build_object($2::text, $3::jsonb) "
        f"WHERE id = $1 RETURNING {_COLUMNS}",
        project.id,
        key,
        value,
    )
    await append_event(conn, project.id, event, actor)
    return _project(row)


async def get_project(conn: asyncpg.Connection | asyncpg.Pool, slug: str) -> Project:
    """The project with ``slug``; NotFound otherwise."""
    row = await conn.fetchrow(_BY_SLUG, slug)
    if row is None:
        raise NotFound(f"no project {slug!r}")
    return _project(row)


async def find_project(conn: asyncpg.Connection | asyncpg.Pool, slug: str) -> Project | None:
    """The project with ``slug``, or None."""
    row = await conn.fetchrow(_BY_SLUG, slug)
    return _project(row) if row else None


async def load_projects(pool: asyncpg.Pool, ids: list[int]) -> list[Project | None]:
    """Batch lookup by id, in key order."""
    rows = {r["id"]: _project(r) for r in await pool.fetch(_BY_IDS, ids)}
    return [rows.get(i) for i in ids]


async def list_projects(
    conn: asyncpg.Connection | asyncpg.Pool, after_id: int | None, limit: int
) -> tuple[list[Project], int]:
    """Projects by id after ``after_id`` (keyset), and the total count."""
    rows = await conn.fetch(_PAGE, after_id, limit)
    return [_project(r) for r in rows], await conn.fetchval(_COUNT)


async def project_kinds(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> frozenset[str]:
    """The kinds this project defined beyond the standard ones."""
    return frozenset(r["kind"] for r in await conn.fetch(_KINDS, project_id))


async def define_kind(
    conn: asyncpg.Connection, project: Project, kind: str, description: str, actor: str
) -> None:
    """Add a project-specific contribution kind and journal it."""
    check_new_kind(kind)
    inserted = await conn.fetchval(
        "INSERT INTO project_kinds (project_id, kind, description) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING true",
        project.id,
        kind,
        description,
    )
    if not inserted:
        raise Conflict(f"kind {kind!r} is already defined", ConflictCode.ALREADY_EXISTS)
    await append_event(conn, project.id, KindDefined(kind=kind, description=description), actor)
