"""Live chat's services: handoff to the Tier 1 chat queue with the conversation masked,
messages stored once and masked, receipts, joining the agent, ending, the wait."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from contactcenter.chat import services
from contactcenter.chat.models import Conversation, ConversationState, Message, Sender
from contactcenter.chat.selectors import chat_status, conversation_for_token
from contactcenter.core.errors import InvalidInput
from contactcenter.desk.services import desk_offer_accept, desk_presence_set
from contactcenter.inquiries.models import Channel, EventKind, InquiryState
from contactcenter.routing.models import Presence, Queue, WorkItem, WorkKind, WorkState
from contactcenter.staff.models import Role
from tests.routing.wait_history import finished

pytestmark = pytest.mark.django_db


def test_token_is_kept_only_as_a_digest(knowledge):
    conversation, token = services.conversation_start(language="es")
    conversation.refresh_from_db()
    assert len(token) >= 40
    assert conversation.token_digest == services.token_digest(token) != token
    assert not Conversation.objects.filter(token_digest=token).exists()
    assert conversation_for_token(token) == conversation
    assert conversation_for_token(token + "x") is None
    assert conversation_for_token(None) is None


def test_asking_stores_the_masked_question_and_the_answer(knowledge):
    conversation, _token = services.conversation_start(language="en")
    result = services.chat_ask(
        conversation=conversation,
        question="My A-Number is A123456789, how do I replace my green card?",
    )
    assert result.question.sender == Sender.PERSON
    assert "A123456789" not in result.question.body
    assert "[A-NUMBER]" in result.question.body
    assert result.question.masked == ["A-NUMBER"]
    assert result.reply.sender == Sender.ASSISTANT and result.reply.body
    assert set(result.reply.data) == {"topic", "links", "handoff", "personal_data"}
    assert "A-NUMBER" in result.reply.data["personal_data"]
    assert not Message.objects.filter(body__contains="A123456789").exists()


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "What phone number do I call to talk to someone?"),
     ("es", "¿A qué número de teléfono llamo para hablar con alguien?")],
)  # fmt: skip
@pytest.mark.parametrize("open_now", [True, False], ids=["open", "closed"])
def test_the_assistants_own_answer_keeps_the_numbers_it_gives(
    knowledge, language, question, open_now, monkeypatch
):
    from contactcenter.assistant.services import assistant_ask

    # Asking which number to call is answered with the number at any hour, not handed over
    # while live help happens to be open (this failed only in working hours).
    monkeypatch.setattr(
        "contactcenter.assistant.services.live_help_open", lambda now=None: open_now
    )

    conversation, _token = services.conversation_start(language=language)
    result = services.chat_ask(conversation=conversation, question=question)
    expected = assistant_ask(question=question, language=language).answer
    assert re.search(r"\d{3}-\d{3}-\d{4}", expected), expected  # the answer gives a number
    stored = Message.objects.get(pk=result.reply.pk)
    assert stored.body == expected and "[PHONE]" not in stored.body
    assert stored.masked == []


def test_handoff_opens_a_chat_inquiry_with_the_masked_conversation_in_the_tier1_queue(
    waiting_chat,
):
    conversation, _token = waiting_chat(question="Call me at 402-555-0142 about my green card")
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.WAITING
    inquiry = conversation.inquiry
    assert inquiry.channel == Channel.CHAT and inquiry.language == "en"
    assert inquiry.state == InquiryState.NEW
    said = list(inquiry.events.filter(kind=EventKind.MESSAGE).values_list("actor_label", "body"))
    assert [who for who, _body in said] == ["person", "assistant"]
    assert "402-555-0142" not in said[0][1] and "[PHONE]" in said[0][1]
    item = WorkItem.objects.get(inquiry=inquiry)
    assert (item.kind, item.state, item.queue.code) == (
        WorkKind.CHAT, WorkState.QUEUED, "t1-general-en"
    )  # fmt: skip


def test_spanish_chats_wait_in_the_spanish_queue(waiting_chat):
    conversation, _token = waiting_chat(language="es", question="¿Cómo cambio mi dirección?")
    assert WorkItem.objects.get(inquiry=conversation.inquiry).queue.code == "t1-general-es"


def test_handoff_twice_changes_nothing(waiting_chat):
    conversation, _token = waiting_chat()
    services.chat_handoff(conversation=conversation)
    assert WorkItem.objects.filter(inquiry=conversation.inquiry).count() == 1


def test_handoff_outside_live_hours_is_refused_and_changes_nothing(knowledge, queues, settings):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    settings.LIVE_HELP_OPENS_AT = "00:00"
    settings.LIVE_HELP_CLOSES_AT = "00:01"
    from contactcenter.routing.calendar import live_help_calendar_reset

    live_help_calendar_reset()
    conversation, _token = services.conversation_start(language="en")
    with pytest.raises(services.LiveHelpClosed):
        services.chat_handoff(conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ASSISTANT and conversation.inquiry is None
    assert not WorkItem.objects.exists()
    live_help_calendar_reset()


def test_messages_are_masked_and_kept_once_per_client_id(waiting_chat):
    conversation, _token = waiting_chat()
    first, new = services.chat_post(
        conversation_id=conversation.pk, body="my SSN is 123-45-6789", sender="person",
        client_id="abc",
    )  # fmt: skip
    again, new_again = services.chat_post(
        conversation_id=conversation.pk, body="my SSN is 123-45-6789", sender="person",
        client_id="abc",
    )  # fmt: skip
    assert new and not new_again and again.pk == first.pk
    assert first.body == "my SSN is [SSN]" and first.masked == ["SSN"]
    assert Message.objects.filter(client_id="abc").count() == 1


@pytest.mark.parametrize("body", ["", "   ", None, 42, "x" * 2001])
def test_bad_messages_are_refused_and_nothing_is_stored(waiting_chat, body):
    conversation, _token = waiting_chat()
    before = Message.objects.count()
    with pytest.raises(InvalidInput):
        services.chat_post(conversation_id=conversation.pk, body=body, sender="person")
    assert Message.objects.count() == before


def test_no_live_messages_before_the_handoff(knowledge):
    conversation, _token = services.conversation_start(language="en")
    with pytest.raises(services.ChatError) as raised:
        services.chat_post(conversation_id=conversation.pk, body="hello", sender="person")
    assert raised.value.code == "not_handed_off"
    assert not Message.objects.exists()


def test_receipts_mark_only_the_other_sides_messages(waiting_chat):
    conversation, _token = waiting_chat()
    mine, _ = services.chat_post(conversation_id=conversation.pk, body="hi", sender="person")
    theirs, _ = services.chat_post(conversation_id=conversation.pk, body="hello", sender="agent")
    changed = services.chat_mark(
        conversation_id=conversation.pk, reader="person", up_to=theirs.pk, read=True
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert changed >= 2 and theirs.delivered_at and theirs.read_at
    assert mine.delivered_at is None and mine.read_at is None
    with pytest.raises(InvalidInput):
        services.chat_mark(conversation_id=conversation.pk, reader="agent", up_to="7", read=False)


def test_accepting_the_chat_joins_the_agent_after_commit(
    waiting_chat, staff, agent_for, django_capture_on_commit_callbacks
):
    conversation, _token = waiting_chat()
    user = staff(Role.TIER1, first_name="Rosa")
    agent = agent_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        offered = desk_presence_set(agent=agent, presence="available")
    assert offered is not None and offered.inquiry_id == conversation.inquiry_id
    with django_capture_on_commit_callbacks(execute=True):
        desk_offer_accept(agent=agent, item_id=offered.pk)
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ACTIVE
    joined = conversation.messages.get(notice="agent_joined")
    assert joined.data == {"name": "Rosa"}
    assert conversation.inquiry.state == InquiryState.ACTIVE


def test_joining_waits_for_the_commit(waiting_chat, staff, agent_for):
    conversation, _token = waiting_chat()
    agent = agent_for(staff(Role.TIER1))
    offered = desk_presence_set(agent=agent, presence="available")
    with pytest.raises(RuntimeError), transaction.atomic():
        desk_offer_accept(agent=agent, item_id=offered.pk)
        raise RuntimeError("rolled back")
    assert not conversation.messages.filter(notice="agent_joined").exists()


def test_leaving_while_waiting_takes_the_chat_out_of_the_queue(waiting_chat):
    conversation, _token = waiting_chat()
    services.chat_end(conversation_id=conversation.pk, by="person")
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ENDED
    assert WorkItem.objects.get(inquiry=conversation.inquiry).state == WorkState.CANCELLED
    assert conversation.inquiry.state == InquiryState.CLOSED
    with pytest.raises(services.ChatError) as raised:
        services.chat_post(conversation_id=conversation.pk, body="still there?", sender="person")
    assert raised.value.code == "chat_ended"


def test_position_and_wait_count_the_people_ahead(waiting_chat, make_agent):
    first, _ = waiting_chat()
    second, _ = waiting_chat()
    assert chat_status(conversation=first).position == 1
    status = chat_status(conversation=second)
    assert status.state == "waiting" and status.position == 2
    assert status.wait_minutes is None  # nothing answered lately: no figure made up
    # One agent, 3 minutes a contact: the routing estimate, 2 places x 3 minutes.
    finished(Queue.objects.get(code="t1-general-en"), [3])
    make_agent(presence=Presence.BUSY)
    assert chat_status(conversation=second).wait_minutes == 2 * 3
    assert chat_status(conversation=second).as_dict()["type"] == "status"


def test_a_socket_holding_the_chat_from_before_the_hand_over_still_gets_the_place(
    waiting_chat,
):
    """The person's socket loaded the conversation before the hand-over gave it an inquiry;
    its status must still say the place in line, not a bare "in line" (which, arriving after
    the hand-over's own answer, overwrote it in the widget)."""
    conversation, _ = waiting_chat()
    stale = Conversation.objects.get(pk=conversation.pk)
    stale.inquiry_id = None
    stale.state = ConversationState.ASSISTANT
    status = chat_status(conversation=stale)
    assert (status.state, status.position) == ("waiting", 1)


def test_desk_actions_are_told_in_the_chat(waiting_chat):
    asked_supervisor, _token = waiting_chat()
    services.chat_after_desk_action(inquiry_id=asked_supervisor.inquiry_id, action="supervisor")
    assert asked_supervisor.messages.filter(notice="supervisor_requested").exists()
    services.chat_after_desk_action(
        inquiry_id=asked_supervisor.inquiry_id, action="note"
    )  # nothing
    asked_supervisor.refresh_from_db()
    assert asked_supervisor.state == ConversationState.WAITING
    services.chat_after_desk_action(inquiry_id=asked_supervisor.inquiry_id, action="resolve")
    asked_supervisor.refresh_from_db()
    assert asked_supervisor.state == ConversationState.ENDED

    # Sent to Tier 2, the person will be called back: told so, and the chat ends.
    escalated, _token = waiting_chat()
    services.chat_after_desk_action(inquiry_id=escalated.inquiry_id, action="escalate")
    notice = escalated.messages.get(notice="transferred_tier2")
    assert notice.data == {"reference": escalated.inquiry.reference_number}
    escalated.refresh_from_db()
    assert escalated.state == ConversationState.ENDED
    assert escalated.messages.order_by("id").last().notice == "ended_by_agent"


@pytest.fixture
def transcript_message_registered(monkeypatch):
    """The catalogue entry the transcript email needs (its templates live in the chat app).
    Registered here only when the notifications catalogue does not list it yet."""
    from contactcenter.notifications import catalogue

    if services.TRANSCRIPT_TEMPLATE not in catalogue.MESSAGES:
        monkeypatch.setitem(
            catalogue.MESSAGES,
            services.TRANSCRIPT_TEMPLATE,
            catalogue.MessageSpec(
                services.TRANSCRIPT_TEMPLATE,
                frozenset({catalogue.EMAIL}),
                {"reference_number": catalogue.ValueKind.REFERENCE_NUMBER},
            ),
        )


@pytest.mark.parametrize("language", ["en", "es"])
def test_transcript_email_shows_the_masked_conversation(
    waiting_chat, transcript_message_registered, language
):
    from contactcenter.notifications.catalogue import message_render

    conversation, _token = waiting_chat(language=language)
    services.chat_post(
        conversation_id=conversation.pk, body="born 03/14/1985, LIN2412345678", sender="person"
    )
    notification = services.chat_transcript_email(
        conversation=conversation, email="ana@example.com"
    )
    assert notification.context == {"reference_number": conversation.inquiry.reference_number}
    rendered = message_render(
        key=notification.template, language=language, channel="email",
        context=notification.context,
    )  # fmt: skip
    assert conversation.inquiry.reference_number in rendered.subject
    assert "[DATE], [RECEIPT-NUMBER]" in rendered.body
    assert "1985" not in rendered.body and "LIN2412345678" not in rendered.body
    assert ("You:" if language == "en" else "Usted:") in rendered.body


def test_transcript_email_refuses_bad_requests(
    waiting_chat, knowledge, transcript_message_registered
):
    conversation, _token = waiting_chat()
    with pytest.raises(InvalidInput):
        services.chat_transcript_email(conversation=conversation, email="not an address")
    with pytest.raises(InvalidInput):
        services.chat_transcript_email(conversation=conversation, email="")
    assistant_only, _ = services.conversation_start(language="en")
    with pytest.raises(InvalidInput):
        services.chat_transcript_email(conversation=assistant_only, email="ana@example.com")
    from contactcenter.notifications.models import Notification

    assert not Notification.objects.exists()


def test_delivered_marks_are_written_together(waiting_chat):
    first, _ = waiting_chat()
    second, _ = waiting_chat()
    a, _ = services.chat_post(conversation_id=first.pk, body="one", sender="person")
    b, _ = services.chat_post(conversation_id=second.pk, body="two", sender="agent")
    c, _ = services.chat_post(conversation_id=second.pk, body="three", sender="agent")
    changed = services.chat_marks_delivered(
        marks=[(first.pk, "agent", a.pk), (second.pk, "person", b.pk)]
    )
    # Each mark covers every earlier message of the other side: the person's question to the
    # assistant in the first chat; the assistant's answer and the notices in the second.
    expected = first.messages.filter(sender="person", id__lte=a.pk).count()
    expected += second.messages.exclude(sender="person").filter(id__lte=b.pk).count()
    assert (changed, expected) == (5, 5)
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert a.delivered_at and b.delivered_at and c.delivered_at is None
    assert services.chat_marks_delivered(marks=[]) == 0
