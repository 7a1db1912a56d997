"""The chat sockets through the project's whole ASGI application (sessions, sign-in, the
Origin check), driven by Channels' WebsocketCommunicator on the in-memory channel layer."""

from __future__ import annotations

import asyncio
import sys
import types
from pathlib import Path

import channels
import pytest
import redis
from channels.layers import InMemoryChannelLayer
from django.contrib.sessions.backends.db import SessionStore

from contactcenter.chat.consumers import CLOSE_NO_CHAT, MESSAGES_PER_WINDOW, SESSION_KEY
from contactcenter.chat.models import Message
from contactcenter.core.redis_fallback import CLOSE_TRY_AGAIN_LATER, redis_circuit
from contactcenter.desk.services import desk_offer_accept, desk_presence_set
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

# ``channels.testing``'s package module imports the Daphne live-server helper, and this project
# serves with uvicorn, not Daphne. The communicator itself needs only asgiref, so its module is
# imported without running the package's __init__.
if "channels.testing" not in sys.modules:
    _testing = types.ModuleType("channels.testing")
    _testing.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = _testing
from channels.testing.websocket import WebsocketCommunicator  # noqa: E402


def person_cookie(token: str) -> str:
    session = SessionStore()
    session[SESSION_KEY] = token
    session.save()
    return f"sessionid={session.session_key}"


def staff_cookie(client, user) -> str:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def socket(path: str, cookie: str = "") -> WebsocketCommunicator:
    from contactcenter.asgi import application

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def until(communicator: WebsocketCommunicator, kind: str, **match) -> dict:
    """The next event of ``kind`` (and matching fields), skipping others."""
    while True:
        event = await communicator.receive_json_from(timeout=5)
        if event.get("type") == kind and all(event.get(k) == v for k, v in match.items()):
            return event


@pytest.fixture
def accepted_chat(waiting_chat, staff, agent_for):
    """A chat handed off and accepted by a Tier 1 agent named Rosa."""
    conversation, token = waiting_chat()
    user = staff(Role.TIER1, first_name="Rosa")
    agent = agent_for(user)
    offered = desk_presence_set(agent=agent, presence="available")
    desk_offer_accept(agent=agent, item_id=offered.pk)
    return conversation, token, user


def test_person_and_agent_talk_with_receipts_typing_and_catch_up(accepted_chat, client):
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)

    async def talk():
        person = socket("/ws/chat", person_session)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "hello", "after": 0})
        history = [(await until(person, "message"))["message"] for _ in range(4)]
        assert [m["sender"] for m in history] == ["person", "assistant", "system", "system"]
        assert history[3]["notice"] == "agent_joined" and history[3]["data"]["name"] == "Rosa"
        status = await until(person, "status")
        assert status["state"] == "active" and status["position"] is None

        agent = socket(f"/ws/chat/desk/{reference}", agent_session)
        assert (await agent.connect())[0]

        # Typing is passed on and not echoed to the typist.
        await agent.send_json_to({"type": "typing", "active": True})
        assert await until(person, "typing") == {"type": "typing", "by": "agent", "active": True}

        await person.send_json_to(
            {"type": "message", "body": "My receipt is LIN2412345678", "client_id": "p-1"}
        )
        got = (await until(agent, "message"))["message"]
        echo = (await until(person, "message"))["message"]
        # The agent working the chat also gets what was typed (tests/chat/test_identity_in_chat.py).
        assert got.pop("typed") == "My receipt is LIN2412345678"
        assert got.pop("identity") == [{"field": "receipt_number", "value": "LIN2412345678"}]
        assert got == echo and got["client_id"] == "p-1"
        assert got["body"] == "My receipt is [RECEIPT-NUMBER]" and got["sender"] == "person"

        await agent.send_json_to({"type": "delivered", "up_to": got["id"]})
        delivered = await until(person, "receipt")
        assert delivered["kind"] == "delivered" and delivered["up_to"] == got["id"]
        await agent.send_json_to({"type": "read", "up_to": got["id"]})
        receipt = await until(person, "receipt")
        assert receipt == {"type": "receipt", "kind": "read", "up_to": got["id"], "by": "agent"}

        # The person drops off; the agent's reply is stored and waits for them.
        await person.disconnect()
        await agent.send_json_to({"type": "message", "body": "Thanks, one moment."})
        reply = (await until(agent, "message"))["message"]
        assert reply["sender"] == "agent" and reply["name"] == "Rosa"

        again = socket("/ws/chat", person_session)
        assert (await again.connect())[0]
        await again.send_json_to({"type": "hello", "after": got["id"]})
        caught_up = (await until(again, "message"))["message"]
        assert caught_up["id"] == reply["id"] and caught_up["body"] == "Thanks, one moment."
        await until(again, "status")
        assert await again.receive_nothing(timeout=0.2)

        # A message re-sent after a dropped connection is stored once and echoed to the sender.
        await again.send_json_to({"type": "message", "body": "again", "client_id": "p-1"})
        echoed = (await until(again, "message"))["message"]
        assert echoed["id"] == got["id"]
        await again.disconnect()
        await agent.disconnect()

    asyncio.run(talk())
    assert Message.objects.filter(client_id="p-1").count() == 1
    stored = Message.objects.get(client_id="p-1")
    assert stored.read_at is not None and stored.delivered_at is not None
    assert not Message.objects.filter(body__contains="LIN2412345678").exists()


