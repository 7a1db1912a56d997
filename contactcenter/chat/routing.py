"""WebSocket routes for live chat: the person's socket and the agent desktop's."""

from django.urls import path

from contactcenter.chat.consumers import DeskChatConsumer, PersonChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat", PersonChatConsumer.as_asgi()),
    path("ws/chat/desk/<str:reference>", DeskChatConsumer.as_asgi()),
]
