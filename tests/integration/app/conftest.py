"""Apps built from a changed environment, for tests of settings-driven behaviour."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.main import create_app

ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Litestar]]]


@pytest.fixture
def make_client(app_env: dict[str, str]) -> ClientFactory:
    """``async with make_client(COMMONS_X="...") as client``: the test app with changes."""

    @asynccontextmanager
    async def make(**changes: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
        async with AsyncTestClient(app=create_app({**app_env, **changes})) as client:
            yield client

    return make