def test_bad_input_on_the_socket_gets_an_error_and_stores_nothing(accepted_chat):
    _conversation, token, _user = accepted_chat
    cookie = person_cookie(token)

    async def talk():
        person = socket("/ws/chat", cookie)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "message", "body": "   "})
        error = await until(person, "error")
        assert error["code"] == "invalid_input" and error["message"]
        await person.send_json_to({"type": "dance"})
        assert (await until(person, "error"))["code"] == "unknown_message"
        await person.send_json_to({"type": "read", "up_to": "all"})
        assert (await until(person, "error"))["code"] == "invalid_input"
        await person.disconnect()

    async def flood():
        person = socket("/ws/chat", cookie)
        assert (await person.connect())[0]
        for n in range(MESSAGES_PER_WINDOW + 1):
            await person.send_json_to({"type": "message", "body": f"spam {n}"})
        refused = await until(person, "error")
        assert refused["code"] == "rate_limited" and refused["message"]
        await person.disconnect()

    before = Message.objects.count()
    asyncio.run(talk())
    assert Message.objects.count() == before
    asyncio.run(flood())
    assert Message.objects.filter(body__startswith="spam").count() == MESSAGES_PER_WINDOW


def test_strangers_cannot_join_a_chat(accepted_chat, staff, client):
    conversation, _token, _user = accepted_chat
    reference = conversation.inquiry.reference_number

    async def refused(path: str, cookie: str = "") -> int:
        communicator = socket(path, cookie)
        connected, code = await communicator.connect()
        assert not connected
        return code

    guessed = person_cookie("guessed-token")
    others = [staff_cookie(client, staff(role)) for role in (Role.TIER1, Role.OFFICE_STAFF)]
    supervisor = staff_cookie(client, staff(Role.SUPERVISOR))

    async def run():
        assert await refused("/ws/chat") == CLOSE_NO_CHAT  # no chat in this session
        assert await refused("/ws/chat", guessed) == CLOSE_NO_CHAT
        assert await refused(f"/ws/chat/desk/{reference}") == CLOSE_NO_CHAT
        for cookie in others:
            assert await refused(f"/ws/chat/desk/{reference}", cookie) == CLOSE_NO_CHAT
        watching = socket(f"/ws/chat/desk/{reference}", supervisor)
        assert (await watching.connect())[0]  # supervisors may join any chat
        await watching.disconnect()

    asyncio.run(run())


def test_waiting_person_sees_position_and_wait(waiting_chat):
    _first, _ = waiting_chat()
    _conversation, token = waiting_chat()
    cookie = person_cookie(token)

    async def talk():
        person = socket("/ws/chat", cookie)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "status"})
        status = await until(person, "status")
        await person.disconnect()
        return status

    status = asyncio.run(talk())
    assert status == {"type": "status", "state": "waiting", "position": 2, "wait_minutes": None}


def test_opening_the_sockets_sends_nothing_to_the_shared_sync_thread(
    accepted_chat, client, monkeypatch
):
    """The user behind a socket's session (core/socket_auth.py), the chat it may open and the
    desk socket's roles are read on the database threads: a desk's worth of sockets opening at
    once does not queue in the process's one shared sync thread, where Channels sends them."""
    from concurrent.futures import ThreadPoolExecutor

    import channels.consumer
    import channels.generic.websocket
    from asgiref.sync import SyncToAsync

    class Counted(ThreadPoolExecutor):
        submitted: list[object] = []

        def submit(self, fn, /, *args, **kwargs):
            self.submitted.append(fn)
            return super().submit(fn, *args, **kwargs)

    shared = Counted(max_workers=1)
    monkeypatch.setattr(SyncToAsync, "single_thread_executor", shared)
    # Channels' own clean-up after a socket closes (and before each message of sockets other
    # than the chat's) goes to that thread too; counted apart, it is not a look-up.
    cleanups = []

    async def cleanup() -> None:
        cleanups.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", cleanup)
    monkeypatch.setattr(channels.generic.websocket, "aclose_old_connections", cleanup)
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)

    async def open_all() -> list[dict]:
        sockets = [socket("/ws/chat", person_session),
                   socket(f"/ws/chat/desk/{reference}", agent_session),
                   socket("/ws/desk", agent_session)]  # fmt: skip
        for sock in sockets:
            assert (await sock.connect())[0]
        person, agent = sockets[0], sockets[1]
        await person.send_json_to({"type": "hello", "after": 0})
        await agent.send_json_to({"type": "hello", "after": 0})
        statuses = [await until(person, "status"), await until(agent, "status")]
        for sock in sockets:
            await sock.disconnect()
        return statuses

    statuses = asyncio.run(open_all())
    shared.shutdown()
    assert [status["state"] for status in statuses] == ["active", "active"]
    assert shared.submitted == []
    assert cleanups  # the patch took: Channels' clean-ups were counted here instead


