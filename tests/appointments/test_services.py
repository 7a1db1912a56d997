import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from contactcenter.appointments import errors, services, slots
from contactcenter.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    AppointmentSlot,
    AppointmentState,
    RequestState,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import DispositionCode
from contactcenter.inquiries.services import inquiry_open, inquiry_resolve
from contactcenter.notifications.models import Notification
from contactcenter.offices.models import OfficeClosure
from contactcenter.offices.selectors import InvalidZipCode
from tests.appointments.conftest import NYC_ZIP, first_slot

EASTERN = ZoneInfo("America/New_York")


# --- Slots --------------------------------------------------------------------------------


def test_slots_cover_opening_hours_on_weekdays_only(offices):
    monday = dt.date(2031, 3, 3)  # a Monday, no holiday that week
    created = slots.appointment_slots_generate(
        office=offices["NYC"], first_day=monday, last_day=monday + dt.timedelta(days=6),
        slot_minutes=60, capacity=3,
    )  # fmt: skip
    days = set(AppointmentSlot.objects.values_list("day", flat=True))
    assert days == {monday + dt.timedelta(days=n) for n in range(5)}
    # NYC opens 07:30-15:30: eight one-hour slots a day.
    assert created == 5 * 8
    first = AppointmentSlot.objects.order_by("starts_at").first()
    assert first.starts_at == dt.datetime(2031, 3, 3, 7, 30, tzinfo=EASTERN)
    assert first.capacity == 3


def test_slot_generation_is_idempotent_and_keeps_bookings(offices):
    day = dt.date(2031, 3, 3)
    slots.appointment_slots_generate(office=offices["NYC"], first_day=day, last_day=day)
    AppointmentSlot.objects.update(booked=2)
    again = slots.appointment_slots_generate(office=offices["NYC"], first_day=day, last_day=day)
    assert again == 0
    assert set(AppointmentSlot.objects.values_list("booked", flat=True)) == {2}


def test_slots_skip_federal_holidays_and_closures(offices):
    # 2031-07-04 is a Friday (Independence Day); close the Thursday before too.
    OfficeClosure.objects.create(
        office=offices["NYC"], starts_on=dt.date(2031, 7, 3), ends_on=dt.date(2031, 7, 3),
        reason_en="Power outage", reason_es="Corte de luz",
    )  # fmt: skip
    slots.appointment_slots_generate(
        office=offices["NYC"], first_day=dt.date(2031, 6, 30), last_day=dt.date(2031, 7, 4)
    )
    days = set(AppointmentSlot.objects.values_list("day", flat=True))
    assert days == {dt.date(2031, 6, 30), dt.date(2031, 7, 1), dt.date(2031, 7, 2)}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"office": "VSC"},  # a service center takes no appointments
        {"last_day_offset": -1},
        {"capacity": 0},
        {"slot_minutes": 1},
        {"last_day_offset": 400},
    ],
)
def test_slot_generation_refuses_bad_input(offices, kwargs):
    day = dt.date(2031, 3, 3)
    with pytest.raises(InvalidInput):
        slots.appointment_slots_generate(
            office=offices[kwargs.get("office", "NYC")],
            first_day=day,
            last_day=day + dt.timedelta(days=kwargs.get("last_day_offset", 0)),
            capacity=kwargs.get("capacity", 4),
            slot_minutes=kwargs.get("slot_minutes", 60),
        )
    assert AppointmentSlot.objects.count() == 0


# --- Requests -----------------------------------------------------------------------------


def test_request_is_routed_to_the_field_office_serving_the_zip(offices, inquiry):
    request = services.appointment_request_create(
        inquiry=inquiry, reason="proof_of_status_stamp", zip_code=" 10025-1234 ",
        accommodations=["wheelchair_access", "sign_language_interpreter"],
        details="My A-Number is A012345678",
    )  # fmt: skip
    assert request.office == offices["NYC"]
    assert request.zip_code == NYC_ZIP
    assert request.state == RequestState.PENDING
    assert request.urgent is False
    assert request.accommodations == ["wheelchair_access", "sign_language_interpreter"]
    assert "A012345678" not in request.details  # personal data masked
    assert not Appointment.objects.exists()  # nothing books itself


