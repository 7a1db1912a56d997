"""What happens to bookings when an office closes: everyone booked on the closed days is told,
and offered new times at the same office."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentOffer,
    AppointmentSlot,
    AppointmentState,
)
from contactcenter.appointments.notices import notify_office_closed
from contactcenter.appointments.slots import appointment_slots_generate, slot_closed_filter
from contactcenter.core.errors import InvalidInput
from contactcenter.offices.models import Office, OfficeClosure

logger = logging.getLogger(__name__)

# How many new times a person displaced by a closure is offered, and how far ahead to look.
CLOSURE_OFFERS_PER_PERSON = 3
CLOSURE_HORIZON_DAYS = 30
CLOSURE_BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class ClosureOutcome:
    displaced: int  # bookings moved to "choose a new time" in this run
    notifications: int  # messages queued in this run
    without_offer: int  # displaced people for whom no free slot was found in the horizon


def _free_places(
    *, office: Office, closure: OfficeClosure, first_day: dt.date, last_day: dt.date
) -> list[int]:
    """Slot ids, one entry per free place, earliest first, on days the office is open.

    Places already offered first to people displaced by this closure (an earlier run or
    batch) are not counted again, so a re-run does not give the same place twice.
    """
    already = Counter(
        AppointmentOffer.objects.filter(closure=closure, rank=0).values_list("slot_id", flat=True)
    )
    places: list[int] = []
    slots = (
        AppointmentSlot.objects.filter(
            office=office, day__range=(first_day, last_day), booked__lt=F("capacity")
        )
        .annotate(closed=slot_closed_filter())
        .filter(closed=False)
        .order_by("starts_at", "id")
        .values_list("id", "capacity", "booked")
    )
    for slot_id, capacity, booked in slots:
        places.extend([slot_id] * max(capacity - booked - already[slot_id], 0))
    return places


def _choices(places: Sequence[int], start: int, count: int) -> list[int]:
    """The place at ``start`` and the next distinct slots after it."""
    chosen: list[int] = []
    for slot_id in places[start:]:
        if slot_id not in chosen:
            chosen.append(slot_id)
            if len(chosen) == count:
                break
    return chosen


def office_closure_appointments_notify(
    *,
    closure: OfficeClosure,
    batch_size: int = CLOSURE_BATCH_SIZE,
    offers_per_person: int = CLOSURE_OFFERS_PER_PERSON,
    horizon_days: int = CLOSURE_HORIZON_DAYS,
    now: dt.datetime | None = None,
) -> ClosureOutcome:
    """Tell everyone booked at a closed office on the closed days, and offer new times.

    Runs in batches, one transaction each, so a crash loses at most one batch's work and a
    re-run carries on: a booking already displaced by this closure is skipped, so nobody is
    told twice. Each person's first offer is a place nobody else is offered first, earliest
    bookings first; the other offers are the next distinct times after it (taken on a first
    come, first served basis, safely). Slots are generated for the horizon when missing.
    """
    if batch_size < 1 or offers_per_person < 1 or horizon_days < 1:
        raise InvalidInput(_("Batch size, offers and horizon must be positive."))
    now = now or timezone.now()
    office = closure.office
    first_day = max(closure.ends_on, timezone.localdate(now)) + dt.timedelta(days=1)
    last_day = first_day + dt.timedelta(days=horizon_days)
    if office.open_to_public and office.hours.exists():
        appointment_slots_generate(office=office, first_day=first_day, last_day=last_day)
    places = _free_places(office=office, closure=closure, first_day=first_day, last_day=last_day)
    cursor = 0
    displaced = notifications = without_offer = 0
    while True:
        with transaction.atomic():
            batch = list(
                Appointment.objects.select_for_update(of=("self",))
                .select_related("inquiry", "person", "slot")
                .filter(
                    office=office,
                    state=AppointmentState.BOOKED,
                    slot__day__range=(closure.starts_on, closure.ends_on),
                )
                .order_by("slot__starts_at", "id")[:batch_size]
            )
            if not batch:
                break
            offers: list[AppointmentOffer] = []
            events: list[AppointmentEvent] = []
            for appointment in batch:
                appointment.state = AppointmentState.DISPLACED
                appointment.closure = closure
                appointment.updated_at = now
                chosen = _choices(places, cursor, offers_per_person)
                cursor += 1
                if not chosen:
                    without_offer += 1
                offers.extend(
                    AppointmentOffer(appointment=appointment, slot_id=slot_id, closure=closure,
                                     rank=rank)
                    for rank, slot_id in enumerate(chosen)
                )  # fmt: skip
                events.append(
                    AppointmentEvent(
                        appointment=appointment,
                        kind=AppointmentEventKind.DISPLACED,
                        actor_label="system",
                        data={"closure": closure.pk, "offered": chosen},
                    )
                )
            Appointment.objects.bulk_update(batch, ["state", "closure", "updated_at"])
            AppointmentOffer.objects.bulk_create(offers)
            AppointmentEvent.objects.bulk_create(events)
            for appointment in batch:
                notifications += notify_office_closed(appointment)
            displaced += len(batch)
    logger.info(
        "appointments.closure_handled",
        extra={
            "office": office.code,
            "closure_id": closure.pk,
            "displaced": displaced,
            "notifications": notifications,
            "without_offer": without_offer,
        },
    )
    return ClosureOutcome(
        displaced=displaced, notifications=notifications, without_offer=without_offer
    )
