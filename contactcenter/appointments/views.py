"""Appointment pages, in English and Spanish, without JavaScript.

Public: today's office closures, and managing an appointment by its number and ZIP code
(choose a new time after a closure, move a biometrics appointment). Staff, under
``/appointments/staff/`` (the agent desktop at ``/desk/`` is separate): Tier 2's review list,
one request (offer a slot or decline), moving an appointment for a caller, and an office's day
list with the accommodations each person needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contactcenter.appointments import selectors, services
from contactcenter.appointments.errors import AppointmentError
from contactcenter.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentRequest,
    AppointmentSlot,
    AppointmentState,
    RequestState,
)
from contactcenter.appointments.reasons import catalogue
from contactcenter.core.errors import ApplicationError
from contactcenter.core.languages import active_language
from contactcenter.core.rate_limits import rate_limit_hit_by_client, retry_after_set
from contactcenter.offices.models import Office
from contactcenter.staff.access import staff_roles_required
from contactcenter.staff.models import Role

ROSTER_ROLES = frozenset({*services.REVIEWER_ROLES, Role.OFFICE_STAFF})


def _reason_title(code: str, language: str) -> str:
    reason = catalogue().reasons.get(code)
    return reason.title(language) if reason else code


def _accommodation_titles(codes: Iterable[str], language: str) -> list[str]:
    known = catalogue().accommodations
    return [known[code].title(language) if code in known else code for code in codes]


def _local(slot: AppointmentSlot) -> dt.datetime:
    return timezone.localtime(slot.starts_at, ZoneInfo(slot.office.time_zone))


def _slot_rows(slots: Iterable[AppointmentSlot]) -> list[dict]:
    return [
        {"id": slot.pk, "office": slot.office, "starts": _local(slot), "left": slot.places_left}
        for slot in slots
    ]


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_roles_required let only signed-in staff through
    return request.user


def _slot_from_post(request: HttpRequest) -> AppointmentSlot | None:
    raw = request.POST.get("slot", "")
    if not raw.isdigit():
        return None
    return AppointmentSlot.objects.filter(pk=int(raw)).first()


# --- Public -------------------------------------------------------------------------------


def closures(request: HttpRequest) -> HttpResponse:
    language = active_language()
    today = timezone.localdate()
    return render(
        request,
        "appointments/closures.html",
        {"closures": selectors.closures_today(language=language, on=today), "today": today},
    )


def _lookup_rate_limit(request: HttpRequest) -> None:
    # Appointment numbers are random, but a guessing loop still deserves a brake.
    rate_limit_hit_by_client(
        request,
        scope="appointment-manage",
        limit=settings.CASE_STATUS_RATE_LIMIT,
        window_seconds=settings.CASE_STATUS_RATE_WINDOW_SECONDS,
    )


def _appointment_context(appointment: Appointment, language: str) -> dict:
    reason = catalogue().reasons.get(appointment.reason)
    return {
        "appointment": appointment,
        "starts": _local(appointment.slot),
        "office_name": appointment.office.name(language),
        "reason_title": _reason_title(appointment.reason, language),
        "bring": reason.bring(language) if reason else (),
        "accommodations": _accommodation_titles(appointment.accommodations, language),
        "displaced": appointment.state == AppointmentState.DISPLACED,
        "cancelled": appointment.state == AppointmentState.CANCELLED,
        "is_biometrics": appointment.kind == AppointmentKind.BIOMETRICS,
    }


def _move_choices(appointment: Appointment, office_code: str) -> dict:
    """The times the person may choose: offered ones after a closure; for biometrics any
    support center's free times."""
    if appointment.kind == AppointmentKind.BIOMETRICS:
        centers = selectors.support_centers()
        chosen = next((c for c in centers if c.code == office_code), appointment.office)
        return {
            "centers": centers,
            "chosen_center": chosen,
            "slots": _slot_rows(
                s for s in selectors.slots_available(office=chosen) if s.pk != appointment.slot_id
            ),
        }
    if appointment.state == AppointmentState.DISPLACED:
        return {"slots": _slot_rows(selectors.appointment_offered_slots(appointment=appointment))}
    return {"slots": []}


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    language = active_language()
    data = request.POST if request.method == "POST" else request.GET
    number, zip_code = data.get("number", ""), data.get("zip_code", "")
    context: dict[str, object] = {"number": number, "zip_code": zip_code}
    if not (number or zip_code):
        return render(request, "appointments/manage.html", context)
    try:
        _lookup_rate_limit(request)
        appointment = selectors.appointment_for_person(number=number, zip_code=zip_code)
    except ApplicationError as error:
        context["error"] = error.message
        response = render(request, "appointments/manage.html", context, status=error.http_status)
        return retry_after_set(response, error)
    status = 200
    if request.method == "POST":
        slot = _slot_from_post(request)
        try:
            if slot is None:
                raise AppointmentError(_("Choose one of the times listed."))
            appointment = services.appointment_move(appointment=appointment, slot=slot)
        except ApplicationError as error:
            context["move_error"] = error.message
            status = error.http_status
            appointment.refresh_from_db()
        else:
            query = urlencode({"number": appointment.number, "zip_code": appointment.zip_code})
            return redirect(f"{reverse('appointments:manage')}?{query}&moved=1")
    context.update(_appointment_context(appointment, language))
    context.update(_move_choices(appointment, data.get("office", "")))
    context["moved"] = request.GET.get("moved") == "1"
    return render(request, "appointments/manage.html", context, status=status)


