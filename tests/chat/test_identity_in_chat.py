"""An identity check in live chat: the agent working the chat sees in the live view what the
person typed (and buttons for the identity answers in it), while the stored transcript, the
person's own echo and every catch-up stay masked, and any other member of staff gets the
masked message."""

from __future__ import annotations

import asyncio
import logging

import pytest
from django.test import Client

from contactcenter.audit.models import DisclosureLog
from contactcenter.chat.models import Message
from contactcenter.inquiries.models import InquiryEvent
from contactcenter.routing.models import WorkItem, WorkKind, WorkState
from contactcenter.staff.models import Role
from tests.chat.test_consumers import accepted_chat, person_cookie, socket, staff_cookie, until
from tests.factories import clear_disclosure_log_for_flush

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["accepted_chat"]  # the fixture, shared with test_consumers

TYPED = "My receipt is EAC 22 123 45678 and I was born March 3, 1985, ZIP 20500"
MASKED = "My receipt is [RECEIPT-NUMBER] and I was born [DATE], ZIP 20500"
SECRETS = ("45678", "1985", "March 3")


async def connected(path: str, cookie: str, *, after: int | None = None):
    communicator = socket(path, cookie)
    assert (await communicator.connect())[0]
    if after is not None:
        await communicator.send_json_to({"type": "hello", "after": after})
        await until(communicator, "status")
    return communicator


# Where and when a record was made (process id, line number, time): numbers that may contain
# a secret's digits by chance (a process 19859 "contains" 1985), never what was logged.
_RECORD_PLACE = {"process", "processName", "thread", "threadName", "created", "msecs",
                 "relativeCreated", "lineno", "asctime", "taskName"}  # fmt: skip


def _record_fields(record: logging.LogRecord) -> str:
    """A record's message, arguments and every extra field: what could carry a person's data."""
    return str({key: value for key, value in record.__dict__.items() if key not in _RECORD_PLACE})


def last_id(conversation) -> int:
    return Message.objects.filter(conversation=conversation).order_by("-id").first().pk


def test_the_agent_sees_what_was_typed_and_everything_else_stays_masked(
    accepted_chat, client, caplog
):
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)
    start = last_id(conversation)
    caplog.set_level(logging.DEBUG)

    async def talk():
        person = await connected("/ws/chat", person_session, after=start)
        agent = await connected(f"/ws/chat/desk/{reference}", agent_session, after=start)
        await person.send_json_to({"type": "message", "body": f"  {TYPED}  ", "client_id": "p-1"})

        live = (await until(agent, "message"))["message"]
        assert live["typed"] == TYPED
        assert live["body"] == MASKED and live["masked"] == ["RECEIPT-NUMBER", "DATE"]
        assert live["identity"] == [
            {"field": "receipt_number", "value": "EAC2212345678"},
            {"field": "date_of_birth", "value": "1985-03-03"},
            {"field": "zip_code", "value": "20500"},
        ]

        echo = (await until(person, "message"))["message"]
        assert echo["body"] == MASKED and echo["id"] == live["id"]
        assert "typed" not in echo and "identity" not in echo

        # Catch-up after a reload, on either side: the stored, masked message only.
        for path, cookie in (("/ws/chat", person_session),
                             (f"/ws/chat/desk/{reference}", agent_session)):  # fmt: skip
            again = await connected(path, cookie)
            await again.send_json_to({"type": "hello", "after": start})
            caught = (await until(again, "message"))["message"]
            assert caught["body"] == MASKED
            assert "typed" not in caught and "identity" not in caught
            await again.disconnect()
        for communicator in (person, agent):
            await communicator.disconnect()

    asyncio.run(talk())

    stored = Message.objects.get(conversation=conversation, client_id="p-1")
    assert stored.body == MASKED
    assert stored.data == {}
    everything = " ".join(
        [*Message.objects.values_list("body", flat=True),
         *[str(data) for data in Message.objects.values_list("data", flat=True)],
         *InquiryEvent.objects.values_list("body", flat=True),
         *[str(data) for data in InquiryEvent.objects.values_list("data", flat=True)]]
    )  # fmt: skip
    logged = caplog.text + " ".join(_record_fields(record) for record in caplog.records)
    for secret in SECRETS:
        assert secret not in everything
        assert secret not in logged


