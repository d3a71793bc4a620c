"""The real app in a separate process (uvicorn, one or more workers) on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(workers: int = 1, extra_env: dict[str, str] | None = None,
                   log_to: Path | None = None) -> Iterator[str]:
    """Serves the test database with `convene serve`; yields the base URL. A None value in
    `extra_env` removes that variable; `log_to` keeps the server's output there."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CONVENE_BASE_URL": base_url,
        "CONVENE_DB_POOL_SIZE": "4",
        **(extra_env or {}),
    }
    env = {key: value for key, value in env.items() if value is not None}
    # The log goes to a file: a pipe nobody reads fills up and freezes a busy server.
    log = open(log_to, "wb") if log_to else tempfile.NamedTemporaryFile(
        prefix="convene-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"convene serve exited early:\n{Path(log.name).read_text()}")
            try:
                if httpx.get(f"{base_url}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("convene serve did not answer within 30 s")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if not log_to:
            Path(log.name).unlink(missing_ok=True)
