"""The supervisors' reports page: the operations figures for any range of days, as a table with
charts, and the same rows as CSV or XLSX (``?format=csv`` or ``xlsx`` on the same address).

The figures are counts and rates, never a person's data, so nothing here is disclosed or
logged per read; the page is for supervisors and administrators only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contactcenter.core.errors import ApplicationError
from contactcenter.core.languages import active_language
from contactcenter.desk.access import desk_roles_required
from contactcenter.operations.reports import (
    DIMENSIONS,
    GRAINS,
    ReportRow,
    ReportSpec,
    report_csv,
    report_rows,
    report_xlsx,
)
from contactcenter.operations.service_level import percent
from contactcenter.staff.access import SUPERVISOR_ROLES

CHART_BARS_MAX = 62  # more periods than this are summed into the table only


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar in chart units: the chart is 100 wide, its bars stand on y = 50."""

    label: str
    value: Decimal | int | None
    x: float
    y: float
    width: float
    height: float


Figure = Decimal | int | None


def _bars(pairs: Sequence[tuple[str, Figure]], *, top: float | None = None) -> list[Bar]:
    if not pairs or len(pairs) > CHART_BARS_MAX:
        return []
    peak = top or max((float(value or 0) for _label, value in pairs), default=0) or 1.0
    step = 100.0 / len(pairs)
    bars = []
    for index, (label, value) in enumerate(pairs):
        height = round(min(float(value or 0) / peak, 1.0) * 48, 2)
        x, width = round(index * step + step * 0.15, 2), round(step * 0.7, 2)
        bars.append(Bar(label, value, x=x, y=round(50 - height, 2), width=width, height=height))
    return bars


def _period_label(row: ReportRow, grain: str) -> str:
    if grain == "interval":
        return row.period.strftime("%m-%d %H:%M")
    if grain == "month":
        return row.period.strftime("%Y-%m")
    return row.period.date().isoformat()


def _charts(rows: list[ReportRow], spec: ReportSpec) -> dict:
    """One bar per period when the rows are all contacts; one bar per group (summed over the
    range) otherwise."""
    if spec.by == "all":
        queued = [(_period_label(row, spec.grain), row.counts.queued) for row in rows]
        levels = [(_period_label(row, spec.grain), percent(row.service_level, places=1))
                  for row in rows]  # fmt: skip
    else:
        totals: dict[str, int] = {}
        for row in rows:
            totals[row.label] = totals.get(row.label, 0) + row.counts.queued
        queued = sorted(totals.items(), key=lambda pair: -pair[1])
        levels = []
    return {"queued_bars": _bars(queued), "level_bars": _bars(levels, top=100.0)}


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def reports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    chosen = {
        "first": request.GET.get("first") or (today - dt.timedelta(days=6)).isoformat(),
        "last": request.GET.get("last") or today.isoformat(),
        "grain": request.GET.get("grain") or "day",
        "by": request.GET.get("by") or "all",
    }
    language = active_language()
    context: dict = {
        "chosen": chosen, "grains": _grain_choices(), "dimensions": _by_choices(),
        "language": language,
    }  # fmt: skip
    try:
        spec = ReportSpec.parse(**chosen)
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "desk/reports.html", context, status=400)
    rows = report_rows(spec, language=language)
    wanted = request.GET.get("format", "")
    name = f"contact-center-{spec.first.isoformat()}-{spec.last.isoformat()}-{spec.grain}-{spec.by}"
    if wanted == "csv":
        response = HttpResponse(report_csv(rows, spec), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if wanted == "xlsx":
        response = HttpResponse(
            report_xlsx(rows, spec),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    query = "&".join(f"{key}={value}" for key, value in chosen.items())
    context.update(
        rows=rows,
        spec=spec,
        table=[(row, _period_label(row, spec.grain)) for row in rows],
        csv_query=f"?{query}&format=csv",
        xlsx_query=f"?{query}&format=xlsx",
        **_charts(rows, spec),
    )
    return render(request, "desk/reports.html", context)


def _grain_choices() -> list[tuple[str, str]]:
    labels = {"interval": _("Interval"), "day": _("Day"), "week": _("Week"), "month": _("Month")}
    return [(grain, labels[grain]) for grain in GRAINS]


def _by_choices() -> list[tuple[str, str]]:
    labels = {"all": _("All contacts"), "queue": _("Queue"), "channel": _("Channel"),
              "language": _("Language")}  # fmt: skip
    return [(by, labels[by]) for by in DIMENSIONS]
