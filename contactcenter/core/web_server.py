"""The one way the web server is started (``serve``, ``web``, the cluster and the systemd
units): uvicorn with proxy headers honoured only from ``TRUSTED_PROXIES`` and no ``Server``
header."""

from __future__ import annotations

import sys

from django.conf import settings

# uvicorn closes an idle keep-alive connection after 5 s by default. A proxy (or a browser)
# that sends its next request on that connection just as uvicorn closes it gets no answer, and
# a POST is not sent again: a lost action. The server must outwait the client side, so the
# proxy's own idle time (``keepalive_timeout 60s`` in the nginx configurations) ends first.
KEEP_ALIVE_SECONDS = 75


def uvicorn_argv(*, host: str, port: int, workers: int = 1) -> list[str]:
    """uvicorn's command line. uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 unless told
    otherwise, which lets anyone on the machine (or a proxy that passes the header through)
    pick their own address; so with no trusted proxy the headers are switched off."""
    argv = [
        sys.executable, "-m", "uvicorn", "contactcenter.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--lifespan", "off", "--no-server-header",
        "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS),
    ]  # fmt: skip
    proxies = [entry.strip() for entry in settings.TRUSTED_PROXIES if entry.strip()]
    if proxies:
        argv += ["--proxy-headers", "--forwarded-allow-ips", ",".join(proxies)]
    else:
        argv += ["--no-proxy-headers"]
    return argv