def test_emergency_travel_is_urgent_and_due_the_same_business_day(offices, inquiry):
    request = services.appointment_request_create(
        inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP
    )
    assert request.urgent is True
    monday_morning = dt.datetime(2031, 3, 3, 10, 0, tzinfo=EASTERN)
    assert services.review_due_at(urgent=True, start=monday_morning) == dt.datetime(
        2031, 3, 3, 20, 0, tzinfo=EASTERN
    )
    saturday = dt.datetime(2031, 3, 8, 10, 0, tzinfo=EASTERN)
    assert services.review_due_at(urgent=True, start=saturday) == dt.datetime(
        2031, 3, 10, 20, 0, tzinfo=EASTERN
    )
    # Regular: the end of the third business day after.
    assert services.review_due_at(urgent=False, start=monday_morning) == dt.datetime(
        2031, 3, 6, 20, 0, tzinfo=EASTERN
    )


def test_an_agent_may_mark_a_regular_reason_urgent(offices, inquiry):
    request = services.appointment_request_create(
        inquiry=inquiry, reason="employment_authorization_proof", zip_code=NYC_ZIP, urgent=True
    )
    assert request.urgent is True


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reason": "haircut"}, InvalidInput, "reason"),
        ({"reason": "biometrics"}, InvalidInput, "reason"),  # booked by the agency only
        ({"zip_code": "1002"}, InvalidZipCode, "5-digit"),
        ({"zip_code": "99999"}, InvalidInput, "No field office serves ZIP code 99999"),
        ({"accommodations": ["jetpack"]}, InvalidInput, "jetpack"),
        ({"accommodations": ["other"]}, InvalidInput, "Describe"),
        ({"details": "x" * 2001}, InvalidInput, "2,000"),
    ],
)
def test_bad_requests_create_nothing(offices, inquiry, kwargs, error, message):
    values = {"inquiry": inquiry, "reason": "proof_of_status_stamp", "zip_code": NYC_ZIP, **kwargs}
    with pytest.raises(error, match=message):
        services.appointment_request_create(**values)
    assert AppointmentRequest.objects.count() == 0


def test_a_closed_inquiry_or_one_without_contacts_cannot_ask(offices, inquiry, officer):
    silent = inquiry_open(channel="phone")
    with pytest.raises(InvalidInput, match="confirmation"):
        services.appointment_request_create(
            inquiry=silent, reason="proof_of_status_stamp", zip_code=NYC_ZIP
        )
    inquiry_resolve(inquiry=inquiry, actor=officer, disposition=DispositionCode.REFERRED)
    with pytest.raises(errors.WrongState, match="closed"):
        services.appointment_request_create(
            inquiry=inquiry, reason="proof_of_status_stamp", zip_code=NYC_ZIP
        )
    assert AppointmentRequest.objects.count() == 0


def test_a_second_open_request_for_the_same_reason_is_refused(offices, inquiry):
    first = services.appointment_request_create(
        inquiry=inquiry, reason="proof_of_status_stamp", zip_code=NYC_ZIP
    )
    with pytest.raises(errors.DuplicateRequest) as raised:
        services.appointment_request_create(
            inquiry=inquiry, reason="proof_of_status_stamp", zip_code=NYC_ZIP
        )
    assert raised.value.extra == {"request_id": first.pk}
    assert AppointmentRequest.objects.count() == 1


# --- Review -------------------------------------------------------------------------------


@pytest.fixture
def pending(offices, inquiry):
    return services.appointment_request_create(
        inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP,
        accommodations=["sign_language_interpreter", "other"], accommodation_note="Needs ASL",
    )  # fmt: skip


