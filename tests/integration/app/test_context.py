"""The request context gives every package the services its resolvers read, typed: mypy
holds the app's context to the kernel's ``Context``."""

from __future__ import annotations

from app.context import context_for
from app.runtime import Runtime
from ledger.kernel.context import Context
from ledger.kernel.principal import ANONYMOUS


def test_a_request_context_carries_the_instance_services_every_package_reads(
    runtime: Runtime,
) -> None:
    context = context_for(runtime, ANONYMOUS)
    every: Context = context
    assert every.database_url == runtime.database_url
    assert every.webhook_targets is runtime.receiver.targets
    assert context.pool is runtime.pool
    assert every.acquire_timeout == runtime.settings.acquire_timeout
