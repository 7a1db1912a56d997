"""Start the web server (uvicorn, ASGI) and the task worker together; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the ASGI web server and the background task worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options):
        python = sys.executable
        commands = {
            "web": [
                python, "-m", "uvicorn", "contactcenter.asgi:application",
                "--host", host, "--port", str(port), "--workers", str(workers),
                "--no-access-log", "--lifespan", "off",
            ],
        }  # fmt: skip
        if not no_worker:
            commands["worker"] = [python, "-m", "contactcenter.cli", "worker"]
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(
            f"Contact Center on http://{host}:{port}/ "
            f"({'web and task worker' if not no_worker else 'web only'}; "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). "
            "Press Ctrl-C to stop."
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} stopped with exit code {child.returncode}")
                        exit_code = child.returncode or 1
                        stopping = True
                time.sleep(0.2)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for child in children.values():
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    child.kill()
        if exit_code:
            raise SystemExit(exit_code)
