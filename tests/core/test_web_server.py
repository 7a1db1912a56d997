"""The web server as production starts it (``contactcenter web``): the client address rule
of ``TRUSTED_PROXIES`` against a real uvicorn, no ``Server`` header, and static files
collected by the start itself when ``DEBUG`` is off."""

from __future__ import annotations

import json
import os

import pytest

from tests.processes import command_start, free_port, get, project_env, stop, wait_for

LIMIT = 3


@pytest.fixture
def web(tmp_path, migrated_sqlite):
    started = []

    def start(**extra: str) -> str:
        port = free_port()
        env = project_env(tmp_path, migrated_sqlite, CASE_STATUS_RATE_LIMIT=str(LIMIT), **extra)
        log = tmp_path / f"web-{port}.log"
        process = command_start(["web", "--port", str(port)], env, log)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: get(f"{url}/healthz")[0] == 200 or process.poll() is not None,
            timeout=120,
            what="the web server",
        )
        assert process.poll() is None, log.read_text()
        return url

    yield start
    for process in started:
        stop(process)


def _look_ups(url: str, forwarded_for: list[str]) -> list[int]:
    return [
        get(f"{url}/api/v1/case-status/x", headers={"X-Forwarded-For": address})[0]
        for address in forwarded_for
    ]


ROTATING = [f"203.0.113.{n}" for n in range(1, LIMIT + 3)]


def test_rotating_x_forwarded_for_does_not_escape_the_rate_limit(web):
    url = web()
    statuses = _look_ups(url, ROTATING)
    assert statuses[:LIMIT] == [400] * LIMIT  # a malformed number, counted first
    assert statuses[LIMIT:] == [429, 429]


def test_a_named_proxy_is_believed(web):
    url = web(TRUSTED_PROXIES="127.0.0.1")
    assert 429 not in _look_ups(url, ROTATING)  # each address its own budget
    assert _look_ups(url, ["198.51.100.7"] * (LIMIT + 1))[-1] == 429


def test_no_server_banner(web):
    status, headers, _body = get(f"{web()}/healthz")
    assert status == 200 and "server" not in {name.lower() for name in headers}


def test_a_production_start_collects_the_static_files_it_needs(web, tmp_path):
    static_root = tmp_path / "static"
    url = web(
        DEBUG="false",
        STATIC_ROOT=str(static_root),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
    )
    status, _headers, body = get(f"{url}/")
    assert status == 200, body[:500]
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert f"/static/{hashed}".encode() in body
    assert get(f"{url}/static/{hashed}")[0] == 200


@pytest.mark.parametrize("debug", [False])
def test_stale_static_files_are_collected_again(settings, tmp_path, debug):
    from contactcenter.core.static_ready import static_files_ready, static_files_stale_reason

    settings.DEBUG = debug
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert static_files_stale_reason() == "no manifest"
    assert static_files_ready() == "collected the static files (no manifest)"
    assert static_files_stale_reason() == ""
    assert static_files_ready() == ""
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    os.utime(manifest, (0, 0))  # collected before any source file changed
    changed = "collected the static files (a file changed since it was collected)"
    assert static_files_ready() == changed
    manifest.write_text(json.dumps({"paths": {}, "version": "1.1"}))
    assert static_files_stale_reason() == "a file missing from the manifest"


def test_a_start_that_cannot_collect_says_what_to_run(settings, tmp_path):
    from django.core.management.base import CommandError

    from contactcenter.core.static_ready import static_files_ready

    settings.DEBUG = False
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    settings.STATIC_ROOT = blocked / "static"
    with pytest.raises(CommandError, match="contactcenter collectstatic --no-input"):
        static_files_ready()


@pytest.mark.parametrize("command", ["web", "serve", "worker"])
def test_a_production_start_without_the_chain_key_refuses_and_says_what_to_set(
    tmp_path, migrated_sqlite, command
):
    env = project_env(tmp_path, migrated_sqlite, DEBUG="false")
    for name in ("AUDIT_CHAIN_KEY", "AUDIT_CHAIN_KEY_FILE"):
        env.pop(name, None)
    log = tmp_path / f"{command}.log"
    process = command_start([command, "--port", str(free_port())] if command != "worker"
                            else [command], env, log)  # fmt: skip
    try:
        assert process.wait(timeout=120) != 0
    finally:
        stop(process)
    said = log.read_text()
    assert "AUDIT_CHAIN_KEY_FILE" in said
    assert "Traceback" not in said


def test_a_production_start_with_the_chain_key_file_goes_on(web, tmp_path):
    key_file = tmp_path / "audit_chain_key"
    key_file.write_text("k" * 64)
    url = web(
        DEBUG="false",
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        AUDIT_CHAIN_KEY="",
        AUDIT_CHAIN_KEY_FILE=str(key_file),
    )
    assert get(f"{url}/")[0] == 200


def test_an_idle_connection_is_kept_longer_than_the_proxy_keeps_it(web):
    """uvicorn's own default closes a connection after 5 idle seconds; a proxy or browser that
    sends a POST on it just then gets no answer and does not send it again. The server keeps
    it open longer than nginx does (nginx's side ends first), so a second request on the same
    connection after 6 quiet seconds is answered."""
    import http.client
    import re
    import time
    from pathlib import Path
    from urllib.parse import urlsplit

    from contactcenter.core.web_server import KEEP_ALIVE_SECONDS

    url = urlsplit(web())
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        time.sleep(6)
        connection.request("GET", "/healthz")  # the same socket: http.client keeps it
        assert connection.getresponse().status == 200
    finally:
        connection.close()

    root = Path(__file__).resolve().parents[2]
    configurations = (
        root / "deploy" / "nginx" / "contactcenter.conf",
        root / "contactcenter" / "core" / "cluster.py",
    )
    proxy_idle = [
        int(seconds)
        for path in configurations
        for seconds in re.findall(r"keepalive_timeout (\d+)s;", path.read_text())
    ]
    assert len(proxy_idle) == 2 and max(proxy_idle) < KEEP_ALIVE_SECONDS
