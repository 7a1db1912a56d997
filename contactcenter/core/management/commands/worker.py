"""The background worker: runs queued tasks (django-tasks' database worker, in a child
process started again if it dies) and, beside it, the periodic jobs. Several workers may run
at once against one database. A database outage is waited out, never fatal."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from contactcenter.core.backoff import Backoff
from contactcenter.core.db_outage import run_through_outages
from contactcenter.core.periodic import periodic_jobs, periodic_run_due
from contactcenter.core.start_checks import chain_key_required
from contactcenter.core.supervision import child_start


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between checks")
        parser.add_argument("--no-tasks", action="store_true", help="periodic jobs only")

    def handle(self, *args, tick: float, no_tasks: bool, **options):
        chain_key_required()
        argv = [sys.executable, "-m", "contactcenter.cli", "task_worker", "--no-reload"]
        tasks: subprocess.Popen | None = None if no_tasks else child_start(argv)
        tasks_backoff = Backoff()
        tasks_due_at = 0.0
        tasks_started_at = time.monotonic()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        names = ", ".join(job.name for job in periodic_jobs()) or "none"
        self.stdout.write(f"Worker started; periodic jobs: {names}")
        self.stdout.flush()

        def step() -> None:
            nonlocal tasks, tasks_due_at, tasks_started_at
            now = time.monotonic()
            if not no_tasks and tasks is None and now >= tasks_due_at:
                tasks, tasks_started_at = child_start(argv), now
            elif tasks is not None and tasks.poll() is not None:
                if now - tasks_started_at >= 60:
                    tasks_backoff.reset()
                delay = tasks_backoff.next_delay()
                self.stderr.write(
                    f"task worker stopped with exit code {tasks.returncode}; "
                    f"starting it again in {delay:g} s"
                )
                tasks, tasks_due_at = None, now + delay
            periodic_run_due()
            close_old_connections()

        try:
            run_through_outages(step, loop="periodic", keep_going=lambda: not stopping, pause=tick)
        finally:
            if tasks is not None and tasks.poll() is None:
                tasks.send_signal(signal.SIGTERM)
                try:
                    tasks.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    tasks.kill()
