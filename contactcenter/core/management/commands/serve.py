"""Start the web server (uvicorn, ASGI) and the task worker together and keep both running:
a child that dies is started again after a back-off, without stopping the other; Ctrl-C or
SIGTERM stops both, and the children die with this process however it ends."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from contactcenter.core.start_checks import chain_key_required
from contactcenter.core.static_ready import static_files_ready
from contactcenter.core.supervision import Supervisor


class Command(BaseCommand):
    help = "Run the ASGI web server and the background task worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options):
        chain_key_required()
        # Once here rather than in each child, so a slow first collect delays nothing twice.
        if done := static_files_ready():
            self.stdout.write(done)
        # Links sent by text or email name this server unless the deployment says otherwise
        # (PUBLIC_BASE_URL, or the agency profile's base URL, which comes first).
        os.environ.setdefault("PUBLIC_BASE_URL", local_base_url(host, port))
        cli = [sys.executable, "-m", "contactcenter.cli"]
        children = {
            "web": [*cli, "web", "--host", host, "--port", str(port), "--workers", str(workers)]
        }
        if not no_worker:
            children["worker"] = [*cli, "worker"]
        self.stdout.write(
            f"Contact Center on http://{host}:{port}/ "
            f"({'web and task worker' if not no_worker else 'web only'}; "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). "
            "Press Ctrl-C to stop."
        )
        self.stdout.flush()

        def say(line: str) -> None:
            self.stdout.write(f"serve: {line}")
            self.stdout.flush()

        Supervisor(children, say=say).run()


def local_base_url(host: str, port: int) -> str:
    """The address a person on this machine reaches the server at (a wildcard listen address
    is reached at the loopback one)."""
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104 (read, not bound)
    reach = wildcard.get(host, host)
    if ":" in reach and not reach.startswith("["):
        reach = f"[{reach}]"
    return f"http://{reach}:{port}"
