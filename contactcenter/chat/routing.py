"""WebSocket routes for live chat."""

websocket_urlpatterns: list = []
