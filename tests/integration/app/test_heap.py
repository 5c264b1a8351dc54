"""While the app runs, what its start-up made is frozen out of the garbage collector's
way, and its shutdown gives it back."""

from __future__ import annotations

import gc

from tests.integration.app.conftest import ClientFactory


async def test_the_running_app_keeps_start_up_out_of_the_collector(
    make_client: ClientFactory,
) -> None:
    before = gc.get_freeze_count()
    async with make_client() as client:
        assert (await client.get("/healthz")).status_code == 200
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
