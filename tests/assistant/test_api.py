"""POST /api/v1/assistant/ask over real HTTP handling (Django's test client)."""

from __future__ import annotations

import uuid

import pytest

URL = "/api/v1/assistant/ask"


def ask(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_answers_with_topic_links_and_follow_up(client, knowledge_base):
    response = ask(client, {"question": "How do I replace a lost green card?", "language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["topic"] == "replace-green-card"
    assert body["handoff"] is False
    assert body["language"] == "en"
    assert 0 < body["confidence"] <= 1
    assert body["links"][0]["url"].startswith("/")
    assert body["follow_up"] == "Did this answer your question?"
    assert set(body) == {
        "topic", "answer", "links", "handoff", "confidence", "language", "personal_data",
        "follow_up",
    }  # fmt: skip


def test_detects_spanish_when_no_language_is_given(client, knowledge_base):
    body = ask(client, {"question": "¿Cómo cambio mi dirección?"}).json()
    assert body["language"] == "es"
    assert body["topic"] == "change-address"
    assert body["follow_up"] == "¿Respondió esto a su pregunta?"


def test_handoff_and_personal_data(client, knowledge_base):
    body = ask(client, {"question": "agent please, my A-Number is A012345678"}).json()
    assert body["handoff"] is True
    assert body["follow_up"] is None
    assert body["personal_data"] == ["a_number"]
    assert "012345678" not in body["answer"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": ""}, "invalid_input"),
        ({"question": "y" * 501}, "invalid_input"),
        ({"question": "hola", "language": "fr"}, "invalid_input"),
        ({}, "invalid_input"),
    ],
)
def test_bad_requests_are_400_with_a_reason(client, db, body, code):
    response = ask(client, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_error_message_follows_the_requested_language(client, db):
    # The app's Spanish catalogue is compiled by make; without it the English text is kept.
    response = ask(client, {"question": " ", "language": "es"})
    assert response.status_code == 400
    assert response.json()["message"] in {
        "Type a question for the assistant.",
        "Escriba una pregunta para el asistente.",
    }


def test_too_many_questions_from_one_address_is_a_429(client, knowledge_base, settings):
    settings.ASSISTANT_RATE_LIMIT = 2
    # Addresses of their own, so earlier tests' questions (same window) do not count.
    address, other = f"test-{uuid.uuid4()}", f"test-{uuid.uuid4()}"
    codes = [
        ask(client, {"question": "office hours"}, REMOTE_ADDR=address).status_code for _ in range(2)
    ]
    assert codes == [200, 200]
    limited = ask(client, {"question": "office hours"}, REMOTE_ADDR=address)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1
    assert ask(client, {"question": "office hours"}, REMOTE_ADDR=other).status_code == 200


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "post" in document["paths"]["/api/v1/assistant/ask"]
