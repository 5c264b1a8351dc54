"""``commons export journal`` (a project's journal as JSON Lines) and ``commons witness
URL`` (follow another instance's checkpoints and catch a fork).

The witness keeps, per log origin, the last checkpoint it accepted and the log's
verifier key (pinned on first use unless ``--vkey`` is given) in
``<COMMONS_DATA_DIR>/witness/``. Each run fetches the log's checkpoint, checks its
signature, fetches a consistency proof from the size it saw last and stores the new
checkpoint. Exit status: 0 accepted (or unchanged), 1 the checkpoint or key cannot be
trusted, 3 a fork (two histories that cannot both be true; both notes are kept).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import httpx

from app import database
from app.cli.common import Failed, database_url, settings_or_exit
from ledger.journal import export, notes
from ledger.journal import witness as witnessing
from ledger.register.projects import get_project

FORK_EXIT = 3


@click.command(name="journal")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--from", "first", type=int, default=1, show_default=True, help="First seq.")
@click.option("--to", "last", type=int, default=None, help="Last seq (default: the end).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_journal(slug: str, first: int, last: int | None, output: Path | None) -> None:
    """Write a project's journal as JSON Lines (document, hash, prev_hash per event)."""
    url = database_url()

    async def run() -> int:
        conn = await database.connect(url)
        try:
            project = await get_project(conn, slug)
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                span = await export.plan(conn, project.id, first, last)
                out = output.open("wb") if output else sys.stdout.buffer
                try:
                    async for chunk in export.chunks(conn, project.id, span):
                        out.write(chunk)
                finally:
                    if output:
                        out.close()
                return max(0, span.last - span.first + 1)
        finally:
            await conn.close()

    count = asyncio.run(run())
    click.echo(f"wrote {count} events", err=True)


def _get(url: str) -> httpx.Response:
    try:
        response = httpx.get(url, timeout=30)
    except httpx.HTTPError as exc:
        raise Failed(f"cannot reach {url}: {exc}") from None
    return response


def _text(url: str) -> str:
    response = _get(url)
    if response.status_code != 200:
        raise Failed(f"{url} answered {response.status_code}: {response.text[:200]}")
    return response.text


def _state_file(folder: Path, origin: str) -> Path:
    return folder / f"{hashlib.sha256(origin.encode()).hexdigest()[:32]}.json"


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _proof(base: str, sizes: tuple[int, int] | None) -> list[bytes] | None:
    """The consistency proof between two sizes, or None when the log cannot give one."""
    if sizes is None:
        return []
    response = _get(f"{base}/proofs/consistency?from={sizes[0]}&to={sizes[1]}")
    if response.status_code != 200:
        return None
    return [bytes.fromhex(h) for h in response.json().get("path", [])]


@click.command()
@click.argument("url")
@click.option("--vkey", default=None, help="The log's verifier key (default: pinned on first use).")
@click.option(
    "--state",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of witnessed checkpoints (default: <COMMONS_DATA_DIR>/witness).",
)
def witness(url: str, vkey: str | None, state: Path | None) -> None:
    """Follow a project log's checkpoints at URL (``https://host/projects/SLUG``)."""
    base = url.rstrip("/").removesuffix("/checkpoint")
    folder = state or settings_or_exit().data_dir / "witness"
    offered = vkey or _text(f"{base}/checkpoint/vkey")
    try:
        verifier = notes.parse_vkey(offered)
    except ValueError as exc:
        raise Failed(f"the verifier key is not usable: {exc}") from None
    path = _state_file(folder, verifier.name)
    kept = _load(path)
    if kept is not None and kept["vkey"] != verifier.vkey():
        raise Failed(f"the key of {verifier.name} changed from the pinned {kept['vkey']}")
    note = _text(f"{base}/checkpoint")
    try:
        seen = notes.parse_checkpoint(notes.open_note(note, verifier))
    except ValueError as exc:
        raise Failed(f"the checkpoint does not verify: {exc}") from None
    if seen.origin != verifier.name:
        raise Failed(f"the checkpoint's origin {seen.origin!r} is not the key's name")
    last = None
    if kept is not None:
        last = notes.parse_checkpoint(notes.open_note(kept["checkpoint"], verifier))
    proof = _proof(base, witnessing.proof_needed(last, seen))
    decided = (
        witnessing.step(last, seen, proof)
        if proof is not None
        else witnessing.Step("fork", last or seen, "the log cannot prove consistency")
    )
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if decided.fork:
        evidence = path.with_suffix(f".fork-{now}.txt")
        evidence.write_text(f"{kept['checkpoint'] if kept else ''}\n{note}")
        click.echo(f"FORK {verifier.name}: {decided.reason} (notes kept in {evidence})", err=True)
        sys.exit(FORK_EXIT)
    if decided.keep == seen:
        path.write_text(
            json.dumps(
                {
                    "origin": seen.origin,
                    "vkey": verifier.vkey(),
                    "url": base,
                    "checkpoint": note,
                    "seen_at": now,
                },
                indent=2,
            )
        )
    click.echo(f"{decided.outcome} {verifier.name} size {decided.keep.size}: {decided.reason}")
