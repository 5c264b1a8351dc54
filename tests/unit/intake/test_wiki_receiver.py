"""The dump reader's receiving thread: a read that never returns (half a message left in
a pipe by a parser stopped mid-write) must not keep the importer from exiting."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest

from intake.wiki.parse import _in_daemon_thread

_STUCK = textwrap.dedent(
    """
    import asyncio, os
    from intake.wiki.parse import _in_daemon_thread

    async def main():
        read, _ = os.pipe()  # nobody ever writes: the read below never returns
        task = asyncio.ensure_future(_in_daemon_thread(lambda: os.read(read, 1)))
        await asyncio.sleep(0.2)
        task.cancel()  # as a Ctrl-C cancels the import
        try:
            await task
        except asyncio.CancelledError:
            print("cancelled", flush=True)

    asyncio.run(main())
    """
)


def test_a_cancelled_read_that_never_returns_does_not_hold_up_the_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _STUCK], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "cancelled"


async def test_the_calls_result_and_its_error_reach_the_awaiting_task() -> None:
    assert await _in_daemon_thread(lambda: 6 * 7) == 42

    def fail() -> int:
        raise ValueError("no such piece")

    with pytest.raises(ValueError, match="no such piece"):
        await _in_daemon_thread(fail)


async def test_a_result_arriving_after_the_wait_was_cancelled_is_dropped() -> None:
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: errors.append(context))
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return "late"

    task = asyncio.ensure_future(_in_daemon_thread(slow))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    receivers = [t for t in threading.enumerate() if t.name == "dump-receiver"]
    assert receivers  # still waiting in slow()
    release.set()
    for receiver in receivers:
        await asyncio.to_thread(receiver.join, 10)
    for _ in range(3):
        await asyncio.sleep(0)  # the late answer's callback runs on the loop
    assert errors == []  # settled on a cancelled future: dropped, no InvalidStateError
