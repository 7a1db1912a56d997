"""Every write about in-person appointments: slots, requests, reviews, bookings, moves and what
happens to bookings when an office closes.

Places are taken with one conditional UPDATE (``booked = booked + 1 WHERE booked < capacity``):
of two people after the last place, PostgreSQL lets the second UPDATE see the first one's
committed row and match nothing, so one wins and the other is told plainly; SQLite serialises
the writers and gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentKind,
    AppointmentOffer,
    AppointmentRequest,
    AppointmentSlot,
    AppointmentState,
    RequestState,
)
from contactcenter.appointments.reasons import BIOMETRICS_REASON, catalogue, reason_get
from contactcenter.cases.models import Case
from contactcenter.cases.services import case_status_record
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput
from contactcenter.core.redaction import redact
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.offices.models import Office, OfficeClosure, OfficeHours, OfficeKind
from contactcenter.offices.selectors import field_office_for_zip, zip_code_parse
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

logger = logging.getLogger(__name__)

# Regular requests are reviewed within this many business days; urgent ones the same day.
REGULAR_REVIEW_BUSINESS_DAYS = 3
DEFAULT_SLOT_MINUTES = 60
DEFAULT_SLOT_CAPACITY = 4
MAX_DETAILS = 2000
# Who reviews requests and moves appointments for the person: Tier 2 and above.
REVIEWER_ROLES = frozenset({Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
# How many new times a person displaced by a closure is offered, and how far ahead to look.
CLOSURE_OFFERS_PER_PERSON = 3
CLOSURE_HORIZON_DAYS = 30
CLOSURE_BATCH_SIZE = 500
# Message keys in the notifications catalogue, one per thing that happened to the person.
MESSAGE_CONFIRMED = "appointment_confirmed"
MESSAGE_MOVED = "appointment_moved"
MESSAGE_DECLINED = "appointment_request_declined"
MESSAGE_OFFICE_CLOSED = "appointment_office_closed"


class AppointmentError(ApplicationError):
    code = ErrorCode.INVALID_INPUT
    http_status = 400


class SlotFull(AppointmentError):
    code = ErrorCode.SLOT_FULL
    http_status = 409


class SlotUnavailable(AppointmentError):
    code = ErrorCode.SLOT_UNAVAILABLE
    http_status = 409


class DuplicateRequest(AppointmentError):
    code = ErrorCode.DUPLICATE_REQUEST
    http_status = 409


class WrongState(AppointmentError):
    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class NotAllowed(AppointmentError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


# --- Slots ----------------------------------------------------------------------------------


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


def _check_slot(slot: AppointmentSlot, *, kind: str, now: dt.datetime) -> AppointmentSlot:
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


def _take_place(slot: AppointmentSlot) -> None:
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


def _release_place(slot_id: int) -> None:
    AppointmentSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


# --- Notifications --------------------------------------------------------------------------


def _contacts(*, inquiry: Inquiry | None, person) -> list[tuple[str, str]]:
    """Where to tell the person: the contacts of their inquiry, else those on their record."""
    if inquiry is not None and (inquiry.contact_email or inquiry.contact_phone):
        pairs = [("email", inquiry.contact_email), ("sms", inquiry.contact_phone)]
    elif person is not None:
        pairs = [("email", person.email), ("sms", person.phone)]
    else:
        pairs = []
    return [(channel, recipient) for channel, recipient in pairs if recipient]


def _queue(
    *,
    template: str,
    language: str,
    context: dict[str, object],
    inquiry: Inquiry | None,
    person,
) -> int:
    """Queue one message by every contact (sent after commit); return how many were queued."""
    from contactcenter.notifications.services import notification_queue

    sent = 0
    for channel, recipient in _contacts(inquiry=inquiry, person=person):
        notification_queue(
            channel=channel,
            recipient=recipient,
            template=template,
            language=language,
            context=context,
            inquiry=inquiry,
        )
        sent += 1
    return sent


def _notify_appointment(appointment: Appointment, *, template: str) -> int:
    """Tell the person their booking's date, time and place (``MESSAGE_CONFIRMED`` or
    ``MESSAGE_MOVED``). The appointment number is quoted, not the inquiry's: it is what the
    manage page asks for, and people booked by the agency have no inquiry."""
    local = timezone.localtime(appointment.slot.starts_at, ZoneInfo(appointment.office.time_zone))
    return _queue(
        template=template,
        language=appointment.language,
        context={
            "reference_number": appointment.number,
            "appointment_date": local.date(),
            "appointment_time": f"{local:%H:%M}",
            "office_code": appointment.office.code,
            "reason": appointment.reason,
        },
        inquiry=appointment.inquiry,
        person=appointment.person,
    )


def _notify_office_closed(appointment: Appointment) -> int:
    """Tell a displaced person the office is closed on their day and to choose a new time."""
    return _queue(
        template=MESSAGE_OFFICE_CLOSED,
        language=appointment.language,
        context={"reference_number": appointment.number, "closed_on": appointment.slot.day},
        inquiry=appointment.inquiry,
        person=appointment.person,
    )


def _notify_request_declined(request: AppointmentRequest) -> None:
    # No appointment number exists yet: the inquiry's reference number is the one to quote.
    _queue(
        template=MESSAGE_DECLINED,
        language=request.inquiry.language,
        context={"reference_number": request.inquiry.reference_number},
        inquiry=request.inquiry,
        person=None,
    )


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
    fresh = _check_slot(slot, kind=AppointmentKind.FIELD_OFFICE, now=now)
    if fresh.office_id != locked.office_id:
        raise SlotUnavailable(_("Offer a time at the office that serves the person's ZIP code."))
    _take_place(fresh)
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
    _notify_appointment(appointment, template=MESSAGE_CONFIRMED)
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
    _notify_request_declined(locked)
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
    fresh = _check_slot(slot, kind=AppointmentKind.BIOMETRICS, now=now)
    person = case.applicant
    if Appointment.objects.filter(
        case=case, kind=AppointmentKind.BIOMETRICS, state=AppointmentState.BOOKED
    ).exists():
        raise DuplicateRequest(_("This case already has a biometrics appointment."))
    _take_place(fresh)
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
    fresh = _check_slot(slot, kind=locked.kind, now=now)
    if locked.kind == AppointmentKind.FIELD_OFFICE:
        if fresh.office_id != locked.office_id:
            raise SlotUnavailable(
                _("A field-office appointment stays at the office that serves your ZIP code.")
            )
        if actor is None and not locked.offers.filter(slot=fresh).exists():
            raise NotAllowed(
                _("Choose one of the times we offered you, or call us to change the appointment.")
            )
    _take_place(fresh)
    if locked.state == AppointmentState.BOOKED:
        # A displaced booking's place was on a closed day; there is nothing to give back.
        _release_place(locked.slot_id)
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
        from contactcenter.inquiries.services import inquiry_add_note

        local = timezone.localtime(fresh.starts_at, ZoneInfo(fresh.office.time_zone))
        inquiry_add_note(
            inquiry=inquiry,
            actor=actor,
            body=f"Appointment {locked.number} moved to {fresh.office.code} "
            f"{local:%Y-%m-%d %H:%M}.",
        )
    _notify_appointment(locked, template=MESSAGE_MOVED)
    logger.info(
        "appointments.moved",
        extra={"appointment_id": locked.pk, "by": "staff" if actor else "person"},
    )
    return locked


# --- Office closures ------------------------------------------------------------------------


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
                notifications += _notify_office_closed(appointment)
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
