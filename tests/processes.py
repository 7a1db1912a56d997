"""Real processes for the tests about processes: the project's commands started on a SQLite
file of their own, their descendants read from /proc, and plain HTTP against them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_env(tmp_path: Path, migrated: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on a copy of the migrated SQLite file in ``tmp_path``."""
    database = tmp_path / "db.sqlite3"
    if not database.exists():
        shutil.copyfile(migrated, database)
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "TRUSTED_PROXIES"):
        env.pop(name, None)
    env.update(extra)
    return env


def command_start(args: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "contactcenter.cli", *args],
        env=dict(env), cwd=PROJECT_DIR, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def children(pid: int) -> list[int]:
    """The living children of ``pid`` (zombies left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def get(url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 5):
    """(status, headers, body) of a GET; a refused connection is status 0."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, b""


def stop(process: subprocess.Popen) -> None:
    """Stop ``process`` and, should any be left, its descendants."""
    left = descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in left:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
