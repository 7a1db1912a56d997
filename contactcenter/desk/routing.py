"""WebSocket routes of the agent desktop (live offers, queue counts)."""

from django.urls import path

from contactcenter.desk.consumers import DeskConsumer

websocket_urlpatterns: list = [path("ws/desk", DeskConsumer.as_asgi())]
