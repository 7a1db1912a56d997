"""Every write about an appointment request and a booking: requests, their review by Tier 2,
the agency's biometrics bookings, and moves by the person or by staff.

Slots and the taking of a place are in ``slots.py``, what the person is told in ``notices.py``,
and what an office closure does to bookings in ``closures.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.appointments.errors import (
    AppointmentError,
    DuplicateRequest,
    NotAllowed,
    SlotUnavailable,
    WrongState,
)
from contactcenter.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentKind,
    AppointmentRequest,
    AppointmentSlot,
    AppointmentState,
    RequestState,
)
from contactcenter.appointments.notices import (
    MESSAGE_CONFIRMED,
    MESSAGE_MOVED,
    notify_appointment,
    notify_request_declined,
)
from contactcenter.appointments.reasons import BIOMETRICS_REASON, catalogue, reason_get
from contactcenter.appointments.slots import slot_check, slot_release_place, slot_take_place
from contactcenter.cases.models import Case
from contactcenter.cases.services import case_status_record
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.domain_events import ContactEventKind as Event
from contactcenter.core.domain_events import DetailValue, contact_event_emit
from contactcenter.core.errors import InvalidInput
from contactcenter.core.redaction import redact
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_add_note
from contactcenter.offices.selectors import field_office_for_zip, zip_code_parse
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

logger = logging.getLogger(__name__)

# Appointment requests report their steps on a channel of their own.
CHANNEL = "appointment"

# Regular requests are reviewed within this many business days; urgent ones the same day.
REGULAR_REVIEW_BUSINESS_DAYS = 3
MAX_DETAILS = 2000
# Who reviews requests and moves appointments for the person: Tier 2 and above.
REVIEWER_ROLES = frozenset({Role.TIER2, Role.SUPERVISOR, Role.ADMIN})


def _event(
    appointment: Appointment,
    kind: str,
    *,
    actor: User | None,
    actor_label: str = "",
    data: dict | None = None,
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor=actor,
        actor_label=actor_label or ("staff" if actor else "system"),
        data=data or {},
    )


def _report(
    kind: Event,
    request: AppointmentRequest,
    *,
    language: str,
    actor_user_id: int | None = None,
    at: dt.datetime | None = None,
    **detail: DetailValue,
) -> None:
    """An appointment request's step as a domain event (ids and codes, nothing personal)."""
    contact_event_emit(
        kind, channel=CHANNEL, at=at, language=language, inquiry_id=request.inquiry_id,
        actor_user_id=actor_user_id, record_id=request.pk,
        detail={"office_id": request.office_id, **detail},
    )  # fmt: skip


def _reviewed(
    request: AppointmentRequest, *, reviewer: User, at: dt.datetime | None, **detail: DetailValue
) -> None:
    """A Tier 2 officer took the request up and settled it (booked or declined) in one step."""
    at = at or timezone.now()
    language = request.inquiry.language
    waited = round((at - request.created_at).total_seconds(), 3)
    _report(Event.ANSWERED, request, language=language, actor_user_id=reviewer.pk, at=at,
            waited_seconds=waited)  # fmt: skip
    _report(Event.RESOLVED, request, language=language, actor_user_id=reviewer.pk, at=at,
            **detail)  # fmt: skip


def _new_number() -> str:
    taken = True
    number = ""
    for _attempt in range(5):
        number = ReferenceNumber.generate().value
        taken = Appointment.objects.filter(number=number).exists()
        if not taken:
            break
    if taken:  # pragma: no cover - five collisions in a row among 9e9 numbers
        raise AppointmentError(_("Could not number the appointment; try again."))
    return number


def _require_reviewer(user: User | None) -> User:
    if user is None or not (user_roles(user) & REVIEWER_ROLES):
        raise NotAllowed(_("Only Tier 2 officers and supervisors can do this."))
    return user


# --- Requests and their review --------------------------------------------------------------


def review_due_at(*, urgent: bool, start: dt.datetime | None = None) -> dt.datetime:
    """Urgent: the end of the current business day (or the next one, outside live hours).
    Regular: the end of the ``REGULAR_REVIEW_BUSINESS_DAYS``-th business day after."""
    calendar = live_help_calendar()
    start = start or timezone.now()
    if urgent:
        return calendar.add_business_days(calendar.next_opening(start), 0)
    return calendar.add_business_days(start, REGULAR_REVIEW_BUSINESS_DAYS)


