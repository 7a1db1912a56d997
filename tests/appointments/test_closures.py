import datetime as dt
from collections import Counter

import pytest

from contactcenter.appointments import closures, errors, services
from contactcenter.appointments.models import (
    Appointment,
    AppointmentOffer,
    AppointmentSlot,
    AppointmentState,
)
from contactcenter.appointments.periodic import closures_with_bookings_handle
from contactcenter.appointments.selectors import appointment_offered_slots
from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.services import inquiry_open
from contactcenter.notifications.models import Notification
from contactcenter.offices.models import OfficeClosure
from tests.appointments.conftest import NYC_ZIP


def book(count, *, office, day, officer, contacts=True):
    """``count`` reviewed field-office bookings at ``office`` on ``day``."""
    slots = list(AppointmentSlot.objects.filter(office=office, day=day).order_by("starts_at"))
    booked = []
    for index in range(count):
        inquiry = inquiry_open(
            channel="phone",
            contact_email=f"p{index}@example.com" if contacts else "",
            contact_phone="+14025550142",
        )
        request = services.appointment_request_create(
            inquiry=inquiry, reason="proof_of_status_stamp", zip_code=NYC_ZIP
        )
        slot = next(s for s in slots if s.booked < s.capacity)
        booked.append(
            services.appointment_request_offer_slot(request=request, slot=slot, reviewer=officer)
        )
        slot.refresh_from_db()
    return booked


@pytest.fixture
def closed_day(slots, offices):
    return AppointmentSlot.objects.filter(office=offices["NYC"]).order_by("day").first().day


@pytest.fixture
def close(offices, closed_day):
    """Close NYC on the closed day (call it after booking: a closed day takes no bookings)."""

    def make() -> OfficeClosure:
        return OfficeClosure.objects.create(
            office=offices["NYC"], starts_on=closed_day, ends_on=closed_day,
            reason_en="Building repairs", reason_es="Reparaciones en el edificio",
        )  # fmt: skip

    return make


def test_closure_tells_everyone_booked_that_day_and_offers_new_times(
    offices, closed_day, officer, slots
):
    people = book(6, office=offices["NYC"], day=closed_day, officer=officer)
    other_day = AppointmentSlot.objects.filter(office=offices["NYC"]).exclude(day=closed_day)
    untouched = book(1, office=offices["NYC"], day=other_day.first().day, officer=officer)[0]
    closure = OfficeClosure.objects.create(
        office=offices["NYC"], starts_on=closed_day, ends_on=closed_day,
        reason_en="Flood", reason_es="Inundación",
    )  # fmt: skip
    Notification.objects.all().delete()

    outcome = closures.office_closure_appointments_notify(closure=closure, batch_size=4)

    assert outcome.displaced == 6 and outcome.notifications == 12 and outcome.without_offer == 0
    assert Notification.objects.count() == 12  # email and text for each of the six
    sent = Notification.objects.all()
    assert {n.template for n in sent} == {"appointment_office_closed"}
    assert {(n.context["reference_number"], n.context["closed_on"]) for n in sent} == {
        (a.number, closed_day.isoformat()) for a in people
    }
    states = dict(Appointment.objects.values_list("pk", "state"))
    assert {states[a.pk] for a in people} == {AppointmentState.DISPLACED}
    assert states[untouched.pk] == AppointmentState.BOOKED
    offers = AppointmentOffer.objects.filter(closure=closure)
    assert Counter(offers.values_list("appointment_id", flat=True)) == {a.pk: 3 for a in people}
    # No offered time is on the closed day, and first choices never overbook a slot.
    assert not offers.filter(slot__day=closed_day).exists()
    firsts = Counter(offers.filter(rank=0).values_list("slot_id", flat=True))
    for slot_id, count in firsts.items():
        slot = AppointmentSlot.objects.get(pk=slot_id)
        assert count <= slot.capacity - slot.booked


def test_rerunning_a_closure_notifies_nobody_twice(offices, closed_day, officer, close):
    book(3, office=offices["NYC"], day=closed_day, officer=officer)
    closure = close()
    Notification.objects.all().delete()
    first = closures.office_closure_appointments_notify(closure=closure)
    second = closures.office_closure_appointments_notify(closure=closure)
    assert (first.displaced, first.notifications) == (3, 6)
    assert (second.displaced, second.notifications) == (0, 0)
    assert Notification.objects.count() == 6
    assert AppointmentOffer.objects.count() == 9


def test_the_person_takes_an_offered_time(offices, closed_day, officer, close):
    appointment = book(1, office=offices["NYC"], day=closed_day, officer=officer)[0]
    closure = close()
    closures.office_closure_appointments_notify(closure=closure)
    appointment.refresh_from_db()
    offered = appointment_offered_slots(appointment=appointment)
    not_offered = (
        AppointmentSlot.objects.filter(office=offices["NYC"])
        .exclude(day=closed_day)
        .exclude(pk__in=[s.pk for s in offered])
        .first()
    )
    with pytest.raises(errors.NotAllowed):
        services.appointment_move(appointment=appointment, slot=not_offered)
    moved = services.appointment_move(appointment=appointment, slot=offered[1])
    assert moved.state == AppointmentState.BOOKED and moved.slot_id == offered[1].pk
    assert not moved.offers.exists()
    # The closed day's place is not given back (nobody can book that day anyway).
    assert AppointmentSlot.objects.get(pk=offered[1].pk).booked == 1


def test_the_periodic_job_handles_closures_with_bookings(offices, closed_day, officer, close):
    book(2, office=offices["NYC"], day=closed_day, officer=officer)
    close()
    assert closures_with_bookings_handle() == 1
    assert closures_with_bookings_handle() == 0  # nothing left to do
    assert Appointment.objects.filter(state=AppointmentState.DISPLACED).count() == 2


def test_closure_with_no_free_times_says_so(offices, closed_day, officer, close):
    book(1, office=offices["NYC"], day=closed_day, officer=officer)
    closure = close()
    AppointmentSlot.objects.exclude(day=closed_day).update(booked=4)
    outcome = closures.office_closure_appointments_notify(closure=closure, horizon_days=2)
    assert outcome.displaced == 1 and outcome.without_offer == 1


def test_closure_refuses_bad_batch_size(close):
    closure = close()
    with pytest.raises(InvalidInput):
        closures.office_closure_appointments_notify(closure=closure, batch_size=0)


@pytest.mark.parametrize("offset", [0])
def test_first_offers_are_the_earliest_free_places(offices, closed_day, officer, close, offset):
    book(2, office=offices["NYC"], day=closed_day, officer=officer)
    closure = close()
    closures.office_closure_appointments_notify(closure=closure)
    firsts = list(
        AppointmentOffer.objects.filter(rank=0)
        .order_by("appointment__slot__starts_at", "appointment_id")
        .values_list("slot__starts_at", flat=True)
    )
    earliest = (
        AppointmentSlot.objects.filter(office=offices["NYC"], day__gt=closed_day)
        .order_by("starts_at")
        .first()
    )
    assert firsts[offset] == earliest.starts_at
    assert dt.timedelta(0) <= firsts[1] - firsts[0]