def test_a_supervisor_watching_gets_the_masked_message_and_no_buttons(accepted_chat, client, staff):
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session = person_cookie(token)
    agent_session = staff_cookie(client, agent_user)
    supervisor_session = staff_cookie(Client(), staff(Role.SUPERVISOR))  # a second browser
    start = last_id(conversation)

    async def talk():
        person = await connected("/ws/chat", person_session, after=start)
        agent = await connected(f"/ws/chat/desk/{reference}", agent_session, after=start)
        watching = await connected(f"/ws/chat/desk/{reference}", supervisor_session, after=start)
        await person.send_json_to({"type": "message", "body": TYPED})

        assert (await until(agent, "message"))["message"]["typed"] == TYPED
        seen = (await until(watching, "message"))["message"]
        assert seen["body"] == MASKED
        assert "typed" not in seen and "identity" not in seen
        for communicator in (person, agent, watching):
            await communicator.disconnect()

    asyncio.run(talk())


def test_it_is_asked_again_for_every_message_whether_the_agent_still_works_the_chat(
    accepted_chat, client
):
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)
    start = last_id(conversation)
    item = WorkItem.objects.get(inquiry=conversation.inquiry, kind=WorkKind.CHAT)

    async def talk():
        person = await connected("/ws/chat", person_session, after=start)
        agent = await connected(f"/ws/chat/desk/{reference}", agent_session, after=start)

        await person.send_json_to({"type": "message", "body": "born 03/04/1985"})
        first = (await until(agent, "message"))["message"]
        assert first["typed"] == "born 03/04/1985"
        assert first["identity"] == [{"field": "date_of_birth", "value": "1985-03-04"}]

        # The chat is taken from this agent (transferred, say) while the page is still open.
        await asyncio.to_thread(
            lambda: WorkItem.objects.filter(pk=item.pk).update(state=WorkState.DONE)
        )
        await person.send_json_to({"type": "message", "body": "born 03/05/1985"})
        second = (await until(agent, "message"))["message"]
        assert second["body"] == "born [DATE]"
        assert "typed" not in second and "identity" not in second
        for communicator in (person, agent):
            await communicator.disconnect()

    asyncio.run(talk())


def test_the_agents_own_messages_and_plain_messages_carry_nothing_extra(accepted_chat, client):
    conversation, token, agent_user = accepted_chat
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)
    start = last_id(conversation)

    async def talk():
        person = await connected("/ws/chat", person_session, after=start)
        agent = await connected(f"/ws/chat/desk/{reference}", agent_session, after=start)
        await person.send_json_to({"type": "message", "body": "Hello, can you help?"})
        plain = (await until(agent, "message"))["message"]
        assert "typed" not in plain and "identity" not in plain
        await until(person, "message")

        # The agent quotes the inquiry's reference number: kept, in the record too.
        await agent.send_json_to(
            {"type": "message", "body": f"Your inquiry number is {reference}. Born 1/2/1980?"}
        )
        said = (await until(person, "message"))["message"]
        assert said["body"] == f"Your inquiry number is {reference}. Born [DATE]?"
        mine = (await until(agent, "message"))["message"]
        assert "typed" not in mine and "identity" not in mine
        for communicator in (person, agent):
            await communicator.disconnect()

    asyncio.run(talk())


# --- The secure identity form in the widget ---------------------------------------------------


@pytest.fixture
def flushable_disclosures():
    yield
    clear_disclosure_log_for_flush()  # SQLite's flush cannot delete the log's rows otherwise


def answers_for(case, **changes) -> dict[str, str]:
    return {
        "receipt_number": case.receipt_number,
        "date_of_birth": "1985-03-14",
        "zip_code": "68508",
        "a_number_last4": "",
        **changes,
    }


