"""The operations figures over the API, for supervisors signed in to the staff site: the same
rows as the reports page and its downloads (``operations.reports``), as JSON."""

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
from contactcenter.operations.reports import ReportSpec, report_rows
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles

router = Router(tags=["operations"])


class ReportRowOut(Schema):
    period_start: dt.datetime
    group: str
    label: str
    started: int
    self_served: int
    queued: int
    answered: int
    answered_within: int
    abandoned: int
    abandoned_within: int
    abandoned_short: int
    callbacks_requested: int
    transferred: int
    handled: int
    wait_answered_ms: int
    talk_ms: int
    after_contact_ms: int
    service_level_percent: Decimal | None
    threshold_seconds: int | None
    abandonment_percent: Decimal | None
    average_speed_of_answer_seconds: Decimal | None
    average_handle_time_seconds: Decimal | None


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
    by: Literal["all", "queue", "channel", "language"] = "all",
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


def _row_out(row) -> ReportRowOut:
    counts = row.counts
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
