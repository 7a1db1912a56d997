"""Reads for appointment pages. None returns personal data: pages show reference numbers,
reasons, offices and times, never names, so no disclosure is recorded here."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.appointments.models import (
    Appointment,
    AppointmentRequest,
    AppointmentSlot,
    RequestState,
)
from contactcenter.appointments.services import REVIEWER_ROLES
from contactcenter.appointments.slots import slot_closed_filter
from contactcenter.core.errors import ErrorCode, NotFound
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.offices.models import Office, OfficeClosure, OfficeKind
from contactcenter.offices.selectors import office_closures_in_effect, zip_code_parse
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles


class AppointmentNotFound(NotFound):
    code = ErrorCode.APPOINTMENT_NOT_FOUND


def appointment_requests_pending() -> QuerySet[AppointmentRequest]:
    """Requests waiting for Tier 2: urgent first, then by review deadline, oldest first."""
    return (
        AppointmentRequest.objects.filter(state=RequestState.PENDING)
        .select_related("office", "inquiry")
        .order_by("-urgent", "review_due_at", "created_at", "id")
    )


def slots_available(
    *, office: Office, now: dt.datetime | None = None, limit: int = 30
) -> list[AppointmentSlot]:
    """Future slots with room at ``office``, on days it is open, earliest first."""
    now = now or timezone.now()
    return list(
        AppointmentSlot.objects.filter(office=office, starts_at__gt=now, booked__lt=F("capacity"))
        .annotate(closed=slot_closed_filter())
        .filter(closed=False)
        .select_related("office")
        .order_by("starts_at", "id")[:limit]
    )


def support_centers() -> list[Office]:
    return list(
        Office.objects.filter(kind=OfficeKind.SUPPORT_CENTER, open_to_public=True).order_by("code")
    )


def appointment_for_person(*, number: str, zip_code: str) -> Appointment:
    """The appointment whose number and ZIP code both match, for the person managing it.

    A wrong number, a wrong ZIP code and a malformed entry all give the same answer, so the
    page cannot be used to learn which numbers exist.
    """
    failure = AppointmentNotFound(
        _(
            "We could not find an appointment with that number and ZIP code. Check both and try "
            "again."
        )
    )
    try:
        parsed = ReferenceNumber.parse(number)
        five = zip_code_parse(zip_code)
    except Exception:
        raise failure from None
    appointment = (
        Appointment.objects.select_related("slot", "office", "closure")
        .filter(number=parsed.value)
        .first()
    )
    if appointment is None or not hmac.compare_digest(appointment.zip_code, five):
        raise failure
    return appointment


def appointment_offered_slots(*, appointment: Appointment) -> list[AppointmentSlot]:
    """Slots offered after a closure that still have room, in the order offered."""
    return [
        offer.slot
        for offer in appointment.offers.select_related("slot", "slot__office").order_by("rank")
        if offer.slot.booked < offer.slot.capacity
    ]


@dataclass(frozen=True, slots=True)
class ClosureToday:
    office_code: str
    office_name: str
    city: str
    state: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date


def closures_today(*, language: str, on: dt.date | None = None) -> list[ClosureToday]:
    """Offices closed today, for the public page (open-to-public offices only)."""
    rows: QuerySet[OfficeClosure] = (
        office_closures_in_effect(on=on)
        .filter(office__open_to_public=True)
        .order_by("office__state", "office__city", "office__code")
    )
    return [
        ClosureToday(
            office_code=row.office.code,
            office_name=row.office.name(language),
            city=row.office.city,
            state=row.office.state,
            reason=row.reason_es if language == "es" else row.reason_en,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
        )
        for row in rows
    ]


def offices_for_roster(*, viewer: AbstractBaseUser | AnonymousUser) -> list[Office]:
    """Offices whose day list the viewer may see: office staff their own, Tier 2 and above
    every office that takes appointments."""
    roles = user_roles(viewer)
    offices = Office.objects.filter(
        kind__in=[OfficeKind.FIELD_OFFICE, OfficeKind.SUPPORT_CENTER], open_to_public=True
    )
    if roles & REVIEWER_ROLES:
        return list(offices.order_by("code"))
    if Role.OFFICE_STAFF in roles:
        profile = getattr(viewer, "staff_profile", None)
        if profile is None or profile.office_id is None:
            return []
        return list(offices.filter(pk=profile.office_id))
    return []


def appointments_for_office_day(
    *, viewer: AbstractBaseUser | AnonymousUser, office_code: str, day: dt.date
) -> tuple[Office, list[Appointment]]:
    """One office's bookings on one day, with their accommodations, for the office to prepare.

    An office the viewer may not see is "not found", like one that does not exist.
    """
    office = next((o for o in offices_for_roster(viewer=viewer) if o.code == office_code), None)
    if office is None:
        raise AppointmentNotFound(_("No such office."))
    appointments = list(
        Appointment.objects.filter(office=office, slot__day=day)
        .select_related("slot")
        .order_by("slot__starts_at", "number")
    )
    return office, appointments
