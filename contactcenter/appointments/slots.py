"""An office's appointment slots: generated from its opening hours, checked before a booking,
and one place taken or given back.

Places are taken with one conditional UPDATE (``booked = booked + 1 WHERE booked < capacity``):
of two people after the last place, PostgreSQL lets the second UPDATE see the first one's
committed row and match nothing, so one wins and the other is told plainly; SQLite serialises
the writers and gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from contactcenter.appointments.errors import SlotFull, SlotUnavailable
from contactcenter.appointments.models import AppointmentKind, AppointmentSlot
from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.core.errors import InvalidInput
from contactcenter.offices.models import Office, OfficeClosure, OfficeHours, OfficeKind

logger = logging.getLogger(__name__)

DEFAULT_SLOT_MINUTES = 60
DEFAULT_SLOT_CAPACITY = 4


def _closed_days(office: Office, first_day: dt.date, last_day: dt.date) -> set[dt.date]:
    days: set[dt.date] = set()
    for closure in OfficeClosure.objects.filter(
        office=office, starts_on__lte=last_day, ends_on__gte=first_day
    ):
        day = max(closure.starts_on, first_day)
        while day <= min(closure.ends_on, last_day):
            days.add(day)
            day += dt.timedelta(days=1)
    return days


@transaction.atomic
def appointment_slots_generate(
    *,
    office: Office,
    first_day: dt.date,
    last_day: dt.date,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
    capacity: int = DEFAULT_SLOT_CAPACITY,
) -> int:
    """Create slots covering the office's opening hours from ``first_day`` to ``last_day``.

    Skips federal holidays and the office's closures. Idempotent: a slot that already exists
    (same office and start) is left as it is, bookings included. Returns the slots created.
    """
    if office.kind not in (OfficeKind.FIELD_OFFICE, OfficeKind.SUPPORT_CENTER):
        raise InvalidInput(_("Only field offices and support centers take appointments."))
    if not office.open_to_public:
        raise InvalidInput(_("This office is not open to the public."))
    if last_day < first_day:
        raise InvalidInput(_("The last day cannot be before the first day."))
    if (last_day - first_day).days > 366:
        raise InvalidInput(_("Generate at most one year of slots at a time."))
    if not 5 <= slot_minutes <= 480:
        raise InvalidInput(_("A slot lasts from 5 minutes to 8 hours."))
    if not 1 <= capacity <= 1000:
        raise InvalidInput(_("A slot holds from 1 to 1,000 people."))
    hours: dict[int, list[OfficeHours]] = {}
    for block in OfficeHours.objects.filter(office=office):
        hours.setdefault(block.weekday, []).append(block)
    if not hours:
        raise InvalidInput(_("This office has no opening hours on record."))
    zone = ZoneInfo(office.time_zone)
    # Only the federal holidays of the business calendar are used: weekends are handled by the
    # office's own hours (some centers open on Saturdays).
    calendar = BusinessCalendar(time_zone=office.time_zone, weekdays=frozenset(range(7)))
    closed = _closed_days(office, first_day, last_day)
    length = dt.timedelta(minutes=slot_minutes)
    rows: list[AppointmentSlot] = []
    day = first_day
    while day <= last_day:
        if day not in closed and calendar.is_business_day(day):
            for block in hours.get(day.weekday(), []):
                start = dt.datetime.combine(day, block.opens_at, tzinfo=zone)
                end_of_block = dt.datetime.combine(day, block.closes_at, tzinfo=zone)
                while start + length <= end_of_block:
                    rows.append(
                        AppointmentSlot(
                            office=office,
                            day=day,
                            starts_at=start,
                            ends_at=start + length,
                            capacity=capacity,
                        )
                    )
                    start += length
        day += dt.timedelta(days=1)
    existing = set(
        AppointmentSlot.objects.filter(office=office, day__range=(first_day, last_day)).values_list(
            "starts_at", flat=True
        )
    )
    new_rows = [row for row in rows if row.starts_at not in existing]
    AppointmentSlot.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
    logger.info(
        "appointments.slots_generated",
        extra={"office": office.code, "slots_created": len(new_rows)},
    )
    return len(new_rows)


def slot_closed_filter():
    """An ``Exists`` that is true when the slot's office is closed on the slot's day."""
    return Exists(
        OfficeClosure.objects.filter(
            office_id=OuterRef("office_id"),
            starts_on__lte=OuterRef("day"),
            ends_on__gte=OuterRef("day"),
        )
    )


def slot_check(slot: AppointmentSlot, *, kind: str, now: dt.datetime) -> AppointmentSlot:
    """The slot, fresh from the database, if it can take this kind of appointment now."""
    fresh = (
        AppointmentSlot.objects.select_related("office")
        .annotate(closed=slot_closed_filter())
        .filter(pk=slot.pk)
        .first()
    )
    if fresh is None:
        raise SlotUnavailable(_("That appointment time does not exist."))
    wanted = (
        OfficeKind.SUPPORT_CENTER if kind == AppointmentKind.BIOMETRICS else OfficeKind.FIELD_OFFICE
    )
    if fresh.office.kind != wanted or not fresh.office.open_to_public:
        raise SlotUnavailable(_("That office does not take this kind of appointment."))
    if fresh.starts_at <= now:
        raise SlotUnavailable(_("That appointment time has already passed. Choose a later one."))
    if fresh.closed:
        raise SlotUnavailable(_("The office is closed that day. Choose another day."))
    return fresh


def slot_take_place(slot: AppointmentSlot) -> None:
    taken = AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise SlotFull(
            _(
                "Someone else has just taken the last place at that time, so it was not booked "
                "for you. Please choose another time."
            )
        )


def slot_release_place(slot_id: int) -> None:
    AppointmentSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)
