"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.own_server import Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server of this test's own (its data under the test's temporary folder)."""
    own = Server(tmp_path / "pg")
    try:
        yield own
    finally:
        own.close()