def test_chat_traffic_sends_nothing_to_the_shared_sync_thread(accepted_chat, client, monkeypatch):
    """Channels closes stale database connections before every handler by a trip to the
    process's one shared sync thread; the chat sockets skip it (their database work returns its
    connection itself), so a busy process does not queue every socket behind that thread."""
    import channels.consumer

    trips = []
    original = channels.consumer.aclose_old_connections

    async def counted():
        trips.append(1)
        await original()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)

    async def talk() -> tuple[int, int]:
        person = socket("/ws/chat", person_session)
        assert (await person.connect())[0]
        agent = socket(f"/ws/chat/desk/{reference}", agent_session)
        assert (await agent.connect())[0]
        before = len(trips)
        await person.send_json_to({"type": "message", "body": "Hello", "client_id": "t-1"})
        got = (await until(agent, "message"))["message"]
        await until(person, "message")
        await agent.send_json_to({"type": "delivered", "up_to": got["id"]})
        assert (await until(person, "receipt"))["up_to"] == got["id"]
        chat_trips = len(trips) - before
        # The bare ping socket keeps Channels' own dispatch: the counter does see those trips.
        ping = socket("/ws/ping")
        assert (await ping.connect())[0]
        await ping.send_json_to({"type": "ping"})
        assert await ping.receive_json_from(timeout=5) == {"type": "pong"}
        ping_trips = len(trips) - before - chat_trips
        for sock in (ping, agent, person):
            await sock.disconnect()
        return chat_trips, ping_trips

    chat_trips, ping_trips = asyncio.run(talk())
    assert chat_trips == 0
    assert ping_trips >= 1
    assert Message.objects.filter(client_id="t-1").count() == 1


def test_a_layer_failure_closes_the_socket_with_1013_and_keeps_the_message(
    accepted_chat, monkeypatch, settings
):
    """Redis fails under an open socket: the message is stored, the socket is closed with
    1013 ("try again later") instead of dying with an error, and the page's re-sent copy after
    reconnecting is kept once."""
    conversation, token, _agent = accepted_chat
    session = person_cookie(token)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # the breaker watches Redis only when set
    item = {"type": "message", "body": "Is my card on its way?", "client_id": "c-1"}

    async def talk():
        person = socket("/ws/chat", session)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "hello", "after": 0})
        await until(person, "status")

        async def redis_gone(self, group, message):
            raise redis.exceptions.ConnectionError("Connection closed by server.")

        monkeypatch.setattr(InMemoryChannelLayer, "group_send", redis_gone)
        await person.send_json_to(item)
        while True:
            output = await person.receive_output(timeout=5)
            if output["type"] == "websocket.close":
                break
        await person.wait()
        return output

    closed = asyncio.run(talk())
    assert closed["code"] == CLOSE_TRY_AGAIN_LATER
    assert Message.objects.filter(conversation=conversation, client_id="c-1").count() == 1

    # While the breaker is open a new socket is told the same at once.
    async def reconnect():
        person = socket("/ws/chat", session)
        connected, _ = await person.connect()
        output = await person.receive_output(timeout=5)
        await person.disconnect()
        return connected, output

    _accepted, output = asyncio.run(reconnect())
    assert output == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}

    # Redis back: the page re-sends its outbox; the copy is kept once.
    monkeypatch.undo()
    redis_circuit.reset()

    async def resend():
        person = socket("/ws/chat", session)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "hello", "after": 0})
        await person.send_json_to(item)
        await until(person, "message")
        await person.disconnect()

    asyncio.run(resend())
    assert Message.objects.filter(conversation=conversation, client_id="c-1").count() == 1


def test_a_person_gone_mid_send_is_not_a_redis_outage(accepted_chat, settings):
    """The server writes to a socket the person has just closed (uvicorn raises its
    ClientDisconnected, an OSError): the consumer ends, and the breaker stays shut, so the
    process's other sockets are not turned away with 1013 and its live pushes still go out."""
    from uvicorn.protocols.utils import ClientDisconnected

    from contactcenter.asgi import application

    _conversation, token, _agent = accepted_chat
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # the breaker watches Redis only when set
    redis_circuit.reset()
    scope = {
        "type": "websocket", "path": "/ws/chat", "raw_path": b"/ws/chat", "query_string": b"",
        "headers": [(b"origin", b"http://testserver"), (b"host", b"testserver"),
                    (b"cookie", person_cookie(token).encode())],
        "subprotocols": [], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    sent: list[dict] = []

    async def talk():
        inbox: asyncio.Queue = asyncio.Queue()
        await inbox.put({"type": "websocket.connect"})
        await inbox.put({"type": "websocket.receive", "text": '{"type": "hello", "after": 0}'})

        async def send(message: dict) -> None:
            if message["type"] == "websocket.send":
                raise ClientDisconnected  # the page was closed under the server's write
            sent.append(message)

        await asyncio.wait_for(application(scope, inbox.get, send), timeout=10)

    asyncio.run(talk())
    assert sent[0]["type"] == "websocket.accept"
    assert not redis_circuit.down
    assert redis_circuit.available()
    assert {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER} not in sent
