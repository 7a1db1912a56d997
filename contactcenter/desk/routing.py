"""WebSocket routes of the agent desktop (live offers, queue counts)."""

websocket_urlpatterns: list = []
