"""Appointments' periodic job: closures recorded by staff reach the people booked those days.

A closure is published in the offices admin (not here), so this job looks for closures in
effect or ahead that still have bookings on their days and hands each to the closure service,
which is idempotent: a minute later the same closure has nothing left to do.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from contactcenter.appointments.closures import office_closure_appointments_notify
from contactcenter.appointments.models import Appointment, AppointmentState
from contactcenter.core.periodic import periodic_register
from contactcenter.offices.models import OfficeClosure


def closures_with_bookings_handle(*, now: dt.datetime | None = None) -> int:
    """Run the closure service for every current or future closure with bookings left."""

    now = now or timezone.now()
    booked = Appointment.objects.filter(
        office_id=OuterRef("office_id"),
        state=AppointmentState.BOOKED,
        slot__day__gte=OuterRef("starts_on"),
        slot__day__lte=OuterRef("ends_on"),
    )
    closures = (
        OfficeClosure.objects.filter(ends_on__gte=timezone.localdate(now))
        .filter(Exists(booked))
        .select_related("office")
    )
    handled = 0
    for closure in closures:
        office_closure_appointments_notify(closure=closure, now=now)
        handled += 1
    return handled


def register() -> None:
    periodic_register(
        "appointments.closures", every=dt.timedelta(minutes=1), run=closures_with_bookings_handle
    )
