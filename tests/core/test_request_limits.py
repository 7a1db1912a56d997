"""Request bodies are capped before Django reads them: a real uvicorn serving the project's ASGI
application answers 413 (JSON for the API, a page otherwise) for a body over the cap, whether
it declares its length or streams it in chunks; upload pages take a larger body; and Django's
own limit answers the API's JSON too when a body reaches it (the WSGI test client)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from contactcenter.core.request_limits import RequestBodyCap

PROJECT_DIR = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_sqlite):
    root = tmp_path_factory.mktemp("capped")
    database = root / "db.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    env = {
        **os.environ,
        "VAR_DIR": str(root / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
        "REQUEST_BODY_MAX_BYTES": str(MB),
        "UPLOAD_REQUEST_MAX_BYTES": str(8 * MB),
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "contactcenter.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
        env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(process.stderr.read().decode() if process.stderr else "no start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_an_assistant_body_over_the_cap_answers_413_in_json(server):
    body = b'{"question": "' + b"a" * int(2.6 * MB) + b'"}'
    response = httpx.post(
        f"{server}/api/v1/assistant/ask",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "1 MB" in response.json()["message"]


def test_a_streamed_body_without_a_length_is_cut_off_as_it_passes_the_cap(server):
    sent = 0

    def chunks():
        nonlocal sent
        for _ in range(40):  # 40 chunks of 64 KiB: 2.5 MiB
            sent += 64 * 1024
            yield b"b" * (64 * 1024)

    response = httpx.post(
        f"{server}/api/v1/assistant/ask",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_page_answers_a_plain_page_in_the_persons_language(server):
    response = httpx.post(
        f"{server}/case-status/",
        content=b"x=" + b"y" * (2 * MB),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "es"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "demasiado grande" in response.text


def test_upload_pages_take_a_larger_body_but_not_an_unlimited_one(server):
    form = {"Content-Type": "multipart/form-data; boundary=xyz"}
    fits = httpx.post(
        f"{server}/account/cases/1/evidence/", content=b"z" * (3 * MB), headers=form, timeout=30
    )
    assert fits.status_code != 413  # past the cap: Django answers it (here, the CSRF check)
    too_big = httpx.post(
        f"{server}/account/cases/1/evidence/", content=b"z" * (9 * MB), headers=form, timeout=30
    )
    assert too_big.status_code == 413


def test_the_server_still_answers_after_refusing(server):
    assert httpx.get(f"{server}/healthz", timeout=10).status_code == 200


def test_the_cap_picks_the_upload_limit_by_path():
    cap = RequestBodyCap(
        None,  # type: ignore[arg-type]
        max_bytes=lambda: 10,
        upload_max_bytes=lambda: 99,
        upload_paths=[r"^/up/$"],
    )
    assert cap.limit_for("/up/") == 99
    assert cap.limit_for("/up/more/") == 10


@pytest.mark.django_db
def test_djangos_own_limit_answers_the_api_with_json(client, settings):
    # Under the test client no ASGI cap runs: Django's DATA_UPLOAD_MAX_MEMORY_SIZE is reached.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = MB
    body = b'{"question": "' + b"a" * int(2.6 * MB) + b'"}'
    response = client.post("/api/v1/assistant/ask", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
