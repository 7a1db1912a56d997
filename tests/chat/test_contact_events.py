"""Every step of a chat reported as a domain event, in order, for each way a chat goes: the
person's side through the chat's services, the agent's through the desk's."""

from __future__ import annotations

import pytest

from contactcenter.chat import services
from contactcenter.chat.models import ConversationState
from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.desk.services import desk_inquiry_resolve, desk_offer_accept, desk_presence_set
from contactcenter.inquiries.models import DispositionCode
from contactcenter.routing.models import WorkItem
from contactcenter.staff.roles import Role
from tests.contact_events import assert_no_personal_data

pytestmark = pytest.mark.django_db

# What a person might type; none of it may reach an event.
EMAIL = "ana.reyes@example.org"
RECEIPT = "LIN2412345678"
PHONE = "+15555550142"


def test_a_chat_answered_by_the_assistant(knowledge, queues, always_open, contact_events):
    """No hand-over: each question the assistant answers is self-service on the assistant's
    channel (the conversation is the record); one it hands over is not."""
    with contact_events.committed():
        conversation, _token = services.conversation_start(language="es")
        services.chat_ask(conversation=conversation, question="¿Cómo reemplazo mi tarjeta verde?")
        services.chat_ask(conversation=conversation, question=f"zxqv wplk {EMAIL} {RECEIPT}")
        handed = services.chat_ask(
            conversation=conversation, question="Quiero hablar con un agente"
        )
        services.chat_end(conversation_id=conversation.pk, by="person")
    assert handed.handoff  # asked for a person, but left instead of waiting for one
    assert contact_events.kinds() == ["self_served", "self_served", "ended"]
    answered, unsure = contact_events.matching(kind=Kind.SELF_SERVED)
    assert answered.detail["confident"] is True and answered.detail["topic"]
    assert unsure.detail["confident"] is False
    assert {
        (event.channel, event.language, event.record_id, event.inquiry_id)
        for event in contact_events
    } == {("virtual_assistant", "es", conversation.pk, None)}
    ended = contact_events.one(Kind.ENDED).detail
    assert (ended["by"], ended["was"], ended["handed_off"]) == ("person", "assistant", False)
    assert_no_personal_data(contact_events, EMAIL, RECEIPT)


def test_a_chat_handed_over_answered_and_resolved_by_the_agent(
    waiting_chat, staff, agent_for, contact_events
):
    with contact_events.committed():
        conversation, _token = waiting_chat(question=f"How do I replace my green card? {PHONE}")
    agent = agent_for(staff(Role.TIER1, first_name="Rosa"))
    with contact_events.committed():
        offered = desk_presence_set(agent=agent, presence="available")
    assert offered is not None
    with contact_events.committed():
        desk_offer_accept(agent=agent, item_id=offered.pk)
    with contact_events.committed():
        services.chat_post(conversation_id=conversation.pk, body="Hello!", sender="agent",
                           author=agent.user)  # fmt: skip
        desk_inquiry_resolve(
            agent=agent, actor=agent.user, inquiry=offered.inquiry, held_item_ids=[offered.pk],
            disposition=DispositionCode.RESOLVED_FIRST_CONTACT,
        )  # fmt: skip
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ENDED  # the resolution ended the chat
    assert contact_events.kinds() == [
        "self_served",  # the assistant answered the question asked before the hand-over
        "started", "queued", "offered", "answered", "resolved", "wrapped_up", "ended",
    ]  # fmt: skip
    assert contact_events.kinds(channel="chat") == contact_events.kinds()[1:]
    assert {event.inquiry_id for event in contact_events.matching(channel="chat")} == {
        conversation.inquiry_id
    }
    item = WorkItem.objects.get(pk=offered.pk)
    for kind in (Kind.QUEUED, Kind.OFFERED, Kind.ANSWERED, Kind.WRAPPED_UP):
        event = contact_events.one(kind)
        assert (event.queue_id, event.work_item_id) == (item.queue_id, item.pk)
    assert contact_events.one(Kind.ANSWERED).agent_id == agent.pk
    assert contact_events.one(Kind.RESOLVED).actor_user_id == agent.user_id
    ended = contact_events.one(Kind.ENDED)
    assert ended.record_id == conversation.pk
    assert (ended.detail["by"], ended.detail["was"], ended.detail["handed_off"]) == (
        "agent", "active", True,
    )  # fmt: skip
    assert {event.language for event in contact_events} == {"en"}
    assert_no_personal_data(contact_events, PHONE, "Rosa", agent.user.username)


def test_a_chat_abandoned_while_waiting(waiting_chat, contact_events):
    with contact_events.committed():
        conversation, _token = waiting_chat(language="es", question="¿Cuánto cuesta el I-90?")
    with contact_events.committed():
        services.chat_end(conversation_id=conversation.pk, by="person")
    assert contact_events.kinds(channel="chat") == [
        "started", "queued", "abandoned", "resolved", "ended",
    ]  # fmt: skip
    item = WorkItem.objects.get(inquiry_id=conversation.inquiry_id)
    abandoned = contact_events.one(Kind.ABANDONED)
    assert (abandoned.work_item_id, abandoned.queue_id) == (item.pk, item.queue_id)
    assert abandoned.detail["waited_seconds"] >= 0
    assert contact_events.one(Kind.RESOLVED).detail["disposition"] == DispositionCode.NO_ANSWER
    ended = contact_events.one(Kind.ENDED).detail
    assert (ended["by"], ended["was"], ended["handed_off"]) == ("person", "waiting", True)
    assert {event.language for event in contact_events} == {"es"}
    assert_no_personal_data(contact_events)


def test_ending_twice_reports_one_end(waiting_chat, contact_events):
    conversation, _token = waiting_chat()
    with contact_events.committed():
        services.chat_end(conversation_id=conversation.pk, by="person")
        services.chat_end(conversation_id=conversation.pk, by="person")
    assert contact_events.kinds() == ["abandoned", "resolved", "ended"]