def test_offering_a_slot_books_it_and_sends_the_confirmation(pending, slots, offices, officer):
    slot = first_slot(offices["NYC"])
    appointment = services.appointment_request_offer_slot(
        request=pending, slot=slot, reviewer=officer
    )
    slot.refresh_from_db()
    pending.refresh_from_db()
    assert slot.booked == 1
    assert pending.state == RequestState.BOOKED and pending.reviewed_by == officer
    assert appointment.office == offices["NYC"] and appointment.state == AppointmentState.BOOKED
    # Accommodations travel with the appointment to the office.
    assert appointment.accommodations == ["sign_language_interpreter", "other"]
    assert appointment.accommodation_note == "Needs ASL"
    sent = Notification.objects.filter(inquiry=pending.inquiry)
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    assert {n.language for n in sent} == {"es"}
    assert {n.template for n in sent} == {"appointment_confirmed"}
    # The appointment number, which the manage page asks for, not the inquiry's.
    local = timezone.localtime(slot.starts_at, ZoneInfo(offices["NYC"].time_zone))
    assert {tuple(sorted(n.context.items())) for n in sent} == {
        (
            ("appointment_date", local.date().isoformat()),
            ("appointment_time", f"{local:%H:%M}"),
            ("office_code", "NYC"),
            ("reason", pending.reason),
            ("reference_number", appointment.number),
        )
    }


def test_only_tier2_reviews(pending, slots, offices, tier1):
    with pytest.raises(errors.NotAllowed):
        services.appointment_request_offer_slot(
            request=pending, slot=first_slot(offices["NYC"]), reviewer=tier1
        )
    with pytest.raises(errors.NotAllowed):
        services.appointment_request_decline(request=pending, reviewer=tier1, reason="No")
    pending.refresh_from_db()
    assert pending.state == RequestState.PENDING
    assert not Appointment.objects.exists()


def test_a_full_slot_is_refused_plainly_and_nothing_changes(pending, slots, offices, officer):
    slot = first_slot(offices["NYC"])
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    with pytest.raises(errors.SlotFull, match="Someone else has just taken the last place"):
        services.appointment_request_offer_slot(request=pending, slot=slot, reviewer=officer)
    pending.refresh_from_db()
    assert pending.state == RequestState.PENDING
    assert not Appointment.objects.exists()
    assert Notification.objects.count() == 0


def test_slots_at_another_office_past_or_closed_are_refused(pending, slots, offices, officer):
    with pytest.raises(errors.SlotUnavailable):
        services.appointment_request_offer_slot(
            request=pending, slot=first_slot(offices["ASC-BRX"]), reviewer=officer
        )
    slot = first_slot(offices["NYC"])
    with pytest.raises(errors.SlotUnavailable, match="passed"):
        services.appointment_request_offer_slot(
            request=pending, slot=slot, reviewer=officer, now=slot.starts_at
        )
    OfficeClosure.objects.create(
        office=offices["NYC"], starts_on=slot.day, ends_on=slot.day,
        reason_en="Snow", reason_es="Nieve",
    )  # fmt: skip
    with pytest.raises(errors.SlotUnavailable, match="closed"):
        services.appointment_request_offer_slot(request=pending, slot=slot, reviewer=officer)
    assert not Appointment.objects.exists()
    assert AppointmentSlot.objects.filter(booked__gt=0).count() == 0


def test_a_reviewed_request_cannot_be_reviewed_again(pending, slots, offices, officer):
    services.appointment_request_decline(request=pending, reviewer=officer, reason="Call first")
    with pytest.raises(errors.WrongState):
        services.appointment_request_offer_slot(
            request=pending, slot=first_slot(offices["NYC"]), reviewer=officer
        )
    assert not Appointment.objects.exists()


def test_decline_needs_a_reason_and_tells_the_person(pending, officer):
    with pytest.raises(InvalidInput):
        services.appointment_request_decline(request=pending, reviewer=officer, reason="  ")
    pending.refresh_from_db()
    assert pending.state == RequestState.PENDING
    services.appointment_request_decline(request=pending, reviewer=officer, reason="Not needed")
    pending.refresh_from_db()
    assert pending.state == RequestState.DECLINED and pending.decline_reason == "Not needed"
    sent = Notification.objects.filter(inquiry=pending.inquiry)
    assert sent.count() == 2
    assert {n.template for n in sent} == {"appointment_request_declined"}
    # The decline reason stays with us: the message only quotes the inquiry number.
    assert {tuple(n.context.items()) for n in sent} == {
        (("reference_number", pending.inquiry.reference_number),)
    }