# --- Staff --------------------------------------------------------------------------------


@staff_roles_required(services.REVIEWER_ROLES)
def staff_requests(request: HttpRequest) -> HttpResponse:
    language = active_language()
    now = timezone.now()
    rows = [
        {
            "request": item,
            "reason": _reason_title(item.reason, language),
            "office": item.office.name(language),
            "overdue": item.review_due_at < now,
            "accommodations": _accommodation_titles(item.accommodations, language),
        }
        for item in selectors.appointment_requests_pending()[:200]
    ]
    return render(request, "appointments/staff_requests.html", {"rows": rows})


@staff_roles_required(services.REVIEWER_ROLES)
@require_http_methods(["GET", "POST"])
def staff_request(request: HttpRequest, request_id: int) -> HttpResponse:
    language = active_language()
    item = get_object_or_404(
        AppointmentRequest.objects.select_related("office", "inquiry"), pk=request_id
    )
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "offer":
                slot = _slot_from_post(request)
                if slot is None:
                    raise AppointmentError(_("Choose a time to offer."))
                appointment = services.appointment_request_offer_slot(
                    request=item, slot=slot, reviewer=_staff(request)
                )
                return redirect("appointments:staff-appointment", number=appointment.number)
            if action == "decline":
                services.appointment_request_decline(
                    request=item, reviewer=_staff(request), reason=request.POST.get("reason", "")
                )
                return redirect("appointments:staff-requests")
            raise AppointmentError(_("Choose an action."))
        except ApplicationError as error:
            context["error"] = error.message
            context["decline_reason"] = request.POST.get("reason", "")
            status = error.http_status
            item.refresh_from_db()
    context.update(
        {
            "item": item,
            "reason": _reason_title(item.reason, language),
            "office": item.office.name(language),
            "accommodations": _accommodation_titles(item.accommodations, language),
            "pending": item.state == RequestState.PENDING,
            "slots": _slot_rows(selectors.slots_available(office=item.office))
            if item.state == RequestState.PENDING
            else [],
        }
    )
    return render(request, "appointments/staff_request.html", context, status=status)


@staff_roles_required(services.REVIEWER_ROLES)
@require_http_methods(["GET", "POST"])
def staff_appointment(request: HttpRequest, number: str) -> HttpResponse:
    language = active_language()
    appointment = get_object_or_404(
        Appointment.objects.select_related("slot", "office", "inquiry"), number=number
    )
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        slot = _slot_from_post(request)
        try:
            if slot is None:
                raise AppointmentError(_("Choose one of the times listed."))
            services.appointment_move(
                appointment=appointment,
                slot=slot,
                actor=_staff(request),
                inquiry=appointment.inquiry,
            )
            return redirect("appointments:staff-appointment", number=appointment.number)
        except ApplicationError as error:
            context["error"] = error.message
            status = error.http_status
            appointment.refresh_from_db()
    office_code = request.GET.get("office", "")
    if appointment.kind == AppointmentKind.BIOMETRICS:
        centers = selectors.support_centers()
        chosen: Office = next((c for c in centers if c.code == office_code), appointment.office)
        context["centers"], context["chosen_center"] = centers, chosen
    else:
        chosen = appointment.office
    context.update(_appointment_context(appointment, language))
    context["slots"] = _slot_rows(
        s for s in selectors.slots_available(office=chosen) if s.pk != appointment.slot_id
    )
    context["history"] = list(appointment.events.order_by("created_at", "id"))
    return render(request, "appointments/staff_appointment.html", context, status=status)


@staff_roles_required(ROSTER_ROLES)
def staff_roster(request: HttpRequest, office_code: str, day: str) -> HttpResponse:
    language = active_language()
    try:
        parsed = dt.date.fromisoformat(day)
        office, appointments = selectors.appointments_for_office_day(
            viewer=request.user, office_code=office_code.upper(), day=parsed
        )
    except (ValueError, ApplicationError):
        raise Http404 from None
    rows = [
        {
            "appointment": item,
            "starts": timezone.localtime(item.slot.starts_at, ZoneInfo(office.time_zone)),
            "reason": _reason_title(item.reason, language),
            "accommodations": _accommodation_titles(item.accommodations, language),
        }
        for item in appointments
    ]
    return render(
        request,
        "appointments/staff_roster.html",
        {"office": office, "office_name": office.name(language), "day": parsed, "rows": rows},
    )
