"""Live events: sent after commit to the right groups, and delivered by the desk socket only to
signed-in staff."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser

from contactcenter.desk.consumers import CLOSE_FORBIDDEN, DeskConsumer
from contactcenter.desk.events import (
    AGENTS_GROUP,
    SUPERVISORS_GROUP,
    desk_event_send_on_commit,
    user_group,
)
from contactcenter.staff.models import Role


def listen(*groups: str):
    """A channel in ``groups``; returns a function draining what reached it so far."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for group in groups:
        async_to_sync(layer.group_add)(group, channel)

    def drain() -> list[dict]:
        received = []
        # The in-memory layer keeps a plain queue per channel: read what is there, no waiting.
        queue = layer.channels.get(channel)
        while queue is not None and not queue.empty():
            _expiry, message = queue.get_nowait()
            received.append(message)
        return received

    return drain


@pytest.mark.django_db
def test_event_waits_for_the_commit(django_capture_on_commit_callbacks):
    drain = listen(SUPERVISORS_GROUP)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        desk_event_send_on_commit(SUPERVISORS_GROUP, {"kind": "board", "origin": 1})
    assert drain() == []  # not before the data is safe
    assert len(callbacks) == 1
    callbacks[0]()
    assert drain() == [{"type": "desk.event", "payload": {"kind": "board", "origin": 1}}]


