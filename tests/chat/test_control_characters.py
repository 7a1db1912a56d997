"""Live chat refuses a question with control characters, with a clear error, and starts nothing."""

from __future__ import annotations

import pytest

from contactcenter.chat.models import Conversation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["How do I\x00 change my address?", "\x1b]0;owned\x07"])
def test_live_chat_refuses_them_and_starts_nothing(client, knowledge, text):
    response = client.post("/chat/ask/", {"question": text}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "control_characters"
    assert "control characters" in response.json()["message"]
    assert not Conversation.objects.exists()
