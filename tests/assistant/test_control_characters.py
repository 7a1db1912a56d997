"""The assistant API refuses a question with control characters: 400 with code and message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_assistant_api_refuses_them_with_code_and_message(client, knowledge_base):
    response = client.post(
        "/api/v1/assistant/ask",
        {"question": "lost green card\x00", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "control_characters"
    assert set(response.json()) == {"code", "message"}


def test_the_assistant_api_answers_in_spanish_for_a_spanish_speaker(client, knowledge_base):
    response = client.post(
        "/api/v1/assistant/ask",
        {"question": "tarjeta\x00", "language": "es"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert "caracteres de control" in response.json()["message"]