def test_the_person_answers_in_the_secure_form_and_the_agent_sees_passed(
    accepted_chat, client, make_case, caplog, flushable_disclosures
):

    conversation, token, agent_user = accepted_chat
    case = make_case()
    reference = conversation.inquiry.reference_number
    person_session, agent_session = person_cookie(token), staff_cookie(client, agent_user)
    start = last_id(conversation)
    caplog.set_level(logging.DEBUG)

    async def talk():
        person = await connected("/ws/chat", person_session, after=start)
        agent = await connected(f"/ws/chat/desk/{reference}", agent_session, after=start)

        # Not asked for yet: refused, nothing checked.
        await person.send_json_to({"type": "identity", "answers": answers_for(case)})
        refused = await until(person, "error")
        assert refused["message"] == "The agent has not asked you to verify your identity."

        # The person cannot ask for the form for themselves, nor the agent send answers.
        await person.send_json_to({"type": "identity_request"})
        assert (await until(person, "error"))["code"] == "unknown_message"
        await agent.send_json_to({"type": "identity", "answers": answers_for(case)})
        assert (await until(agent, "error"))["code"] == "unknown_message"

        await agent.send_json_to({"type": "identity_request"})
        asked = (await until(person, "message"))["message"]
        assert asked["sender"] == "system" and asked["notice"] == "identity_form"
        await until(
            agent,
            "message",
        )

        # A wrong answer: failed, not which answer, and counted.
        await person.send_json_to(
            {"type": "identity", "answers": answers_for(case, zip_code="10001")}
        )
        assert await until(person, "identity_result") == {
            "type": "identity_result", "passed": False, "locked": False,
        }  # fmt: skip
        assert (await until(agent, "message"))["message"]["notice"] == "identity_failed"

        # Bad form: a clear error, nothing checked or counted.
        await person.send_json_to(
            {"type": "identity", "answers": answers_for(case, zip_code="", a_number_last4="")}
        )
        assert (await until(person, "error"))["message"] == (
            "Enter your ZIP code or the last 4 digits of your A-Number."
        )
        await person.send_json_to(
            {"type": "identity", "answers": answers_for(case, date_of_birth="March 14")}
        )
        assert (await until(person, "error"))["message"] == "Enter your date of birth."

        await person.send_json_to({"type": "identity", "answers": answers_for(case)})
        assert (await until(person, "identity_result"))["passed"] is True
        passed = (await until(agent, "message"))["message"]
        assert passed["notice"] == "identity_passed" and passed["sender"] == "system"
        for communicator in (person, agent):
            await communicator.disconnect()

    asyncio.run(talk())

    conversation.inquiry.refresh_from_db()
    assert conversation.inquiry.is_verified and conversation.inquiry.case_id == case.pk
    assert conversation.inquiry.failed_identity_checks == 1
    # The check was made for the agent working the chat, and is in the disclosure log.
    assert (
        DisclosureLog.objects.filter(viewer=agent_user, case_id=case.pk, channel="chat").count()
        == 2
    )
    # The answers are nowhere in the transcript, the history or the log.
    everything = " ".join(
        [*[f"{m.body} {m.data}" for m in Message.objects.all()],
         *[f"{e.body} {e.data}" for e in InquiryEvent.objects.all()]]
    )  # fmt: skip
    logged = caplog.text + " ".join(_record_fields(record) for record in caplog.records)
    for secret in (case.receipt_number, "1985-03-14", "68508", "10001"):
        assert secret not in everything
        assert secret not in logged


def test_only_the_agent_working_the_chat_may_ask_for_the_form(accepted_chat, staff):
    from contactcenter.chat.services import ChatError, chat_identity_form_request

    conversation, _token, _agent_user = accepted_chat
    with pytest.raises(ChatError):
        chat_identity_form_request(conversation_id=conversation.pk, user=staff(Role.SUPERVISOR))
    assert not Message.objects.filter(notice="identity_form").exists()
