"""The operations figures over the API, for supervisors signed in to the staff site: the same
rows as the reports page and its downloads (``operations.reports``), as JSON. Rows by agent or
office carry their own figures (``agent``, ``office``) and none of the contacts' (null)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import django_auth

from contactcenter.core.api_schemas import BAD_INPUT, ErrorOut
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.languages import active_language
from contactcenter.operations.reports import ReportRow, ReportSpec, report_rows
from contactcenter.operations.service_level import percent
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles

router = Router(tags=["operations"])


class AgentFiguresOut(Schema):
    answered: int
    handled: int
    transferred_out: int
    talk_ms: int
    after_contact_ms: int
    average_handle_time_seconds: Decimal | None
    available_ms: int
    busy_ms: int
    wrap_up_ms: int
    away_ms: int
    occupancy_percent: Decimal | None
    utilisation_percent: Decimal | None


class OfficeFiguresOut(Schema):
    received: int
    transferred_in: int
    transferred_out: int
    resolved: int
    resolved_timed: int
    resolve_ms: int
    average_time_to_resolve_seconds: Decimal | None


class ReportRowOut(Schema):
    period_start: dt.datetime
    group: str
    label: str
    # The contacts' counts and figures: null on rows by agent or office.
    started: int | None
    self_served: int | None
    queued: int | None
    answered: int | None
    answered_within: int | None
    abandoned: int | None
    abandoned_within: int | None
    abandoned_short: int | None
    callbacks_requested: int | None
    transferred: int | None
    handled: int | None
    wait_answered_ms: int | None
    talk_ms: int | None
    after_contact_ms: int | None
    service_level_percent: Decimal | None
    threshold_seconds: int | None
    abandonment_percent: Decimal | None
    average_speed_of_answer_seconds: Decimal | None
    average_handle_time_seconds: Decimal | None
    agent: AgentFiguresOut | None = None
    office: OfficeFiguresOut | None = None


class ReportOut(Schema):
    first: dt.date
    last: dt.date
    grain: str
    by: str
    rows: list[ReportRowOut]


@router.get(
    "/operations/report",
    auth=django_auth,
    response={200: ReportOut, 401: ErrorOut, 403: ErrorOut, **BAD_INPUT},
    summary="Contacts and service levels for a range of the agency's days (supervisors only)",
)
def operations_report(
    request: HttpRequest,
    first: dt.date,
    last: dt.date,
    grain: Literal["interval", "day", "week", "month"] = "day",
    by: Literal["all", "queue", "channel", "language", "agent", "office"] = "all",
) -> ReportOut:
    if not user_roles(request.user) & SUPERVISOR_ROLES:
        raise ApplicationError(
            _("Only supervisors and administrators can read the operations figures."),
            code=ErrorCode.PERMISSION_DENIED,
            http_status=403,
        )
    spec = ReportSpec.parse(first=first.isoformat(), last=last.isoformat(), grain=grain, by=by)
    rows = report_rows(spec, language=active_language())
    return ReportOut(
        first=spec.first, last=spec.last, grain=spec.grain, by=spec.by,
        rows=[_row_out(row) for row in rows],
    )  # fmt: skip


def _row_out(row: ReportRow) -> ReportRowOut:
    counts = row.counts
    if counts is None:
        return _figures_out(row)
    return ReportRowOut(
        period_start=row.period, group=row.key, label=row.label, started=row.started,
        self_served=row.self_served, queued=counts.queued, answered=counts.answered,
        answered_within=counts.answered_within, abandoned=counts.abandoned,
        abandoned_within=counts.abandoned_within, abandoned_short=counts.abandoned_short,
        callbacks_requested=counts.callbacks_requested, transferred=row.transferred,
        handled=counts.handled, wait_answered_ms=counts.wait_answered_ms,
        talk_ms=counts.talk_ms, after_contact_ms=counts.after_contact_ms,
        service_level_percent=row.service_level_percent, threshold_seconds=row.threshold_seconds,
        abandonment_percent=row.abandonment_percent,
        average_speed_of_answer_seconds=row.average_speed_of_answer,
        average_handle_time_seconds=row.average_handle_time,
    )  # fmt: skip


_NO_CONTACTS: dict[str, None] = dict.fromkeys(
    (
        "started", "self_served", "queued", "answered", "answered_within", "abandoned",
        "abandoned_within", "abandoned_short", "callbacks_requested", "transferred", "handled",
        "wait_answered_ms", "talk_ms", "after_contact_ms", "service_level_percent",
        "threshold_seconds", "abandonment_percent", "average_speed_of_answer_seconds",
        "average_handle_time_seconds",
    )
)  # fmt: skip


def _figures_out(row: ReportRow) -> ReportRowOut:
    """A row by agent or by office: its own figures, the contacts' left null."""
    agent, office = row.agent, row.office
    return ReportRowOut(
        period_start=row.period, group=row.key, label=row.label, **_NO_CONTACTS,
        agent=AgentFiguresOut(
            answered=agent.answered, handled=agent.handled,
            transferred_out=agent.transferred_out, talk_ms=agent.talk_ms,
            after_contact_ms=agent.after_contact_ms,
            average_handle_time_seconds=agent.average_handle_time,
            available_ms=agent.available_ms, busy_ms=agent.busy_ms,
            wrap_up_ms=agent.wrap_up_ms, away_ms=agent.away_ms,
            occupancy_percent=percent(agent.occupancy),
            utilisation_percent=percent(agent.utilisation),
        ) if agent is not None else None,
        office=OfficeFiguresOut(
            received=office.received, transferred_in=office.transferred_in,
            transferred_out=office.transferred_out, resolved=office.resolved,
            resolved_timed=office.resolved_timed, resolve_ms=office.resolve_ms,
            average_time_to_resolve_seconds=office.average_time_to_resolve,
        ) if office is not None else None,
    )  # fmt: skip
