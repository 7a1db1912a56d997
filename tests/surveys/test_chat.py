"""The chat's survey: asked in the widget when a chat with an agent ends, answered over HTTP
in the chat's own session, once."""

from __future__ import annotations

import pytest

from contactcenter.chat.models import Conversation
from contactcenter.desk.services import desk_inquiry_escalate, desk_offer_accept, desk_presence_set
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role
from contactcenter.surveys.models import Survey
from tests.chat.conftest import _chat_settings, knowledge  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


@pytest.fixture
def chat_with_agent(
    client,
    knowledge,  # noqa: F811
    queues,
    always_open,
    staff,
    django_capture_on_commit_callbacks,
):
    """The person asks, asks for a person, and an agent accepts. Returns (conversation, agent)."""
    _post(client, "/chat/ask/", {"question": "How do I replace my green card?"})
    assert _post(client, "/chat/handoff/").json()["state"] == "waiting"
    agent = agent_ensure_for_user(user=staff(Role.TIER1, first_name="Rosa"))
    offered = desk_presence_set(agent=agent, presence="available")
    assert offered is not None
    with django_capture_on_commit_callbacks(execute=True):  # the agent joins the chat
        desk_offer_accept(agent=agent, item_id=offered.pk)
    conversation = Conversation.objects.get()
    assert conversation.state == "active"
    return conversation, agent, offered


def test_the_person_ends_the_chat_and_answers_once(client, chat_with_agent):
    conversation, agent, offered = chat_with_agent
    assert _post(client, "/chat/survey/", {"score": 5}).status_code == 409  # not ended yet
    assert not Survey.objects.exists()

    ended = _post(client, "/chat/end/").json()
    assert (ended["state"], ended["survey"]) == ("ended", True)
    survey = Survey.objects.get()
    assert (survey.inquiry_id, survey.channel, survey.invited_by) == (
        conversation.inquiry_id, "chat", "chat"
    )  # fmt: skip
    assert (survey.agent_id, survey.queue_id, survey.language) == (
        agent.user_id, offered.queue_id, "en"
    )  # fmt: skip

    for bad in (0, 6, "x", None, 4.5):
        response = _post(client, "/chat/survey/", {"score": bad, "comment": "hi"})
        assert response.status_code == 400, bad
        assert response.json()["message"] == "Choose a score from 1 to 5."
    assert Survey.objects.get().answered_at is None

    assert _post(client, "/chat/survey/", {"score": "4", "comment": "Quick."}).json() == {
        "answered": True
    }
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick.")
    second = _post(client, "/chat/survey/", {"score": 1})
    assert second.status_code == 410
    assert Survey.objects.get().score == 4
    # The widget, reloaded, is no longer asked.
    assert "survey" not in _post(client, "/chat/end/").json()


def test_another_browser_cannot_answer_it(client, chat_with_agent, django_user_model):
    from django.test import Client

    _post(client, "/chat/end/")
    stranger = Client()
    assert _post(stranger, "/chat/survey/", {"score": 1}).status_code == 404
    assert Survey.objects.get().answered_at is None


def test_a_chat_sent_on_to_a_callback_is_not_asked_in_the_chat(
    client, chat_with_agent, django_capture_on_commit_callbacks
):
    conversation, agent, offered = chat_with_agent
    with django_capture_on_commit_callbacks(execute=True):  # the chat hears and ends
        desk_inquiry_escalate(agent=agent, actor=agent.user, inquiry=offered.inquiry,
                              held_item_ids=[offered.pk], reason="Needs an officer",
                              urgency="regular")  # fmt: skip
    conversation.refresh_from_db()
    assert conversation.state == "ended"
    assert not Survey.objects.exists()
    assert "survey" not in _post(client, "/chat/end/").json()


def test_a_person_who_left_before_an_agent_joined_is_not_asked(
    client,
    knowledge,  # noqa: F811
    queues,
    always_open,
):
    _post(client, "/chat/ask/", {"question": "How do I replace my green card?"})
    _post(client, "/chat/handoff/")
    assert "survey" not in _post(client, "/chat/end/").json()
    assert not Survey.objects.exists()


def test_the_agent_resolving_the_chat_asks_the_survey_too(
    client, chat_with_agent, django_capture_on_commit_callbacks
):
    from contactcenter.desk.services import desk_inquiry_resolve

    _conversation, agent, offered = chat_with_agent
    with django_capture_on_commit_callbacks(execute=True):
        desk_inquiry_resolve(agent=agent, actor=agent.user, inquiry=offered.inquiry,
                             held_item_ids=[offered.pk],
                             disposition="resolved_first_contact")  # fmt: skip
    assert Survey.objects.get().agent_id == agent.user_id
    # The widget learns of it from the status (the socket sends the same after the notice).
    assert _post(client, "/chat/end/").json()["survey"] is True
    # The agent, signed in, cannot answer it through the person's session either.
    client.force_login(agent.user)
    assert _post(client, "/chat/survey/", {"score": 5}).status_code == 403
    assert Survey.objects.get().answered_at is None
