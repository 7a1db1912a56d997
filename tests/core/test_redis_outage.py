"""A Redis outage degrades the site instead of failing it.

A real uvicorn server runs against a redis-server this test starts on a free port, kills and
starts again. While Redis is down every page, the API, the chat's first question and both
sign-in forms still answer (no 5xx, and no request waits on Redis for long); a chat socket is
closed with 1013, "try again later". Once Redis is back the rate-limit counters go back to it
on their own.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import redis
import websockets

from tests.chat.servers import start
from tests.desk.conftest import PASSWORD
from tests.redis_servers import RedisProcess, needs_redis_server

pytestmark = needs_redis_server


@pytest.fixture
def redis_process(tmp_path):
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.kill()


@pytest.fixture
def server(tmp_path, migrated_sqlite, redis_process, monkeypatch):
    # Back to Redis within a second of its return, so the test need not wait long.
    monkeypatch.setenv("REDIS_RETRY_SECONDS", "1")
    servers = start(tmp_path, count=1, redis_url=redis_process.url, migrated=migrated_sqlite)
    yield servers
    servers.stop()


def csrf(client: httpx.Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"]


def visit_everything(base: str, agent: str) -> dict[str, int]:
    """Every path the outage used to break, answered: the status of each."""
    answers: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=10) as person:
        answers["home"] = person.get("/").status_code
        answers["case status page"] = person.get(
            "/case-status/", params={"receipt_number": "IOE0912345678"}
        ).status_code
        answers["case status API"] = person.get("/api/v1/case-status/IOE0912345678").status_code
        answers["assistant API"] = person.post(
            "/api/v1/assistant/ask", json={"question": "How do I renew my green card?"}
        ).status_code
        token = csrf(person, "/")
        answers["chat ask"] = person.post(
            "/chat/ask/", json={"question": "How do I renew my green card?"},
            headers={"X-CSRFToken": token},
        ).status_code  # fmt: skip
        answers["account sign-in"] = person.post(
            "/accounts/login/",
            data={"login": "nobody@example.org", "password": "wrong-password",
                  "csrfmiddlewaretoken": csrf(person, "/accounts/login/")},
        ).status_code  # fmt: skip
    with httpx.Client(base_url=base, timeout=10) as staff:
        answers["desk sign-in"] = staff.post(
            "/desk/login/",
            data={"username": agent, "password": PASSWORD,
                  "csrfmiddlewaretoken": csrf(staff, "/desk/login/")},
        ).status_code  # fmt: skip
        answers["desk after sign-in"] = staff.get("/desk/").status_code
    return answers


async def socket_status(base: str, cookie: str) -> dict:
    """The first status a chat socket answers its hello with."""
    url = base.replace("http://", "ws://") + "/ws/chat"
    async with websockets.connect(url, origin=base, additional_headers={"Cookie": cookie}) as sock:
        await sock.send(json.dumps({"type": "hello", "after": 0}))
        while True:
            event = json.loads(await asyncio.wait_for(sock.recv(), timeout=10))
            if event.get("type") == "status":
                return event


async def socket_close_code(base: str, cookie: str) -> int | None:
    url = base.replace("http://", "ws://") + "/ws/chat"
    async with websockets.connect(url, origin=base, additional_headers={"Cookie": cookie}) as sock:
        try:
            await asyncio.wait_for(sock.recv(), timeout=10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


def rate_limit_keys(url: str) -> list[bytes]:
    return list(redis.Redis.from_url(url).scan_iter("cc:rl:*"))


def test_pages_api_chat_and_sign_in_answer_while_redis_is_down_and_recover(server, redis_process):
    base = server.urls[0]
    agent = server.data["agent"]
    before = visit_everything(base, agent)
    assert all(status < 500 for status in before.values()), before
    assert rate_limit_keys(redis_process.url), "the rate limits count in Redis while it is up"

    redis_process.kill()
    started = time.monotonic()
    during = visit_everything(base, agent)
    elapsed = time.monotonic() - started
    assert all(status < 500 for status in during.values()), during
    assert during["desk sign-in"] == 302 and during["desk after sign-in"] == 200, during
    assert during["chat ask"] == 200 and during["assistant API"] == 200, during
    # Not a timing benchmark: an outage must not make each request wait out a long timeout.
    assert elapsed < 30

    # A chat socket opened while Redis is down is told to try again later.
    with httpx.Client(base_url=base, timeout=10) as person:
        token = csrf(person, "/")
        person.post("/chat/ask/", json={"question": "How do I renew my green card?"},
                    headers={"X-CSRFToken": token})  # fmt: skip
        cookie = f"sessionid={person.cookies['sessionid']}"
    assert asyncio.run(socket_close_code(base, cookie)) == 1013

    redis_process.start()
    deadline = time.monotonic() + 15
    while not rate_limit_keys(redis_process.url):
        assert time.monotonic() < deadline, "the rate limits never went back to Redis"
        time.sleep(0.3)
        after = visit_everything(base, agent)
        assert all(status < 500 for status in after.values()), after

    # Sockets are served again, and the outage was logged once, with no traceback.
    assert asyncio.run(socket_status(base, cookie))["state"]
    server.stop()
    log = server.processes[0].stderr.read().decode()
    assert log.count("redis.unavailable") == 1, log
    assert "redis.recovered" in log and "Traceback" not in log, log
