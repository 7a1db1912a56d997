"""The supervisors' journeys page: the figures of ``desk.journeys`` for a range of days with a
chart, as CSV on the same address (``?format=csv``), and the journeys behind each figure, a
person's or a case's, read through the audited selectors there."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.desk.access import desk_roles_required
from contactcenter.desk.journeys import (
    REPEAT_DAYS,
    JourneyPage,
    JourneySpec,
    case_journey_for_viewer,
    journey_figures,
    journey_figures_csv,
    journeys_for_viewer,
    person_journey_for_viewer,
)
from contactcenter.desk.reports import _chart
from contactcenter.operations.intervals import agency_zone
from contactcenter.staff.access import SUPERVISOR_ROLES


def _chosen(request: HttpRequest) -> dict[str, str]:
    today = timezone.localdate(timezone=agency_zone())
    return {
        "first": request.GET.get("first") or (today - dt.timedelta(days=13)).isoformat(),
        "last": request.GET.get("last") or today.isoformat(),
    }


def _page_number(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("page") or 1)
    except ValueError:
        raise InvalidInput(_("Give the page as a number.")) from None


def _figure_labels() -> dict[str, str]:
    return {
        "contacts": _("Contacts with a verified identity"),
        "repeats": _("Repeat contacts within 7 days"),
        "not_resolved": _("Not resolved at first contact"),
        "self_service": _("Started in self-service"),
        "self_service_reached": _("Started in self-service and reached a person"),
    }


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def journeys(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request)
    context: dict = {"chosen": chosen, "repeat_days": REPEAT_DAYS}
    try:
        spec = JourneySpec.parse(**chosen)
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "desk/journeys.html", context, status=400)
    figures = journey_figures(spec)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            journey_figures_csv(figures), content_type="text/csv; charset=utf-8"
        )
        name = f"journeys-{spec.first.isoformat()}-{spec.last.isoformat()}"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    rows = [row for row in figures.by_channel if row.counts.identified]
    context.update(
        figures=figures,
        query=urlencode(chosen),
        csv_query="?" + urlencode({**chosen, "format": "csv"}),
        contacts_chart=_chart([(row.label, row.counts.contacts) for row in figures.by_channel]),
        resolution_chart=_chart(
            [(row.label, row.counts.resolved_first_percent) for row in rows], top=100.0
        ),
    )
    return render(request, "desk/journeys.html", context)


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def journey_list(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request)
    figure = request.GET.get("figure", "")
    channel = request.GET.get("channel", "")
    queue_text = request.GET.get("queue", "")
    context: dict = {
        "chosen": chosen, "figure": figure, "figure_label": _figure_labels().get(figure, ""),
        "back_query": urlencode(chosen), "repeat_days": REPEAT_DAYS,
    }  # fmt: skip
    try:
        spec = JourneySpec.parse(**chosen)
        queue = int(queue_text) if queue_text else None
        found = journeys_for_viewer(
            viewer=request.user, spec=spec, figure=figure, channel=channel, queue=queue,
            page=_page_number(request),
        )  # fmt: skip
    except ValueError:
        context["error"] = _("Choose a queue from the journeys page.")
        return render(request, "desk/journey_list.html", context, status=400)
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "desk/journey_list.html", context, status=error.http_status)
    keep = {**chosen, "figure": figure, "channel": channel, "queue": queue_text}
    context.update(found=found, **_pager(found, keep))
    return render(request, "desk/journey_list.html", context)


def _pager(found: JourneyPage, keep: dict[str, str]) -> dict[str, str]:
    kept = {key: value for key, value in keep.items() if value}
    return {
        "previous_query": urlencode({**kept, "page": found.number - 1}),
        "next_query": urlencode({**kept, "page": found.number + 1}),
    }


def _one(request: HttpRequest, *, read, heading: str) -> HttpResponse:
    context: dict = {"heading": heading}
    try:
        found = read(page=_page_number(request))
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "desk/journey_one.html", context, status=error.http_status)
    context.update(found=found, **_pager(found, {}))
    return render(request, "desk/journey_one.html", context)


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def person_journey(request: HttpRequest, person_id: int) -> HttpResponse:
    return _one(
        request,
        read=lambda page: person_journey_for_viewer(
            viewer=request.user, person_id=person_id, page=page
        ),
        heading=_("Every contact of one person"),
    )


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def case_journey(request: HttpRequest, case_id: int) -> HttpResponse:
    return _one(
        request,
        read=lambda page: case_journey_for_viewer(viewer=request.user, case_id=case_id, page=page),
        heading=_("Every contact about one case"),
    )
