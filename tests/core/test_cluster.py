"""``contactcenter cluster`` (what ``make cluster`` starts): Debian's nginx in front of two
web instances and a worker, real processes; a page is read through nginx, and through the
other instance while one is killed."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from contactcenter.core.cluster import nginx_binary
from tests.processes import (
    children,
    command_line,
    command_start,
    free_port,
    get,
    project_env,
    stop,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    not nginx_binary(), reason="nginx is not installed (`make nginx` installs Debian's)"
)


def test_the_cluster_serves_pages_through_nginx_and_outlives_a_web_instance(
    tmp_path, migrated_sqlite
):
    port = free_port()
    env = project_env(
        tmp_path, migrated_sqlite, DEBUG="false", STATIC_ROOT=str(tmp_path / "static")
    )
    log = tmp_path / "cluster.log"
    cluster = command_start(["cluster", "--port", str(port)], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: get(f"{url}/")[0] == 200 or cluster.poll() is not None,
            timeout=120,
            what="a page through nginx",
        )
        assert cluster.poll() is None, log.read_text()
        status, headers, body = get(f"{url}/")
        assert status == 200 and headers["Server"] == "nginx"  # nginx's, with no version
        stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', body)
        assert stylesheet, body[:500]
        static = get(url + stylesheet.group(1).decode())
        assert static[0] == 200 and "immutable" in static[1]["Cache-Control"]
        webs = [pid for pid in children(cluster.pid) if "uvicorn" in command_line(pid)]
        workers = [pid for pid in children(cluster.pid) if " worker" in command_line(pid)]
        assert len(webs) == 2 and len(workers) == 1
        # On a busy machine the first page can come from one instance while the other is
        # still starting, and nginx then rests the slow one for its fail_timeout (5 s). Kill
        # one only once both answer on their own ports and that rest is over.
        ports = [re.search(r"--port (\d+)", command_line(pid)) for pid in webs]
        for port_match in ports:
            assert port_match is not None, [command_line(pid) for pid in webs]
            web_url = f"http://127.0.0.1:{port_match.group(1)}/healthz"
            wait_for(lambda u=web_url: get(u)[0] == 200, timeout=60, what=web_url)
        time.sleep(6)
        os.kill(webs[0], signal.SIGKILL)
        # The other instance answers at once; the killed one is started again.
        assert [get(f"{url}/healthz")[0] for _ in range(10)] == [200] * 10
        wait_for(
            lambda: len([p for p in children(cluster.pid) if "uvicorn" in command_line(p)]) == 2,
            timeout=60,
            what="the killed instance back",
        )
        assert "web1 stopped with exit code -9" in log.read_text() or "web2 stopped" in (
            log.read_text()
        )
    finally:
        stop(cluster)
    assert get(f"{url}/healthz")[0] == 0
