"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.own_server import Server


@pytest.fixture
def server() -> Iterator[Server]:
    """A server of this test's own, in a folder of its own outside pytest's: another
    pytest run on the machine resets the permissions of pytest's shared folder, which
    the server's own user must traverse to start it again after a crash."""
    folder = Path(tempfile.mkdtemp(prefix="commons-e2e-"))
    own = Server(folder / "pg")
    try:
        yield own
    finally:
        own.close()
        shutil.rmtree(folder, ignore_errors=True)
