from __future__ import annotations

from pathlib import Path

import pytest

from app.runtime import Runtime
from intake.worker import Worker


@pytest.fixture
def app_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The app with its embedded worker on."""
    return {
        "DATABASE_URL": database_url,
        "COMMONS_DATA_DIR": str(tmp_path / "data"),
        "COMMONS_ENV": "test",
        "COMMONS_RUN_WORKER": "true",
        "COMMONS_WORKER_POLL": "3600",
    }


async def test_serve_starts_one_inbox_worker_when_asked(runtime: Runtime) -> None:
    assert isinstance(runtime.worker, Worker)
    assert runtime.worker.config.poll_seconds == 3600
