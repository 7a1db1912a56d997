"""Live chat across two server processes sharing Redis: the person talks to server A, the
agent works on server B, and each sees what the other says; a person who reconnects to the
other server gets what they missed.

Both uvicorn processes run on one fresh SQLite file and a Redis database of this worker's own
(emptied first; tests/chat/servers.py).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3

import httpx
import pytest
import websockets

from tests.chat.servers import redis_reachable, spare_redis_url, start
from tests.desk.conftest import PASSWORD

# A Redis database of its own. The project's settings lift redis-py 8's read timeout and
# connection cap for the channel layer (contactcenter/settings.py).
REDIS_URL = spare_redis_url()

pytestmark = pytest.mark.skipif(
    not redis_reachable(REDIS_URL), reason="Redis at 127.0.0.1:6379 is not reachable"
)


@pytest.fixture
def two_servers(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=2, redis_url=REDIS_URL, migrated=migrated_sqlite)
    yield servers
    servers.stop()


def csrf(client: httpx.Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"]


def socket_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def next_of(sock, kind: str) -> dict:
    while True:
        event = json.loads(await asyncio.wait_for(sock.recv(), timeout=10))
        if event.get("type") == kind:
            return event


def test_person_on_one_server_and_agent_on_the_other(two_servers):
    server_a, server_b = two_servers.urls
    person = httpx.Client(base_url=server_a)
    token = csrf(person, "/")
    asked = person.post("/chat/ask/", json={"question": "I want to talk to a person"},
                        headers={"X-CSRFToken": token})  # fmt: skip
    assert asked.status_code == 200, asked.text
    handed = person.post("/chat/handoff/", headers={"X-CSRFToken": token})
    assert handed.status_code == 200 and handed.json()["state"] == "waiting", handed.text

    agent = httpx.Client(base_url=server_b)
    login = agent.post(
        "/desk/login/",
        data={"username": two_servers.data["agent"], "password": PASSWORD,
              "csrfmiddlewaretoken": csrf(agent, "/desk/login/")},
    )  # fmt: skip
    assert login.status_code == 302
    agent_token = agent.cookies["csrftoken"]
    agent.post("/desk/presence/", data={"presence": "available"},
               headers={"X-CSRFToken": agent_token})  # fmt: skip
    with sqlite3.connect(two_servers.database) as db:
        item_id, reference = db.execute(
            "SELECT w.id, i.reference_number FROM routing_workitem w JOIN inquiries_inquiry i"
            " ON i.id = w.inquiry_id WHERE w.kind = 'chat' AND w.state = 'offered'"
        ).fetchone()

    person_cookie = f"sessionid={person.cookies['sessionid']}"
    agent_cookie = f"sessionid={agent.cookies['sessionid']}"

    async def talk() -> None:
        async with websockets.connect(
            socket_url(server_a, "/ws/chat"), origin=server_a,
            additional_headers={"Cookie": person_cookie},
        ) as person_socket:  # fmt: skip
            await person_socket.send(json.dumps({"type": "hello", "after": 0}))
            assert (await next_of(person_socket, "status"))["state"] == "waiting"

            # Accepting on server B joins the agent; the person on server A hears of it.
            accepted = await asyncio.to_thread(
                agent.post, f"/desk/offers/{item_id}/accept/",
                headers={"X-CSRFToken": agent_token},
            )  # fmt: skip
            assert accepted.status_code == 302
            joined = (await next_of(person_socket, "message"))["message"]
            assert joined["notice"] == "agent_joined" and joined["data"] == {"name": "Rosa"}

            async with websockets.connect(
                socket_url(server_b, f"/ws/chat/desk/{reference}"), origin=server_b,
                additional_headers={"Cookie": agent_cookie},
            ) as agent_socket:  # fmt: skip
                await agent_socket.send(json.dumps({"type": "hello", "after": joined["id"]}))
                await next_of(agent_socket, "status")
                await person_socket.send(
                    json.dumps({"type": "message", "body": "Hello from A", "client_id": "a1"})
                )
                heard = (await next_of(agent_socket, "message"))["message"]
                assert heard["body"] == "Hello from A" and heard["sender"] == "person"

                await agent_socket.send(json.dumps({"type": "typing", "active": True}))
                assert (await next_of(person_socket, "typing"))["active"] is True
                await agent_socket.send(json.dumps({"type": "message", "body": "Hi from B"}))
                reply = (await next_of(person_socket, "message"))["message"]
                assert reply["body"] == "Hi from B" and reply["name"] == "Rosa"
                await person_socket.send(json.dumps({"type": "read", "up_to": reply["id"]}))
                receipt = await next_of(agent_socket, "receipt")
                assert receipt["kind"] == "read" and receipt["up_to"] == reply["id"]

                # The person's connection drops; the agent goes on; the person comes back
                # through the other server and asks for what they missed.
                await person_socket.close()
                await agent_socket.send(json.dumps({"type": "message", "body": "Still there?"}))
                missed = (await next_of(agent_socket, "message"))["message"]

        async with websockets.connect(
            socket_url(server_b, "/ws/chat"), origin=server_b,
            additional_headers={"Cookie": person_cookie},
        ) as back:  # fmt: skip
            await back.send(json.dumps({"type": "hello", "after": reply["id"]}))
            caught_up = (await next_of(back, "message"))["message"]
            assert caught_up["id"] == missed["id"] and caught_up["body"] == "Still there?"

    asyncio.run(talk())
    with sqlite3.connect(two_servers.database) as db:
        bodies = [row[0] for row in db.execute(
            "SELECT body FROM chat_message WHERE sender IN ('person', 'agent') ORDER BY id"
        )]  # fmt: skip
    assert bodies[-3:] == ["Hello from A", "Hi from B", "Still there?"]
