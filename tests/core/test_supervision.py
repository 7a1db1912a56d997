"""``contactcenter serve`` keeps its children running: real processes started, killed and
watched through /proc."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from contactcenter.core.backoff import Backoff
from contactcenter.core.supervision import Supervisor
from tests.processes import (
    alive,
    children,
    command_line,
    command_start,
    descendants,
    free_port,
    get,
    project_env,
    stop,
    wait_for,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_backoff_doubles_up_to_thirty_seconds_and_resets():
    backoff = Backoff()
    assert [backoff.next_delay() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    backoff.reset()
    assert backoff.next_delay() == 1


def _supervised(children_argv, *, reset_after: float, seconds: float) -> list[str]:
    said: list[str] = []
    supervisor = Supervisor(children_argv, say=said.append, reset_after=reset_after)
    timer = threading.Timer(seconds, supervisor.stop)
    timer.start()
    # Signal handlers can only be set in the main thread, which pytest's is.
    supervisor.run(tick=0.05)
    timer.cancel()
    return said


def test_a_child_that_keeps_dying_is_started_again_later_each_time():
    said = _supervised(
        {"quick": [sys.executable, "-c", "raise SystemExit(3)"]}, reset_after=60, seconds=6.5
    )
    waits = [line.rsplit(" in ", 1)[1] for line in said if "stopped" in line]
    # Died at once each time: 1 s, then 2 s before the next start, then 4 s: the fourth start
    # is due 7 s in at the earliest, so 6.5 s leave a loaded machine room for the third.
    assert waits[:2] == ["1 s", "2 s"]
    assert "exit code 3" in said[1]
    assert sum(line.startswith("started quick") for line in said) == 3


def test_the_backoff_starts_again_after_a_child_ran_long_enough():
    said = _supervised(
        {"steady": [sys.executable, "-c", "import time; time.sleep(0.4)"]},
        reset_after=0.3,
        seconds=3.5,
    )
    waits = [line.rsplit(" in ", 1)[1] for line in said if "stopped" in line]
    assert len(waits) >= 2 and set(waits) == {"1 s"}


@pytest.fixture
def serve(tmp_path, migrated_sqlite):
    port = free_port()
    log = tmp_path / "serve.log"
    process = command_start(
        ["serve", "--port", str(port)], project_env(tmp_path, migrated_sqlite), log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: get(f"{url}/healthz")[0] == 200, timeout=60, what="serve to answer")
        yield process, url, log
    finally:
        stop(process)


def _child(process, word: str) -> int:
    def found():
        for pid in children(process.pid):
            if word in command_line(pid):
                return pid
        return 0

    return wait_for(found, timeout=60, what=f"serve's {word} child")  # type: ignore[return-value]


def test_a_killed_worker_is_restarted_and_the_web_server_keeps_answering(serve):
    process, url, log = serve
    web, worker = _child(process, "uvicorn"), _child(process, " worker")
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    assert get(f"{url}/healthz")[0] == 200  # the web server did not go with it
    new_worker = wait_for(
        lambda: (pid := _child(process, " worker")) != worker and pid,
        timeout=30,
        what="a new worker",
    )
    assert time.monotonic() - killed_at >= 0.9  # after the first back-off
    assert process.poll() is None and alive(web) and new_worker != worker
    assert "worker stopped with exit code -9; starting it again in 1 s" in log.read_text()


def test_a_killed_web_server_is_restarted_without_touching_the_worker(serve):
    process, url, _log = serve
    web, worker = _child(process, "uvicorn"), _child(process, " worker")
    os.kill(web, signal.SIGKILL)
    wait_for(lambda: _child(process, "uvicorn") != web, timeout=30, what="a new web server")
    wait_for(lambda: get(f"{url}/healthz")[0] == 200, timeout=60, what="the site back")
    assert alive(worker) and _child(process, " worker") == worker


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_no_child_outlives_serve(serve, how):
    process, url, _log = serve
    _child(process, "uvicorn")
    worker = _child(process, " worker")
    wait_for(lambda: children(worker), timeout=60, what="the worker's task runner")
    family = descendants(process.pid)
    assert len(family) >= 3  # web, worker, the worker's task runner
    os.kill(process.pid, how)
    process.wait(timeout=20)
    wait_for(lambda: not any(alive(pid) for pid in family), timeout=20, what="no orphans")
    assert get(f"{url}/healthz")[0] == 0


def test_a_killed_task_runner_is_restarted_by_its_worker(serve):
    process, _url, log = serve
    worker = _child(process, " worker")
    runner = wait_for(lambda: children(worker), timeout=60, what="the task runner")[0]
    os.kill(runner, signal.SIGKILL)
    wait_for(
        lambda: (now := children(worker)) and now[0] != runner,
        timeout=30,
        what="a new task runner",
    )
    assert _child(process, " worker") == worker  # the worker itself went on
    assert "task worker stopped with exit code -9; starting it again in 1 s" in log.read_text()