# --- Biometrics ---------------------------------------------------------------------------


@pytest.fixture
def biometrics(biometrics_case, slots, offices):
    return services.biometrics_appointment_book_by_agency(
        case=biometrics_case, slot=first_slot(offices["ASC-BRX"])
    )


def test_the_person_moves_biometrics_to_another_center(biometrics, biometrics_case, offices):
    old_slot = biometrics.slot
    new_slot = first_slot(offices["ASC-LAX"])
    moved = services.appointment_move(appointment=biometrics, slot=new_slot)
    old_slot.refresh_from_db()
    new_slot.refresh_from_db()
    assert (old_slot.booked, new_slot.booked) == (0, 1)
    assert moved.office == offices["ASC-LAX"] and moved.slot == new_slot
    # The case history shows the request as a newly scheduled biometrics appointment.
    latest = biometrics_case.status_history.order_by("-id").first()
    assert latest.status == CaseStatus.BIOMETRICS_SCHEDULED
    assert latest.office == offices["ASC-LAX"]
    assert latest.status_date == timezone.localdate()
    event = AppointmentEvent.objects.filter(appointment=moved, kind="moved").get()
    assert event.actor_label == "person"
    assert event.data["from"]["office"] == "ASC-BRX" and event.data["to"]["office"] == "ASC-LAX"
    # No inquiry: the message quotes the appointment number.
    sent = Notification.objects.filter(context__reference_number=moved.number)
    assert sent.count() == 2
    assert {n.template for n in sent} == {"appointment_moved"}
    assert {(n.context["office_code"], n.context["reason"]) for n in sent} == {
        ("ASC-LAX", "biometrics")
    }


def test_the_contact_center_moves_biometrics_and_notes_the_inquiry(
    biometrics, offices, officer, inquiry
):
    slot = first_slot(offices["ASC-BRX"], exclude=(biometrics.slot_id,))
    services.appointment_move(appointment=biometrics, slot=slot, actor=officer, inquiry=inquiry)
    assert inquiry.events.filter(kind="note", body__contains=biometrics.number).exists()


def test_bad_moves_change_nothing(biometrics, offices, tier1):
    before = biometrics.slot_id
    with pytest.raises(errors.NotAllowed):  # Tier 1 does not reschedule
        services.appointment_move(
            appointment=biometrics, slot=first_slot(offices["ASC-LAX"]), actor=tier1
        )
    with pytest.raises(errors.SlotUnavailable):  # biometrics go to a support center
        services.appointment_move(appointment=biometrics, slot=first_slot(offices["NYC"]))
    with pytest.raises(InvalidInput):
        services.appointment_move(appointment=biometrics, slot=biometrics.slot)
    biometrics.refresh_from_db()
    assert biometrics.slot_id == before
    assert AppointmentSlot.objects.filter(booked__gt=0).count() == 1


def test_agency_books_biometrics_once_per_case(biometrics, biometrics_case, offices):
    with pytest.raises(errors.DuplicateRequest):
        services.biometrics_appointment_book_by_agency(
            case=biometrics_case, slot=first_slot(offices["ASC-LAX"])
        )
    assert Appointment.objects.count() == 1


def test_the_person_cannot_move_a_field_office_appointment_freely(pending, slots, offices, officer):
    appointment = services.appointment_request_offer_slot(
        request=pending, slot=first_slot(offices["NYC"]), reviewer=officer
    )
    other = first_slot(offices["NYC"], exclude=(appointment.slot_id,))
    with pytest.raises(errors.NotAllowed, match="call us"):
        services.appointment_move(appointment=appointment, slot=other)
    # Tier 2 can, within the office.
    services.appointment_move(appointment=appointment, slot=other, actor=officer)
    appointment.refresh_from_db()
    assert appointment.slot_id == other.pk