def _accommodations_clean(codes: Iterable[str], note: str) -> tuple[list[str], str]:
    known = catalogue().accommodations
    chosen = list(dict.fromkeys(str(code) for code in codes))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise InvalidInput(
            _("Unknown accommodation: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    note = note.strip()
    if len(note) > 500:
        raise InvalidInput(_("Describe the accommodation in at most 500 characters."))
    if any(known[code].needs_note for code in chosen) and not note:
        raise InvalidInput(_("Describe the accommodation you need."))
    return chosen, redact(note).text if note else ""


@transaction.atomic
def appointment_request_create(
    *,
    inquiry: Inquiry,
    reason: str,
    zip_code: str,
    accommodations: Sequence[str] = (),
    accommodation_note: str = "",
    details: str = "",
    urgent: bool | None = None,
) -> AppointmentRequest:
    """Record a request for a field-office appointment, routed to the office serving the ZIP.

    Preconditions: the inquiry is open and gave an email address or a phone number (the
    confirmation must reach the person). ``urgent`` defaults to the reason's own urgency; an
    agent may mark any request urgent. Nothing is booked: Tier 2 reviews every request.
    Refuses (and creates nothing) for an unknown reason, a ZIP code no field office serves, an
    open request for the same reason on the same inquiry, or a bad accommodation.
    """
    found = reason_get(reason)
    if found is None or not found.requestable:
        raise InvalidInput(_("Choose the reason for the appointment from the list."))
    five = zip_code_parse(zip_code)
    office = field_office_for_zip(five)
    if office is None:
        raise InvalidInput(
            _(
                "No field office serves ZIP code %(zip)s. Check the ZIP code of the address "
                "where you live."
            )
            % {"zip": five}
        )
    chosen, note = _accommodations_clean(accommodations, accommodation_note)
    details = details.strip()
    if len(details) > MAX_DETAILS:
        raise InvalidInput(_("Keep the details to at most 2,000 characters."))
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if locked.state == InquiryState.CLOSED:
        raise WrongState(_("This inquiry is closed. Open a new one to ask for an appointment."))
    if not (locked.contact_email or locked.contact_phone):
        raise InvalidInput(
            _("Give an email address or a mobile number so we can send the confirmation.")
        )
    existing = AppointmentRequest.objects.filter(
        inquiry=locked, reason=found.code, state=RequestState.PENDING
    ).first()
    if existing is not None:
        raise DuplicateRequest(
            _(
                "This inquiry already has a request for this reason waiting for review "
                "(request %(id)s)."
            )
            % {"id": existing.pk},
            extra={"request_id": existing.pk},
        )
    is_urgent = found.urgent if urgent is None else bool(urgent)
    request = AppointmentRequest.objects.create(
        inquiry=locked,
        reason=found.code,
        urgent=is_urgent,
        zip_code=five,
        office=office,
        accommodations=chosen,
        accommodation_note=note,
        details=redact(details).text if details else "",
        review_due_at=review_due_at(urgent=is_urgent),
    )
    logger.info(
        "appointments.requested",
        extra={"request_id": request.pk, "office": office.code, "urgent": is_urgent},
    )
    # The request waits for a Tier 2 officer's review: started, and in line for it.
    _report(Event.STARTED, request, language=locked.language, reason=found.code, urgent=is_urgent)
    _report(Event.QUEUED, request, language=locked.language, review="tier2")
    return request


def _lock_pending(request: AppointmentRequest) -> AppointmentRequest:
    locked = (
        AppointmentRequest.objects.select_for_update().select_related("inquiry").get(pk=request.pk)
    )
    if locked.state != RequestState.PENDING:
        raise WrongState(
            _("This request was already reviewed (%(state)s).")
            % {"state": RequestState(locked.state).label}
        )
    return locked


@transaction.atomic
def appointment_request_offer_slot(
    *,
    request: AppointmentRequest,
    slot: AppointmentSlot,
    reviewer: User,
    now: dt.datetime | None = None,
) -> Appointment:
    """Tier 2 offers the person a slot at the office serving their ZIP; the place is booked and
    the confirmation sent. Refuses a slot at another office, in the past, on a closed day, or
    full (``SlotFull``: the officer is told plainly and chooses again)."""
    _require_reviewer(reviewer)
    now = now or timezone.now()
    locked = _lock_pending(request)
    fresh = slot_check(slot, kind=AppointmentKind.FIELD_OFFICE, now=now)
    if fresh.office_id != locked.office_id:
        raise SlotUnavailable(_("Offer a time at the office that serves the person's ZIP code."))
    slot_take_place(fresh)
    appointment = Appointment.objects.create(
        number=_new_number(),
        kind=AppointmentKind.FIELD_OFFICE,
        slot=fresh,
        office=fresh.office,
        request=locked,
        inquiry=locked.inquiry,
        case=locked.inquiry.case,
        person=locked.inquiry.person,
        reason=locked.reason,
        language=locked.inquiry.language,
        zip_code=locked.zip_code,
        accommodations=list(locked.accommodations),
        accommodation_note=locked.accommodation_note,
    )
    locked.state = RequestState.BOOKED
    locked.reviewed_by = reviewer
    locked.reviewed_at = now
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    _event(appointment, AppointmentEventKind.BOOKED, actor=reviewer, data={"slot": fresh.pk})
    _reviewed(locked, reviewer=reviewer, at=now, outcome="booked", appointment_id=appointment.pk)
    notify_appointment(appointment, template=MESSAGE_CONFIRMED)
    logger.info(
        "appointments.booked", extra={"appointment_id": appointment.pk, "office": fresh.office.code}
    )
    request.state = locked.state
    return appointment


@transaction.atomic
def appointment_request_decline(
    *, request: AppointmentRequest, reviewer: User, reason: str
) -> AppointmentRequest:
    """Tier 2 declines with a reason the person is told (by phone or in their account)."""
    _require_reviewer(reviewer)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for declining."))
    if len(reason) > 500:
        raise InvalidInput(_("Keep the reason to at most 500 characters."))
    locked = _lock_pending(request)
    locked.state = RequestState.DECLINED
    locked.decline_reason = reason
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.save(
        update_fields=["state", "decline_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    notify_request_declined(locked)
    _reviewed(locked, reviewer=reviewer, at=locked.reviewed_at, outcome="declined")
    logger.info("appointments.request_declined", extra={"request_id": locked.pk})
    request.state, request.decline_reason = locked.state, locked.decline_reason
    return locked


# --- Biometrics: booked by the agency, moved here -------------------------------------------


@transaction.atomic
def biometrics_appointment_book_by_agency(
    *, case: Case, slot: AppointmentSlot, now: dt.datetime | None = None
) -> Appointment:
    """The agency's first biometrics booking for a case (seed data, imports, tests).

    The public and the contact center never call this: they can only move the booking.
    """
    now = now or timezone.now()
    fresh = slot_check(slot, kind=AppointmentKind.BIOMETRICS, now=now)
    person = case.applicant
    if Appointment.objects.filter(
        case=case, kind=AppointmentKind.BIOMETRICS, state=AppointmentState.BOOKED
    ).exists():
        raise DuplicateRequest(_("This case already has a biometrics appointment."))
    slot_take_place(fresh)
    appointment = Appointment.objects.create(
        number=_new_number(),
        kind=AppointmentKind.BIOMETRICS,
        slot=fresh,
        office=fresh.office,
        case=case,
        person=person,
        reason=BIOMETRICS_REASON,
        language=person.preferred_language,
        zip_code=person.zip_code or "00000",
    )
    _event(appointment, AppointmentEventKind.BOOKED, actor=None, actor_label="agency",
           data={"slot": fresh.pk})  # fmt: skip
    return appointment


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    slot: AppointmentSlot,
    actor: User | None = None,
    inquiry: Inquiry | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a booked appointment to another slot; the old place is given back.

    ``actor`` None means the person did it themselves. Rules:
    - biometrics: any future slot at any open support center, by the person or Tier 2;
    - field office: staff (Tier 2) may move it within the same office; the person only takes
      one of the slots offered after an office closure displaced it.
    A biometrics move is shown in the case's history as a newly scheduled biometrics
    appointment, and the request is noted on the inquiry when there is one.
    """
    now = now or timezone.now()
    if actor is not None:
        _require_reviewer(actor)
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "office", "case", "inquiry", "person")
        .get(pk=appointment.pk)
    )
    if locked.state == AppointmentState.CANCELLED:
        raise WrongState(_("This appointment was cancelled and cannot be moved."))
    if locked.state == AppointmentState.BOOKED and locked.slot.starts_at <= now:
        raise WrongState(_("This appointment has already started or passed."))
    if slot.pk == locked.slot_id:
        raise InvalidInput(_("Choose a different time from the one you have."))
    fresh = slot_check(slot, kind=locked.kind, now=now)
    if locked.kind == AppointmentKind.FIELD_OFFICE:
        if fresh.office_id != locked.office_id:
            raise SlotUnavailable(
                _("A field-office appointment stays at the office that serves your ZIP code.")
            )
        if actor is None and not locked.offers.filter(slot=fresh).exists():
            raise NotAllowed(
                _("Choose one of the times we offered you, or call us to change the appointment.")
            )
    slot_take_place(fresh)
    if locked.state == AppointmentState.BOOKED:
        # A displaced booking's place was on a closed day; there is nothing to give back.
        slot_release_place(locked.slot_id)
    previous = {"slot": locked.slot_id, "office": locked.office.code}
    locked.slot = fresh
    locked.office = fresh.office
    locked.state = AppointmentState.BOOKED
    locked.save(update_fields=["slot", "office", "state", "updated_at"])
    locked.offers.all().delete()
    _event(
        locked,
        AppointmentEventKind.MOVED,
        actor=actor,
        actor_label="" if actor else "person",
        data={"from": previous, "to": {"slot": fresh.pk, "office": fresh.office.code}},
    )
    if locked.kind == AppointmentKind.BIOMETRICS and locked.case is not None:
        case_status_record(
            case=locked.case,
            status=CaseStatus.BIOMETRICS_SCHEDULED,
            status_date=timezone.localdate(now),
            office=fresh.office,
        )
    if inquiry is not None and actor is not None:
        local = timezone.localtime(fresh.starts_at, ZoneInfo(fresh.office.time_zone))
        inquiry_add_note(
            inquiry=inquiry,
            actor=actor,
            body=f"Appointment {locked.number} moved to {fresh.office.code} "
            f"{local:%Y-%m-%d %H:%M}.",
        )
    notify_appointment(locked, template=MESSAGE_MOVED)
    logger.info(
        "appointments.moved",
        extra={"appointment_id": locked.pk, "by": "staff" if actor else "person"},
    )
    return locked
