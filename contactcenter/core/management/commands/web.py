"""Start one web server process (uvicorn, ASGI): the static files made ready first when
``STATIC_COLLECTED`` is on, then uvicorn in this process's place, with the proxy rule of
``TRUSTED_PROXIES``. What ``serve``, the cluster and the systemd units run."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from contactcenter.core.start_checks import chain_key_required
from contactcenter.core.static_ready import static_files_ready
from contactcenter.core.web_server import uvicorn_argv


class Command(BaseCommand):
    help = "Run the ASGI web server alone (collecting static files first in production)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        chain_key_required()
        if done := static_files_ready():
            self.stdout.write(done)
        argv = uvicorn_argv(host=host, port=port, workers=workers)
        self.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 (our own interpreter, no shell)
