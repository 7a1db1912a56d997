"""Pages anyone may use without an account: contact, account help, feedback, outreach events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from contactcenter.core.errors import ApplicationError, RateLimited
from contactcenter.core.languages import active_language
from contactcenter.core.rate_limits import rate_limit_hit_by_client, retry_after_set
from contactcenter.offices.models import OfficeClosure
from contactcenter.portal import public_services
from contactcenter.portal.forms import AccountHelpForm, EventRegistrationForm, FeedbackForm
from contactcenter.portal.models import OutreachEvent
from contactcenter.routing.calendar import live_help_hours_text, live_help_open
from contactcenter.routing.models import Queue, QueueTier, WorkItem, WorkState
from contactcenter.routing.wait_estimates import queue_wait_for_newcomer


def _form_limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "PORTAL_FORM_RATE_LIMIT", 5)),
        int(getattr(settings, "PORTAL_FORM_RATE_WINDOW_SECONDS", 3600)),
    )


def _guard(request: HttpRequest, scope: str) -> None:
    """Rate limit per client address (the honeypot is checked by the caller)."""
    limit, window = _form_limit()
    rate_limit_hit_by_client(request, scope=scope, limit=limit, window_seconds=window)


@dataclass(frozen=True, slots=True)
class ChannelWait:
    channel: str
    label: str
    waiting: int
    minutes: int | None  # None: no recent figure to estimate from


CHANNEL_LABELS = {
    "phone": gettext_lazy("Phone"),
    "chat": gettext_lazy("Live chat"),
    "secure_message": gettext_lazy("Secure message"),
    "webform": gettext_lazy("Web form"),
}


def channel_waits(now: dt.datetime | None = None) -> list[ChannelWait]:
    """Per channel: how many are in line now, and the wait of someone who joins now, from the
    one estimate every channel gives (``routing.wait_estimates``, for the place after everyone
    already in the queue). A channel the public reaches through several Tier 1 queues shows the
    longest of their estimates; None when none of them can be estimated."""
    now = now or timezone.now()
    waiting = dict(
        WorkItem.objects.filter(state=WorkState.QUEUED, channel__in=list(CHANNEL_LABELS))
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    estimates = {
        queue: queue_wait_for_newcomer(queue, now=now)[1]
        for queue in Queue.objects.filter(active=True, tier=QueueTier.TIER1)
    }
    result = []
    for channel, label in CHANNEL_LABELS.items():
        known = [m for q, m in estimates.items() if channel in (q.channels or []) and m is not None]
        minutes = max(known) if known else None
        result.append(ChannelWait(channel, str(label), waiting.get(channel, 0), minutes))
    return result


def contact(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    closures = list(
        OfficeClosure.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("office")
        .order_by("office__code")
    )
    lang = active_language()
    return render(
        request,
        "portal/public/contact.html",
        {
            "open_now": live_help_open(),
            "hours": live_help_hours_text()[lang],
            "waits": channel_waits(),
            "closures": [
                (c.office.name(lang), c.reason_es if lang == "es" else c.reason_en)
                for c in closures
            ],
        },
    )


def _honeypot_tripped(request: HttpRequest) -> bool:
    return bool(request.POST.get("website", "").strip())


@require_http_methods(["GET", "POST"])
def account_help(request: HttpRequest) -> HttpResponse:
    form = AccountHelpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _honeypot_tripped(request):
            # Answer as if it worked: a program learns nothing; nothing is stored.
            return render(request, "portal/public/thanks.html", {"reference": None})
        try:
            _guard(request, "portal-account-help")
        except RateLimited as error:
            form.add_error(None, error.message)
            response = render(
                request, "portal/public/account_help.html", {"form": form}, status=429
            )
            return retry_after_set(response, error)
        if form.is_valid():
            try:
                inquiry = public_services.account_help_submit(
                    topic=form.cleaned_data["topic"],
                    description=form.cleaned_data["description"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    language=active_language(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return render(
                    request,
                    "portal/public/thanks.html",
                    {"reference": inquiry.reference_number, "account_help": True},
                )
        return render(request, "portal/public/account_help.html", {"form": form}, status=400)
    return render(request, "portal/public/account_help.html", {"form": form})


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _honeypot_tripped(request):
            return render(request, "portal/public/thanks.html", {"reference": None})
        try:
            _guard(request, "portal-feedback")
        except RateLimited as error:
            form.add_error(None, error.message)
            response = render(request, "portal/public/feedback.html", {"form": form}, status=429)
            return retry_after_set(response, error)
        if form.is_valid():
            try:
                inquiry = public_services.feedback_submit(
                    kind=form.cleaned_data["kind"],
                    body=form.cleaned_data["body"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    anonymous=form.cleaned_data["anonymous"],
                    language=active_language(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return render(
                    request, "portal/public/thanks.html", {"reference": inquiry.reference_number}
                )
        return render(request, "portal/public/feedback.html", {"form": form}, status=400)
    return render(request, "portal/public/feedback.html", {"form": form})


def events(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    lang = active_language()
    upcoming = OutreachEvent.objects.filter(starts_at__gt=now).order_by("starts_at")[:50]
    past = OutreachEvent.objects.filter(starts_at__lte=now).order_by("-starts_at")[:20]
    return render(
        request,
        "portal/public/events.html",
        {
            "upcoming": [(e, e.title(lang)) for e in upcoming],
            "past": [(e, e.title(lang), e.notes(lang)) for e in past],
        },
    )


def _event(event_id: int) -> OutreachEvent:
    found = OutreachEvent.objects.filter(pk=event_id).first()
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    found = _event(event_id)
    lang = active_language()
    form = EventRegistrationForm(request.POST if request.method == "POST" else None)
    registered = False
    status = 200
    limited: RateLimited | None = None
    if request.method == "POST":
        if _honeypot_tripped(request):
            return redirect("portal_public:event", event_id=found.pk)
        status = 400
        try:
            _guard(request, "portal-event")
            if form.is_valid():
                public_services.event_register(
                    event=found,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=lang,
                )
                registered = True
                status = 200
                found.refresh_from_db()
        except RateLimited as error:
            form.add_error(None, error.message)
            status = 429
            limited = error
        except ApplicationError as error:
            form.add_error(None, error.message)
    response = render(
        request,
        "portal/public/event.html",
        {
            "event": found,
            "title": found.title(lang),
            "description": found.description(lang),
            "notes": found.notes(lang),
            "is_past": found.starts_at <= timezone.now(),
            "places_left": max(0, found.capacity - found.registered),
            "form": form,
            "registered": registered,
        },
        status=status,
    )
    return retry_after_set(response, limited)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _ics_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event as an iCalendar file (RFC 5545) for any calendar program."""
    found = _event(event_id)
    lang = active_language()
    host = request.get_host().split(":")[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Contact Center//Outreach events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{found.pk}@{host}",
        f"DTSTAMP:{_ics_time(found.updated_at)}",
        f"DTSTART:{_ics_time(found.starts_at)}",
        f"DTEND:{_ics_time(found.ends_at)}",
        f"SUMMARY:{_ics_text(found.title(lang))}",
        f"LOCATION:{_ics_text(found.location)}",
        f"DESCRIPTION:{_ics_text(found.description(lang))}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded = [_ics_fold(line) for line in lines]
    response = HttpResponse(
        "\r\n".join(folded) + "\r\n", content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{found.pk}.ics"'
    return response
