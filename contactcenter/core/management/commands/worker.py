"""The background worker: runs queued tasks (django-tasks' database worker) and, beside it,
the periodic jobs. Several workers may run at once against one database."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from contactcenter.core.periodic import periodic_jobs, periodic_run_due


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between checks")
        parser.add_argument("--no-tasks", action="store_true", help="periodic jobs only")

    def handle(self, *args, tick: float, no_tasks: bool, **options):
        tasks = None
        if not no_tasks:
            tasks = subprocess.Popen(
                [sys.executable, "-m", "contactcenter.cli", "db_worker", "--no-reload"]
            )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        names = ", ".join(job.name for job in periodic_jobs()) or "none"
        self.stdout.write(f"Worker started; periodic jobs: {names}")
        try:
            while not stopping:
                if tasks is not None and tasks.poll() is not None:
                    self.stderr.write(f"task worker stopped with exit code {tasks.returncode}")
                    raise SystemExit(tasks.returncode or 1)
                periodic_run_due()
                close_old_connections()
                time.sleep(tick)
        finally:
            if tasks is not None and tasks.poll() is None:
                tasks.send_signal(signal.SIGINT)
                try:
                    tasks.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    tasks.kill()
