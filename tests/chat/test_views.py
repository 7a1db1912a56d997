"""The widget's HTTP side and the widget itself on public pages."""

from __future__ import annotations

import pytest

from contactcenter.chat.consumers import SESSION_KEY
from contactcenter.chat.models import Conversation, ConversationState
from contactcenter.chat.services import token_digest
from contactcenter.routing.calendar import live_help_calendar_reset
from contactcenter.routing.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    settings.LIVE_HELP_OPENS_AT = "00:00"
    settings.LIVE_HELP_CLOSES_AT = "00:01"
    live_help_calendar_reset()
    yield
    live_help_calendar_reset()


def ask(client, question):
    return client.post("/chat/ask/", {"question": question}, content_type="application/json")


def test_asking_starts_a_chat_known_only_by_the_session(client, knowledge, always_open):
    response = ask(client, "How do I change my address?")
    assert response.status_code == 200
    body = response.json()
    assert body["question"]["sender"] == "person" and body["reply"]["sender"] == "assistant"
    assert body["live_open"] is True and isinstance(body["handoff"], bool)
    token = client.session[SESSION_KEY]
    conversation = Conversation.objects.get()
    assert conversation.token_digest == token_digest(token)
    assert str(conversation.pk) not in response.content.decode().split('"id"')[0]
    # A second question continues the same chat.
    ask(client, "And my phone number?")
    assert Conversation.objects.count() == 1 and conversation.messages.count() == 4


@pytest.mark.parametrize(
    "payload", [{}, {"question": ""}, {"question": ["a"]}, {"question": "x" * 5000}]
)
def test_bad_questions_get_a_clear_error_and_store_nothing(client, knowledge, payload):
    response = client.post("/chat/ask/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"]
    # A refused first question starts no chat and leaves nothing in the session.
    assert not Conversation.objects.exists()
    assert SESSION_KEY not in client.session


def test_not_json_is_refused(client, knowledge):
    response = client.post("/chat/ask/", "{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_handoff_puts_the_person_in_line(client, knowledge, queues, always_open):
    # Nothing answered in the queue yet: no estimate (None), never a made-up figure.
    ask(client, "I need help with my work permit")
    response = client.post("/chat/handoff/")
    assert response.status_code == 200
    assert response.json() == {"type": "status", "state": "waiting", "position": 1,
                               "wait_minutes": None}  # fmt: skip
    assert WorkItem.objects.get().kind == "chat"


def test_outside_live_hours_the_widget_offers_other_ways_never_a_dead_end(
    client, knowledge, queues, closed
):
    ask(client, "talk to a person")
    response = client.post("/chat/handoff/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "live_help_closed"
    assert body["message"] and [o["url"] for o in body["offline"]] == [
        "/account/messages/", "/account-help/", "/case-status/", "/processing-times/",
        "/appointments/manage/",
    ]  # fmt: skip
    for option in body["offline"]:  # every one leads somewhere (the inbox asks to sign in)
        assert client.get(option["url"], follow=True).status_code == 200
    assert not WorkItem.objects.exists()
    assert Conversation.objects.get().state == ConversationState.ASSISTANT


def test_asking_for_a_person_first_while_closed_starts_nothing(client, knowledge, queues, closed):
    response = client.post("/chat/handoff/")
    assert response.status_code == 409 and response.json()["code"] == "live_help_closed"
    assert not Conversation.objects.exists() and SESSION_KEY not in client.session


def test_end_without_a_chat_is_a_clear_404(client):
    response = client.post("/chat/end/")
    assert response.status_code == 404 and response.json()["message"]


def test_transcript_needs_a_chat(client):
    response = client.post("/chat/transcript/", {"email": "ana@example.com"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 404


def test_views_take_posts_only(client):
    assert client.get("/chat/ask/").status_code == 405


@pytest.mark.parametrize(
    ("language", "button", "closed_text"),
    [
        ("en", "Chat with us", "Live chat is open Monday to Friday"),
        ("es", "Chatee con nosotros", "El chat en vivo está abierto de lunes a viernes"),
    ],
)
def test_the_widget_is_on_public_pages_in_both_languages(
    client, closed, language, button, closed_text
):
    client.cookies["django_language"] = language
    for path in ("/", "/case-status/", "/processing-times/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "data-chat-widget" in page and button in page
        assert 'aria-controls="cc-chat-panel"' in page and 'role="dialog"' in page
        assert 'aria-live="polite"' in page and closed_text in page
