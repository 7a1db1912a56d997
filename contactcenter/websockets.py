"""WebSocket routes. Channels that push live events (chat, dashboards) add theirs here."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from contactcenter.core.errors import ErrorCode


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answers ``{"type": "ping"}`` with ``{"type": "pong"}``: proves the socket path is live."""

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "code": str(ErrorCode.UNKNOWN_MESSAGE)})


from contactcenter.chat.routing import websocket_urlpatterns as chat_websockets  # noqa: E402
from contactcenter.desk.routing import websocket_urlpatterns as desk_websockets  # noqa: E402

websocket_urlpatterns = [
    path("ws/ping", PingConsumer.as_asgi()),
    *desk_websockets,
    *chat_websockets,
]
