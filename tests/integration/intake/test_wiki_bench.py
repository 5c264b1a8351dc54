"""``bench.wiki`` prints its figures and its ratios against bare ``mwxml``: CPU seconds
of every process, then wall-clock speed."""

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
    cpu, last = out.decode().strip().splitlines()[-2:]
    assert re.fullmatch(
        r"CPU seconds: mwxml alone [\d.]+ \| import [\d.]+ \(importer [\d.]+, dump reader "
        r"[\d.]+, PostgreSQL [\d.]+\) \| ratio mwxml/import CPU: [\d.]+x",
        cpu,
    ), cpu
    assert re.fullmatch(
        r"mwxml alone: [\d.]+s \([\d,]+ revisions/s\) \| import: [\d.]+s \([\d,]+ revisions/s, "
        r"[\d,]+ contributions, [\d,]+ terms grants\) \| ratio import/mwxml speed: [\d.]+x",
        last,
    ), last
