"""Real uvicorn servers for the chat tests: one or more processes on one SQLite file, sharing
a Redis database for the channel layer and cache when one is given."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spare_redis_url() -> str:
    """A Redis database of this worker's own for tests whose servers run in other processes
    (they empty it first).

    Each pytest-xdist worker already has a database of its own, the number in ``REDIS_URL``
    plus the worker's index (tests/conftest.py); the spare one is as many again above it
    (``REDIS_URL`` /10 with two workers: gw0 /10 and spare /12, gw1 /11 and spare /13), so it
    is neither a worker's own nor another worker's spare. Without ``REDIS_URL`` (the run on
    SQLite) the numbers count from ``TESTS_REDIS_URL``, redis://127.0.0.1:6379/6 if unset.
    """
    from django.conf import settings

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if settings.REDIS_URL:  # this worker's own already
        url, above = settings.REDIS_URL, workers
    else:
        url = os.environ.get("TESTS_REDIS_URL", "redis://127.0.0.1:6379/6")
        above = workers + (int(worker[2:]) if worker.startswith("gw") else 0)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + above}"))


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@dataclass
class Servers:
    urls: list[str]
    data: dict
    database: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def start(
    tmp_path: Path,
    *,
    count: int,
    redis_url: str = "",
    migrated: Path | None = None,
    fill: str = "tests.chat.live_data",
) -> Servers:
    """Migrate and fill a fresh SQLite file, then start ``count`` servers on it. With
    ``redis_url`` the Redis database is emptied first and every server uses it. ``migrated``,
    a file ``migrate`` already made (the ``migrated_sqlite`` fixture), is copied instead of
    migrating again. ``fill`` is the module run (``python -m``) to fill the file; the JSON it
    prints becomes ``Servers.data``."""
    database = tmp_path / "chat.sqlite3"
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),  # one secret key for every server
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "LIVE_HELP_ALWAYS_OPEN": "true",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    run = {"env": env, "cwd": PROJECT_DIR, "capture_output": True, "check": True}
    if migrated is not None:
        shutil.copyfile(migrated, database)
    else:
        subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input"], **run)
    filled = subprocess.run([sys.executable, "-m", fill], **run)
    servers = Servers(urls=[], data=json.loads(filled.stdout), database=database, env=env)
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "contactcenter.asgi:application",
             "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
            env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        servers.processes.append(process)
        servers.urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    servers.stop()
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"the server did not start: {error}") from None
                time.sleep(0.1)
    return servers
