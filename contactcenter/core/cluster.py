"""The production topology on one machine, for tests and benchmarks (``make cluster``):
Debian's nginx on a port, in front of two or more web instances (``contactcenter web``) and
separate workers, on ``DATABASE_URL`` and ``REDIS_URL`` when set. Each process is a child of
the ``cluster`` command, started again if it dies, as systemd does with the units in
``deploy/``; nginx includes the same proxy rules as the deployed site."""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROXY_RULES = PROJECT_DIR / "deploy" / "nginx" / "contactcenter-proxy.conf"

# Plain HTTP on loopback: the production settings that need TLS are turned off for the
# children unless the environment says otherwise.
CHILD_DEFAULTS = {
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "TRUSTED_PROXIES": "127.0.0.1",
}


def nginx_binary() -> str:
    """Debian's nginx, or '' when it is not installed (``make nginx`` installs it)."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True, slots=True)
class ClusterPlan:
    port: int
    web_ports: tuple[int, ...]
    workers: int
    directory: Path

    @property
    def nginx_conf(self) -> Path:
        return self.directory / "nginx.conf"


def cluster_plan(*, port: int, web: int, workers: int, directory: Path) -> ClusterPlan:
    return ClusterPlan(
        port=port,
        web_ports=tuple(free_port() for _ in range(web)),
        workers=workers,
        directory=directory,
    )


def nginx_conf_text(plan: ClusterPlan) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{web} max_fails=1 fail_timeout=5s;" for web in plan.web_ports
    )
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    directory = plan.directory
    static_root = Path(settings.STATIC_ROOT)
    return f"""# Written by `contactcenter cluster`; the proxy rules are the deployed site's.
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    server_tokens off;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    upstream contactcenter {{
{servers}
        keepalive 64;
        keepalive_timeout 60s;
    }}
    server {{
        listen 127.0.0.1:{plan.port};
        location /static/ {{
            alias {static_root}/;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
        include {PROXY_RULES};
    }}
}}
"""


def cluster_children(plan: ClusterPlan) -> dict[str, list[str]]:
    """name -> command line of every process in the cluster."""
    cli = [sys.executable, "-m", "contactcenter.cli"]
    children: dict[str, list[str]] = {}
    for number, web_port in enumerate(plan.web_ports, start=1):
        children[f"web{number}"] = [*cli, "web", "--host", "127.0.0.1", "--port", str(web_port)]
    for number in range(1, plan.workers + 1):
        children[f"worker{number}"] = [*cli, "worker"]
    children["nginx"] = [
        nginx_binary(), "-p", str(plan.directory), "-c", str(plan.nginx_conf),
        "-e", str(plan.directory / "nginx-error.log"), "-g", "daemon off;",
    ]  # fmt: skip
    return children


def cluster_env(environ: dict[str, str]) -> dict[str, str]:
    return {**CHILD_DEFAULTS, **environ, "DJANGO_SETTINGS_MODULE": "contactcenter.settings"}


def chain_key_file(path: Path) -> Path:
    """A file holding a random chain key, written once (readable by its owner only)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path
