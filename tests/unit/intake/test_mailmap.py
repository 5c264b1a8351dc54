"""The mailmap reader against git's own ``git check-mailmap``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from intake.mailmap import Entry, Mailmap, parse

MAILMAP = """\
# a comment
Proper Name <commit@example.org>
<proper@example.org> <Old@Example.org>
Both Named <both@example.org> <alias@example.org>
Only Work <work@example.org> Work Name <shared@example.org>
Other <other@example.org> <shared@example.org>  # trailing comment
not an entry
"""
CONTACTS = [
    ("Someone", "commit@example.org"),
    ("Old Me", "old@example.org"),
    ("Alias", "alias@example.org"),
    ("Work Name", "shared@example.org"),
    ("Not Work", "shared@example.org"),
    ("Stranger", "stranger@example.org"),
]


def _git_says(tmp_path: Path, name: str, email: str) -> tuple[str, str]:
    (tmp_path / "mailmap").write_text(MAILMAP)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if not (tmp_path / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, env=env, check=True)
    out = subprocess.run(
        ["git", "-c", f"mailmap.file={tmp_path / 'mailmap'}", "check-mailmap", f"{name} <{email}>"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    shown, _, address = out.rpartition(" <")
    return shown, address.rstrip(">").lower()


def test_entries_are_read_as_git_reads_them() -> None:
    assert parse(MAILMAP) == [
        Entry("Proper Name", None, "commit@example.org"),
        Entry(None, "proper@example.org", "old@example.org"),
        Entry("Both Named", "both@example.org", "alias@example.org"),
        Entry("Only Work", "work@example.org", "shared@example.org", "Work Name"),
        Entry("Other", "other@example.org", "shared@example.org"),
    ]


def test_names_and_address_pairs_match_git_check_mailmap(tmp_path: Path) -> None:
    mailmap = Mailmap.of(parse(MAILMAP))
    pairs = set(mailmap.pairs())
    for name, email in CONTACTS:
        shown, address = _git_says(tmp_path, name, email)
        assert mailmap.name_for(name, email) == shown, (name, email)
        if address != email:
            assert (email, address) in pairs
