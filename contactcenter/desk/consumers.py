"""The desk's WebSocket: signed-in staff receive live events (see ``events.py``)."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from contactcenter.core.db_threads import db_thread
from contactcenter.core.redis_fallback import RedisOutageClosesSocket
from contactcenter.desk.events import AGENTS_GROUP, SUPERVISORS_GROUP, user_group
from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles

# Closed with this code when the socket's user is not signed-in staff (4000-4999: ours).
CLOSE_FORBIDDEN = 4403


class DeskConsumer(RedisOutageClosesSocket, AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        roles = await db_thread(user_roles, user) if user is not None else set()
        if not roles & DESK_ROLES:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        groups = [user_group(user.pk), AGENTS_GROUP]
        if roles & SUPERVISOR_ROLES:
            groups.append(SUPERVISORS_GROUP)
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # Pages only listen; a ping lets a client check the socket is alive.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def desk_event(self, event: dict) -> None:
        await self.send_json(event["payload"])
