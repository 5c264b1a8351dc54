"""``bench.wiki`` prints its figures and its ratio against bare ``mwxml``."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest


@pytest.mark.slow
async def test_the_wiki_benchmark_prints_revisions_per_second_beside_mwxml(
    database_url: str,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.wiki", "--small",
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    last = out.decode().strip().splitlines()[-1]
    assert re.fullmatch(
        r"mwxml alone: [\d.]+s \([\d,]+ revisions/s\) \| import: [\d.]+s \([\d,]+ revisions/s, "
        r"[\d,]+ contributions, [\d,]+ terms grants\) \| ratio import/mwxml speed: [\d.]+x",
        last,
    ), last