@pytest.mark.django_db
def test_declining_tells_agents_and_supervisors(
    signed_in, queued_call, always_open, django_capture_on_commit_callbacks
):
    client, user = signed_in(Role.TIER1)
    item = queued_call()
    client.post("/desk/presence/", {"presence": "available"})
    agents, supervisors = listen(AGENTS_GROUP), listen(SUPERVISORS_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/desk/offers/{item.pk}/decline/")
    assert [m["payload"] for m in agents()] == [{"kind": "work", "origin": user.pk}]
    assert [m["payload"] for m in supervisors()] == [{"kind": "board", "origin": user.pk}]


@pytest.mark.django_db
def test_refused_action_sends_nothing(signed_in, queues, django_capture_on_commit_callbacks):
    client, _user = signed_in(Role.TIER1)
    supervisors = listen(SUPERVISORS_GROUP, AGENTS_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/desk/offers/12345/decline/")
    assert supervisors() == []


@pytest.mark.django_db
def test_reassign_tells_the_new_holder(
    signed_in, staff, queued_call, always_open, django_capture_on_commit_callbacks
):
    from contactcenter.routing.services import agent_ensure_for_user

    item = queued_call()
    target = agent_ensure_for_user(user=staff(Role.TIER1))
    client, sup = signed_in(Role.SUPERVISOR)
    personal = listen(user_group(target.user_id))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/desk/supervisor/items/{item.pk}/assign/", {"agent": target.pk})
    assert [m["payload"] for m in personal()] == [{"kind": "assigned", "origin": sup.pk}]


async def _talk(user, *sends: tuple[str, dict]):
    """Open the desk socket as ``user`` (channels.testing needs daphne, so the bare ASGI
    communicator), push ``sends`` through the layer, return what the socket received."""
    scope = {"type": "websocket", "path": "/ws/desk", "headers": [], "subprotocols": [],
             "user": user}  # fmt: skip
    socket = ApplicationCommunicator(DeskConsumer.as_asgi(), scope)
    await socket.send_input({"type": "websocket.connect"})
    opened = await socket.receive_output(5)
    if opened["type"] != "websocket.accept":
        return False, opened.get("code"), []
    layer = get_channel_layer()
    for group, payload in sends:
        await layer.group_send(group, {"type": "desk.event", "payload": payload})
    received = [json.loads((await socket.receive_output(5))["text"]) for _ in sends]
    await socket.send_input({"type": "websocket.receive", "text": json.dumps({"type": "ping"})})
    received.append(json.loads((await socket.receive_output(5))["text"]))
    await socket.send_input({"type": "websocket.disconnect", "code": 1000})
    await socket.wait(5)
    return True, None, received


@pytest.mark.django_db(transaction=True)
def test_socket_delivers_events_to_staff_by_role(staff):
    agent = staff(Role.TIER1)
    supervisor = staff(Role.SUPERVISOR)
    _ok, _code, got = asyncio.run(
        _talk(agent, (user_group(agent.pk), {"kind": "assigned"}), (AGENTS_GROUP, {"kind": "work"}))
    )
    assert got == [{"kind": "assigned"}, {"kind": "work"}, {"type": "pong"}]
    _ok, _code, got = asyncio.run(_talk(supervisor, (SUPERVISORS_GROUP, {"kind": "board"})))
    assert got == [{"kind": "board"}, {"type": "pong"}]


@pytest.mark.django_db(transaction=True)
def test_socket_refuses_the_public_and_non_desk_staff(staff):
    for user in (AnonymousUser(), staff(Role.OFFICE_STAFF), staff("")):
        connected, code, _ = asyncio.run(_talk(user))
        assert not connected and code == CLOSE_FORBIDDEN


def test_desk_route_is_mounted():
    from contactcenter.websockets import websocket_urlpatterns

    assert any(str(p.pattern) == "ws/desk" for p in websocket_urlpatterns)


@pytest.mark.django_db(transaction=True)
def test_accepting_through_the_server_tells_the_boards_once(signed_in, queued_call, always_open):
    """Through the real ASGI application: the view's pushes go together when it returns, and
    the supervisors' boards, told of the item's step and of the agent's presence in the same
    words, get one event instead of two (one refresh of the board, one trip to the loop)."""
    import httpx

    from contactcenter.asgi import application
    from contactcenter.desk.services import desk_presence_set
    from contactcenter.routing.services import agent_ensure_for_user

    client, user = signed_in(Role.TIER1)
    item = queued_call()
    offered = desk_presence_set(agent=agent_ensure_for_user(user=user), presence="available")
    assert offered is not None and offered.pk == item.pk
    drain = listen(SUPERVISORS_GROUP)
    secret = "k" * 32  # the CSRF cookie's secret, echoed in the header as the page does

    async def accept() -> httpx.Response:
        cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": secret}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver",
            cookies=cookies,
        ) as http:  # fmt: skip
            return await http.post(
                f"/desk/offers/{item.pk}/accept/",
                headers={"X-CSRFToken": secret, "Referer": "http://testserver/desk/"},
            )

    answer = asyncio.run(accept())
    assert answer.status_code == 302, answer.text[:500]
    assert "/desk/inquiries/" in answer.headers["location"]
    boards = [m for m in drain() if m["payload"]["kind"] == "board"]
    assert boards == [{"type": "desk.event", "payload": {"kind": "board", "origin": user.pk}}]


def test_held_pushes_go_once_each_after_the_block_and_a_failed_one_stops_none(monkeypatch, caplog):
    from contactcenter.core.live_events import desk_event_send, live_pushes_together

    to_boards, to_agents, to_one = (
        listen(SUPERVISORS_GROUP),
        listen(AGENTS_GROUP),
        listen(user_group(7)),
    )
    layer = get_channel_layer()
    real_send = layer.group_send

    async def failing_for_one(group, message):
        if group == user_group(7):
            raise RuntimeError("the layer refused")
        await real_send(group, message)

    monkeypatch.setattr(layer, "group_send", failing_for_one)
    board = {"kind": "board", "origin": 1}
    with live_pushes_together():
        desk_event_send(SUPERVISORS_GROUP, board)
        desk_event_send(user_group(7), {"kind": "assigned", "origin": 1})
        desk_event_send(SUPERVISORS_GROUP, dict(board))  # the same push: kept once
        desk_event_send(AGENTS_GROUP, {"kind": "work", "origin": 1})
        assert to_boards() == [] and to_agents() == []  # held until the block ends
    assert to_boards() == [{"type": "desk.event", "payload": board}]
    assert to_agents() == [{"type": "desk.event", "payload": {"kind": "work", "origin": 1}}]
    assert to_one() == []
    assert [r.message for r in caplog.records if r.message == "live_events.send_failed"]


def test_held_pushes_stop_at_a_redis_failure_and_tell_the_breaker_once(monkeypatch):
    """Redis fails on the first of three held pushes: the other two are not tried (each would
    wait for the same time-out), the breaker opens, and the block ends without an error."""
    import redis

    from contactcenter.core.live_events import desk_event_send, live_pushes_together
    from contactcenter.core.redis_fallback import redis_circuit

    listen(SUPERVISORS_GROUP), listen(AGENTS_GROUP)
    layer = get_channel_layer()
    tried: list[str] = []

    async def redis_gone(group, message):
        tried.append(group)
        raise redis.exceptions.ConnectionError("Connection refused.")

    monkeypatch.setattr(layer, "group_send", redis_gone)
    redis_circuit.reset()
    try:
        with live_pushes_together():
            desk_event_send(SUPERVISORS_GROUP, {"kind": "board", "origin": 1})
            desk_event_send(AGENTS_GROUP, {"kind": "work", "origin": 1})
            desk_event_send(SUPERVISORS_GROUP, {"kind": "board", "origin": 2})
        assert tried == [SUPERVISORS_GROUP]
        assert redis_circuit.down
    finally:
        redis_circuit.reset()
