"""Start the production topology on this machine: nginx in front of web instances, and
separate workers, each started again if it dies (see ``core.cluster``)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contactcenter.core.cluster import (
    chain_key_file,
    cluster_children,
    cluster_env,
    cluster_plan,
    nginx_binary,
    nginx_conf_text,
)
from contactcenter.core.static_ready import static_files_ready
from contactcenter.core.supervision import Supervisor


class Command(BaseCommand):
    help = "Run nginx, web instances and workers together (the production topology) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")))
        parser.add_argument("--web", type=int, default=2, help="web instances behind nginx")
        parser.add_argument("--workers", type=int, default=1, help="worker processes")

    def handle(self, *args, port: int, web: int, workers: int, **options):
        if not nginx_binary():
            raise CommandError("nginx is not installed; `make nginx` installs Debian's.")
        if web < 1 or workers < 0:
            raise CommandError("--web must be at least 1 and --workers at least 0.")
        env = cluster_env(dict(os.environ))
        directory = Path(settings.VAR_DIR) / "cluster"
        directory.mkdir(parents=True, exist_ok=True)
        plan = cluster_plan(port=port, web=web, workers=workers, directory=directory)
        if not (env.get("AUDIT_CHAIN_KEY") or env.get("AUDIT_CHAIN_KEY_FILE")):
            # The instances run as production does, which needs the disclosure log's key: a
            # key of this cluster's own, kept beside its other files, unless one is given.
            env["AUDIT_CHAIN_KEY_FILE"] = str(chain_key_file(directory / "audit_chain_key"))
        plan.nginx_conf.write_text(nginx_conf_text(plan))
        if done := static_files_ready():  # once here, before the instances race for it
            self.stdout.write(done)
        if not env.get("REDIS_URL"):
            self.stderr.write(
                "REDIS_URL is not set: each web instance keeps its own rate limits and chat "
                "channel, which is wrong for more than one instance."
            )
        self.stdout.write(
            f"Cluster on http://127.0.0.1:{port}/ : nginx in front of web instances on "
            f"{', '.join(map(str, plan.web_ports))} and {workers} worker(s). Ctrl-C stops it."
        )
        self.stdout.flush()

        def say(line: str) -> None:
            self.stdout.write(f"cluster: {line}")
            self.stdout.flush()

        Supervisor(cluster_children(plan), say=say, env=env).run()
