"""Each channel reports a contact's whole life as domain events, in order, with the queue,
channel, language and ids filled and nothing personal in them.

The phone line and live chat have their own files (tests/ivr, tests/chat); these are the
written and staff-side channels: secure message, web form, callback, service request,
appointment request, and the agent's own steps on a call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from contactcenter.appointments.models import AppointmentSlot
from contactcenter.appointments.services import (
    appointment_request_create,
    appointment_request_decline,
    appointment_request_offer_slot,
)
from contactcenter.appointments.slots import appointment_slots_generate
from contactcenter.core.domain_events import (
    ContactEvent,
    ContactEventKind,
    contact_event,
    contact_event_emit,
    contact_event_recorded,
)
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.desk.callbacks import callback_record_attempt
from contactcenter.desk.services import desk_inquiry_escalate, desk_offer_accept
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open, inquiry_verify_identity
from contactcenter.offices.models import Office
from contactcenter.portal.models import AccountLink
from contactcenter.portal.public_services import account_help_submit
from contactcenter.portal.services import thread_reply_staff, thread_start
from contactcenter.routing.models import Presence, Queue
from contactcenter.routing.services import (
    agent_ensure_for_user,
    agent_set_presence,
    work_item_claim,
    work_item_enqueue,
    work_item_offer_next,
)
from contactcenter.servicerequests.request_types import (
    service_request_types_cache_reset,
    service_request_types_load,
)
from contactcenter.servicerequests.services import (
    service_request_create,
    service_request_open,
    service_request_resolve,
    service_request_transfer,
)
from contactcenter.staff.models import Role
from tests.contact_events import ContactEvents, assert_no_personal_data
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory

K = ContactEventKind


@pytest.fixture
def events(django_capture_on_commit_callbacks) -> Iterator[ContactEvents]:
    """What each test's contact reports, as recorded inside each step's transaction (the same
    events ``contact_events`` hears after commit; this way a test needs no commit)."""
    recorded = ContactEvents(django_capture_on_commit_callbacks)

    def receive(sender, *, event: ContactEvent, **kwargs) -> None:
        recorded.append(event)

    contact_event_recorded.connect(receive, weak=False, dispatch_uid="tests.recorded")
    yield recorded
    contact_event_recorded.disconnect(dispatch_uid="tests.recorded")


@pytest.fixture(autouse=True)
def _fresh_service_request_types():
    service_request_types_cache_reset()
    yield
    service_request_types_cache_reset()


# --- The events themselves ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_events_are_told_after_commit_and_never_for_a_rolled_back_change():
    told: list[ContactEvent] = []

    def receive(sender, *, event: ContactEvent, **kwargs) -> None:
        told.append(event)

    contact_event.connect(receive, dispatch_uid="tests.after_commit")
    try:
        with transaction.atomic():
            contact_event_emit(K.STARTED, channel="webform", inquiry_id=1)
            assert told == []  # not before the data is safe
        assert [e.kind for e in told] == [K.STARTED]
        with pytest.raises(RuntimeError), transaction.atomic():
            contact_event_emit(K.STARTED, channel="webform", inquiry_id=2)
            raise RuntimeError
        assert [e.inquiry_id for e in told] == [1]  # the rolled-back one is never told
    finally:
        contact_event.disconnect(dispatch_uid="tests.after_commit")


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_logged_and_the_others_still_hear(caplog):
    told: list[ContactEvent] = []

    def broken(sender, **kwargs) -> None:
        raise ValueError("boom")

    def receive(sender, *, event: ContactEvent, **kwargs) -> None:
        told.append(event)

    contact_event.connect(broken, dispatch_uid="tests.broken")
    contact_event.connect(receive, dispatch_uid="tests.receive")
    try:
        with transaction.atomic():
            contact_event_emit(K.QUEUED, channel="phone", inquiry_id=7)
        assert [e.inquiry_id for e in told] == [7]
        assert "domain_events.receiver_failed" in caplog.text
    finally:
        contact_event.disconnect(dispatch_uid="tests.broken")
        contact_event.disconnect(dispatch_uid="tests.receive")


# --- Secure message -----------------------------------------------------------------------


@pytest.mark.django_db
def test_secure_message_from_first_message_to_the_answer(events, queues, make_case, always_open):
    case = make_case()
    user = StaffUserFactory(role=Role.TIER1)  # any account will do as the writer
    AccountLink.objects.create(user=user, person=case.applicant)
    thread = thread_start(user=user, case=case, subject="Card", body="Where is my card?",
                          language="en")  # fmt: skip
    agent_user = StaffUserFactory(role=Role.TIER1)
    agent = agent_ensure_for_user(user=agent_user)
    agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
    offered = work_item_offer_next(agent=agent)
    assert offered is not None and offered.inquiry_id == thread.inquiry_id
    desk_offer_accept(agent=agent, item_id=offered.pk)
    thread_reply_staff(actor=agent_user, thread=thread, body="It was mailed on Monday.")
    assert events.kinds(inquiry_id=thread.inquiry_id) == [
        K.STARTED, K.VERIFIED, K.QUEUED, K.OFFERED, K.ANSWERED, K.WRAPPED_UP,
    ]  # fmt: skip
    queued = next(e for e in events if e.kind == K.QUEUED)
    assert queued.channel == "secure_message" and queued.language == "en"
    assert queued.queue_id == Queue.objects.get(code="t1-general-en").pk
    assert_no_personal_data(events, case.receipt_number, case.applicant.family_name, "mailed")


# --- Web form -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_web_form_is_started_and_queued_in_the_persons_language(events, queues):
    inquiry = account_help_submit(
        topic="password", description="I cannot sign in.", email="writer@example.com",
        phone="", language="es",
    )  # fmt: skip
    assert events.kinds() == [K.STARTED, K.QUEUED]
    assert {e.channel for e in events} == {"webform"}
    assert {e.language for e in events} == {"es"}
    assert all(e.inquiry_id == inquiry.pk for e in events)
    assert_no_personal_data(events, "writer@example.com", "cannot sign in")


# --- Callback -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_callback_from_escalation_to_the_second_missed_call(events, queues, make_agent, at):
    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+15550100001")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="needs an officer", urgency="regular")
    officer = make_agent(tiers=["tier2"], languages=["en"], capacity={"phone": 5})
    tuesday = at(2026, 11, 24, 9, 0)
    item = work_item_claim(agent=officer, now=tuesday)
    assert item is not None
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="no_answer", now=tuesday)
    later = tuesday + dt.timedelta(hours=3)
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="voicemail", now=later)
    assert events.kinds() == [
        K.STARTED, K.QUEUED, K.ESCALATED, K.ANSWERED, K.CALLBACK_ATTEMPTED,
        K.CALLBACK_ATTEMPTED, K.RESOLVED, K.WRAPPED_UP,
    ]  # fmt: skip
    attempts = [e for e in events if e.kind == K.CALLBACK_ATTEMPTED]
    assert [e.detail["outcome"] for e in attempts] == ["no_answer", "voicemail"]
    assert [e.detail["failed_attempts"] for e in attempts] == [1, 2]
    assert all(e.agent_id == officer.pk for e in attempts)
    resolved = next(e for e in events if e.kind == K.RESOLVED)
    assert resolved.detail["disposition"] == "no_answer"
    assert_no_personal_data(events, "+15550100001", "5550100001")


# --- An agent's steps on a call -----------------------------------------------------------


@pytest.mark.django_db
def test_an_agent_answers_a_call_and_escalates_it(events, queues, staff, always_open):
    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+15550100009")
    queue = Queue.objects.get(code="t1-general-en")
    work_item_enqueue(inquiry=inquiry, kind="call", queue=queue)
    agent_user = staff(Role.TIER1)
    agent = agent_ensure_for_user(user=agent_user)
    agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
    item = work_item_offer_next(agent=agent)
    assert item is not None
    desk_offer_accept(agent=agent, item_id=item.pk)
    desk_inquiry_escalate(
        agent=agent,
        actor=agent_user,
        inquiry=inquiry,
        held_item_ids=[item.pk],
        reason="Needs an officer",
        urgency="urgent",
    )
    assert events.kinds() == [
        K.STARTED, K.QUEUED, K.OFFERED, K.ANSWERED, K.QUEUED, K.ESCALATED, K.WRAPPED_UP,
    ]  # fmt: skip
    answered = next(e for e in events if e.kind == K.ANSWERED)
    assert answered.queue_id == queue.pk and answered.agent_id == agent.pk
    assert answered.detail["how"] == "accepted" and answered.detail["waited_seconds"] >= 0
    callback = [e for e in events if e.kind == K.QUEUED][1]
    assert callback.detail == {"work": "callback", "urgent": True}
    assert next(e for e in events if e.kind == K.ESCALATED).actor_user_id == agent_user.pk


# --- Service request ----------------------------------------------------------------------


@pytest.mark.django_db
def test_service_request_from_creation_to_resolution(events, reference_data):
    service_request_types_load()
    service_request_types_cache_reset()
    nbc = Office.objects.get(code="NBC")
    person = PersonFactory(with_a_number=True, zip_code="10025", email="p@example.com")
    case = CaseFactory(office=nbc, applicant=person)
    checker = StaffUserFactory(role=Role.TIER1)
    inquiry = inquiry_open(channel="phone", contact_email="caller@example.com")
    inquiry_verify_identity(
        inquiry=inquiry, actor=checker, receipt_number=ReceiptNumber.parse(case.receipt_number),
        claimed_as="applicant",
        answers={"date_of_birth": person.date_of_birth.isoformat(), "zip_code": "10025",
                 "a_number_last4": person.a_number[-4:]},
    )  # fmt: skip
    events.clear()
    created = service_request_create(
        inquiry=inquiry, actor=checker, type_code="typographic-error",
        details={"document": "card", "description": "Birth date is wrong."},
    )  # fmt: skip
    request = created.request
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=nbc)
    service_request_open(request=request, actor=clerk)
    other = Office.objects.get(code="NSC")
    service_request_transfer(request=request, actor=clerk, to_office=other, reason="Theirs.")
    other_clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=other)
    service_request_open(request=request, actor=other_clerk)
    service_request_resolve(request=request, actor=other_clerk, note="Card corrected.")
    mine = [e for e in events if e.channel == "service_request"]
    assert [str(e.kind) for e in mine] == [
        K.STARTED, K.QUEUED, K.ANSWERED, K.TRANSFERRED, K.ANSWERED, K.RESOLVED,
    ]  # fmt: skip
    assert {e.record_id for e in mine} == {request.pk}
    assert {e.inquiry_id for e in mine} == {inquiry.pk}
    assert mine[3].detail["from_office_id"] == nbc.pk and mine[3].detail["office_id"] == other.pk
    assert mine[-1].detail["outcome"] == "done"
    assert_no_personal_data(events, case.receipt_number, person.family_name, "Birth date")


# --- Appointment request ------------------------------------------------------------------


@pytest.mark.django_db
def test_appointment_requests_booked_and_declined(events, reference_data):

    nyc = Office.objects.get(code="NYC")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    appointment_slots_generate(office=nyc, first_day=tomorrow,
                               last_day=tomorrow + dt.timedelta(days=14))  # fmt: skip
    officer = StaffUserFactory(role=Role.TIER2)
    inquiry = inquiry_open(channel="phone", language="es", contact_email="c@example.com")
    events.clear()
    booked = appointment_request_create(inquiry=inquiry, reason="proof_of_status_stamp",
                                        zip_code="10025")  # fmt: skip
    slot = AppointmentSlot.objects.filter(office=nyc).order_by("starts_at").first()
    appointment = appointment_request_offer_slot(request=booked, slot=slot, reviewer=officer)
    declined = appointment_request_create(inquiry=inquiry, reason="emergency_travel_document",
                                          zip_code="10025")  # fmt: skip
    appointment_request_decline(request=declined, reviewer=officer, reason="Not needed.")
    first = [e for e in events if e.record_id == booked.pk]
    second = [e for e in events if e.record_id == declined.pk]
    assert [str(e.kind) for e in first] == [K.STARTED, K.QUEUED, K.ANSWERED, K.RESOLVED]
    assert [str(e.kind) for e in second] == [K.STARTED, K.QUEUED, K.ANSWERED, K.RESOLVED]
    assert first[-1].detail == {"office_id": nyc.pk, "outcome": "booked",
                                "appointment_id": appointment.pk}  # fmt: skip
    assert second[-1].detail["outcome"] == "declined"
    assert {e.channel for e in first + second} == {"appointment"}
    assert {e.language for e in first + second} == {"es"}
    assert first[2].actor_user_id == officer.pk
    assert_no_personal_data(events, "c@example.com", "10025", "Not needed")
