"""The journeys figures over the API, for supervisors signed in to the staff site: the same
figures as the journeys page and its CSV (``desk.journeys``), counts and rates only. The
journeys themselves (personal data) are not offered here. Also the what-if planning page's
day (``desk.planning``): agents required per interval for changed figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import django_auth

from contactcenter.core.api_schemas import BAD_INPUT, ErrorOut
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.desk.journeys import FigureRow, JourneySpec, journey_figures
from contactcenter.desk.planning import planning_day_read
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles

router = Router(tags=["operations"])


class JourneyFiguresRowOut(Schema):
    group: str
    label: str
    contacts: int
    identified: int
    people: int
    cases: int
    repeats: int
    repeat_percent: Decimal | None
    settled: int
    resolved_first: int
    resolved_first_percent: Decimal | None
    self_service_starts: int
    self_service_reached: int
    reached_of_contacts_percent: Decimal | None
    reached_of_starts_percent: Decimal | None


class JourneyFiguresOut(Schema):
    first: dt.date
    last: dt.date
    settled_through: dt.date
    total: JourneyFiguresRowOut
    by_channel: list[JourneyFiguresRowOut]
    by_queue: list[JourneyFiguresRowOut]


@router.get(
    "/operations/journeys",
    auth=django_auth,
    response={200: JourneyFiguresOut, 401: ErrorOut, 403: ErrorOut, **BAD_INPUT},
    summary="Repeat contacts, first-contact resolution and self-service that reached a person "
    "for a range of the agency's days (supervisors only)",
)
def journeys_figures(request: HttpRequest, first: dt.date, last: dt.date) -> JourneyFiguresOut:
    _supervisors_only(request)
    figures = journey_figures(JourneySpec.parse(first=first.isoformat(), last=last.isoformat()))
    return JourneyFiguresOut(
        first=figures.spec.first,
        last=figures.spec.last,
        settled_through=figures.settled_through,
        total=_row_out(figures.total),
        by_channel=[_row_out(row) for row in figures.by_channel],
        by_queue=[_row_out(row) for row in figures.by_queue],
    )


def _supervisors_only(request: HttpRequest) -> None:
    if not user_roles(request.user) & SUPERVISOR_ROLES:
        raise ApplicationError(
            _("Only supervisors and administrators can read the operations figures."),
            code=ErrorCode.PERMISSION_DENIED,
            http_status=403,
        )


class PlanningIntervalOut(Schema):
    start: dt.datetime
    contacts: float
    agents: int
    service_level: float | None


class PlanningDayOut(Schema):
    queue: str
    day: dt.date
    model: str
    interval_minutes: int
    contacts: float
    peak_agents: int
    agent_hours: float
    peak_positions: int
    service_level: float | None
    intervals: list[PlanningIntervalOut]


@router.get(
    "/operations/planning",
    auth=django_auth,
    response={200: PlanningDayOut, 401: ErrorOut, 403: ErrorOut, **BAD_INPUT},
    summary="Agents required per interval of a queue's day, from its plan, for changed volume, "
    "handle time, target, threshold, shrinkage, patience or occupancy cap (supervisors only)",
)
def planning_day(
    request: HttpRequest,
    queue: str,
    day: str,
    volume: str | None = None,
    aht: str | None = None,
    target: str | None = None,
    threshold: str | None = None,
    shrinkage: str | None = None,
    patience: str | None = None,
    max_occupancy: str | None = None,
) -> PlanningDayOut:
    """The figures as on the page: percentages for volume, target, shrinkage and cap; seconds
    for the others; one left out is the plan's own, an empty patience or cap is none."""
    _supervisors_only(request)
    given = {
        "volume": volume, "aht": aht, "target": target, "threshold": threshold,
        "shrinkage": shrinkage, "patience": patience, "max_occupancy": max_occupancy,
    }  # fmt: skip
    query = {"queue": queue, "day": day} | {
        name: value for name, value in given.items() if value is not None
    }
    run, result = planning_day_read(query)
    return PlanningDayOut(
        queue=result.queue,
        day=result.day,
        model=str(result.model),
        interval_minutes=result.minutes,
        contacts=result.contacts,
        peak_agents=result.peak_agents,
        agent_hours=result.agent_hours,
        peak_positions=result.peak_positions,
        service_level=result.service_level,
        intervals=[
            PlanningIntervalOut(
                start=row.start.astimezone(run.zone),
                contacts=row.contacts,
                agents=row.agents,
                service_level=row.service_level,
            )
            for row in result.intervals
        ],
    )


def _row_out(row: FigureRow) -> JourneyFiguresRowOut:
    counts = row.counts
    return JourneyFiguresRowOut(
        group=row.key, label=row.label, contacts=counts.contacts, identified=counts.identified,
        people=len(counts.people), cases=len(counts.cases), repeats=counts.repeats,
        repeat_percent=counts.repeat_percent, settled=counts.settled,
        resolved_first=counts.resolved_first,
        resolved_first_percent=counts.resolved_first_percent,
        self_service_starts=counts.self_service_starts,
        self_service_reached=counts.self_service_reached,
        reached_of_contacts_percent=counts.reached_of_contacts_percent,
        reached_of_starts_percent=counts.reached_of_starts_percent,
    )  # fmt: skip
