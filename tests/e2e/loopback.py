"""Instances of the service on loopback: each a real ``uvicorn`` process on a free port of
127.0.0.1, with its own database and data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Instance:
    """One running instance; ``url`` is its base URL."""

    def __init__(self, database_url: str, data_dir: Path, **settings: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "COMMONS_DATA_DIR": str(data_dir),
            "COMMONS_ENV": "test",
            "COMMONS_RUN_WORKER": "false",
            "COMMONS_HEAD_MAX_DELAY": "0.1",
            **settings,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Instance:
        command = [
            sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"the instance on port {self.port} exited")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the instance on port {self.port} did not become ready")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def head_size(self, slug: str) -> int:
        """The size of the project's newest signed head (0 before the first)."""
        response = httpx.get(f"{self.url}/projects/{slug}/tree-head", timeout=10)
        return int(response.json()["tree_size"]) if response.status_code == 200 else 0

    def wait_for_head(self, slug: str, size: int, timeout: float = 30) -> None:
        """Block until the publisher has signed ``size`` events of the project."""
        deadline = time.monotonic() + timeout
        while self.head_size(slug) != size:
            if time.monotonic() > deadline:
                raise AssertionError(f"no head of size {size} for {slug} at {self.url}")
            time.sleep(0.1)
