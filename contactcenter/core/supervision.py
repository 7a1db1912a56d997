"""Child processes kept running: a dead child is started again after a back-off (1, 2, 4 ...
30 seconds, back to 1 once a child has run a minute), one child's death never stops the
others, and on Linux every child is told to stop when its parent dies, however it dies (the
kernel sends it SIGTERM: ``prctl(PR_SET_PDEATHSIG)``), so no child outlives ``serve``."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from contactcenter.core.backoff import Backoff

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
RUN_RESETS_BACKOFF_SECONDS = 60.0

_libc = None
if sys.platform.startswith("linux"):
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _dies_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` that asks the kernel for SIGTERM when the parent dies; if the parent
    died already, between the fork and this call, the child stops at once."""
    if _libc is None:
        return None
    libc = _libc

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:
            os._exit(1)

    return preexec


def child_start(argv: Sequence[str], **popen) -> subprocess.Popen:
    """Start ``argv`` as a child that dies with this process."""
    return subprocess.Popen(  # noqa: S603 (our own commands, no shell)
        list(argv), preexec_fn=_dies_with_parent(os.getpid()), **popen
    )


@dataclass(slots=True)
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    start_at: float = 0.0  # when a dead child is due to start again
    backoff: Backoff = field(default_factory=Backoff)


class Supervisor:
    """Keeps ``children`` (name -> argv) running until :meth:`stop` is called or SIGTERM or
    SIGINT arrives. ``say`` reports each start and exit (a line, no personal data)."""

    def __init__(
        self,
        children: Mapping[str, Sequence[str]],
        *,
        say: Callable[[str], None] = print,
        env: Mapping[str, str] | None = None,
        reset_after: float = RUN_RESETS_BACKOFF_SECONDS,
        stop_timeout: float = 10.0,
    ) -> None:
        self.children = [Child(name=name, argv=argv) for name, argv in children.items()]
        self.say = say
        self.env = dict(env) if env is not None else None
        self.reset_after = reset_after
        self.stop_timeout = stop_timeout
        self.stopping = False

    def stop(self, signum: int | None = None, frame: object = None) -> None:
        self.stopping = True

    def _start(self, child: Child) -> None:
        child.process = child_start(child.argv, env=self.env)
        child.started_at = time.monotonic()
        self.say(f"started {child.name} (pid {child.process.pid})")

    def _check(self, child: Child, now: float) -> None:
        if child.process is None:
            if now >= child.start_at:
                self._start(child)
            return
        code = child.process.poll()
        if code is None:
            return
        ran = now - child.started_at
        if ran >= self.reset_after:
            child.backoff.reset()
        delay = child.backoff.next_delay()
        child.process = None
        child.start_at = now + delay
        self.say(f"{child.name} stopped with exit code {code}; starting it again in {delay:g} s")
        logger.warning(
            "supervision.child_exited",
            extra={"child": child.name, "exit_code": code, "restart_in": delay},
        )

    def run(self, *, tick: float = 0.2) -> None:
        previous = {
            signum: signal.signal(signum, self.stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for child in self.children:
                self._start(child)
            while not self.stopping:
                now = time.monotonic()
                for child in self.children:
                    self._check(child, now)
                time.sleep(tick)
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
