"""The supervisors' reports page: the operations figures for any range of days, as a table with
charts, and the same rows as CSV or XLSX (``?format=csv`` or ``xlsx`` on the same address).

The figures are counts and rates, never a person's data, so nothing here is disclosed or
logged per read; the page is for supervisors and administrators only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contactcenter.core.errors import ApplicationError
from contactcenter.core.languages import active_language
from contactcenter.desk.access import desk_roles_required
from contactcenter.operations.models import ReportPeriod, ReportSchedule
from contactcenter.operations.reports import (
    DIMENSIONS,
    GRAINS,
    AgentFigures,
    OfficeFigures,
    ReportRow,
    ReportSpec,
    report_csv,
    report_rows,
    report_xlsx,
)
from contactcenter.operations.schedules import report_schedule_add, report_schedule_remove
from contactcenter.operations.service_level import percent
from contactcenter.staff.access import SUPERVISOR_ROLES

CHART_BARS_MAX = 62  # more periods than this are summed into the table only


# The charts' drawing space (SVG units, drawn at its own proportions): bars stand on the base
# line, ticks on the left, the period or group under each bar when there is room.
WIDTH, HEIGHT, LEFT, TOP, BASE = 600, 240, 48, 12, 200
LABEL_CHAR_WIDTH = 8.5  # about the width of a character of a 16-unit label, with a gap


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal | int | None
    x: float
    y: float
    width: float
    height: float
    show_label: bool

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    base: int = BASE


Figure = Decimal | int | None


def _chart(pairs: Sequence[tuple[str, Figure]], *, top: float | None = None) -> Chart | None:
    """Bars for the figures, scaled to ``top`` (the largest figure when not given)."""
    if not pairs or len(pairs) > CHART_BARS_MAX:
        return None
    peak = top or max((float(value or 0) for _label, value in pairs), default=0) or 1.0
    if top is None:  # a round top for the scale: 1, 2 or 5 times a power of ten
        magnitude = 10 ** max(len(str(int(peak))) - 1, 0)
        peak = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= peak)
    step = (WIDTH - LEFT) / len(pairs)
    # At most about twelve labels under the bars, and never two that would run into each
    # other (a name is wider than a date).
    widest = max(len(label) for label, _value in pairs) * LABEL_CHAR_WIDTH
    every = max(1, round(len(pairs) / 12), math.ceil(widest / step))
    bars = []
    for index, (label, value) in enumerate(pairs):
        height = round(min(float(value or 0) / peak, 1.0) * (BASE - TOP), 1)
        bars.append(Bar(label, value, x=round(LEFT + index * step + step * 0.15, 1),
                        y=round(BASE - height, 1), width=round(step * 0.7, 1), height=height,
                        show_label=index % every == 0))  # fmt: skip
    ticks = [Tick(value=round(peak * share), y=round(BASE - (BASE - TOP) * share, 1))
             for share in (0, 0.5, 1)]  # fmt: skip
    return Chart(bars=bars, ticks=ticks)


def _period_full(row: ReportRow, grain: str) -> str:
    if grain == "interval":
        return row.period.strftime("%Y-%m-%d %H:%M")
    if grain == "month":
        return row.period.strftime("%Y-%m")
    return row.period.date().isoformat()


def _period_label(row: ReportRow, grain: str) -> str:
    """Short, for under a bar."""
    if grain == "interval":
        return row.period.strftime("%m-%d %H:%M")
    if grain in ("day", "week"):
        return row.period.strftime("%m-%d")
    if grain == "month":
        return row.period.strftime("%Y-%m")
    return row.period.date().isoformat()


@dataclass(frozen=True, slots=True)
class ChartBox:
    testid: str
    caption: str
    chart: Chart
    colour: str
    unit: str


Summable = TypeVar("Summable", AgentFigures, OfficeFigures)


def _summed(items: Sequence[Summable]) -> Summable:
    first = items[0]
    return type(first)(
        **{f.name: sum(getattr(item, f.name) for item in items) for f in fields(first)}
    )


def _by_group(pairs: Sequence[tuple[str, Summable]]) -> dict[str, Summable]:
    """Each group's figures over the whole range, in the rows' order."""
    grouped: dict[str, list[Summable]] = {}
    for label, figures in pairs:
        grouped.setdefault(label, []).append(figures)
    return {label: _summed(items) for label, items in grouped.items()}


def _charts(rows: list[ReportRow], spec: ReportSpec) -> list[ChartBox]:
    """One bar per period when the rows are all contacts; one bar per group (summed over the
    range) otherwise."""
    boxes: list[tuple[str, str, Chart | None, str, str]] = []
    if spec.by == "agent":
        agents = _by_group([(row.label, row.agent) for row in rows if row.agent is not None])
        busiest = sorted(agents.items(), key=lambda pair: -pair[1].handled)
        boxes = [
            ("report-chart-handled", _("Contacts handled, by agent, over the range"),
             _chart([(label, figures.handled) for label, figures in busiest]), "#005ea2", ""),
            ("report-chart-occupancy", _("Occupancy by agent, over the range") + " (%)",
             _chart([(label, percent(figures.occupancy, places=1))
                     for label, figures in busiest], top=100.0), "#00a91c", " %"),
        ]  # fmt: skip
    elif spec.by == "office":
        offices = _by_group([(row.key, row.office) for row in rows if row.office is not None])
        most = sorted(offices.items(), key=lambda pair: -pair[1].received)
        boxes = [
            ("report-chart-received", _("Requests received, by office, over the range"),
             _chart([(code, figures.received) for code, figures in most]), "#005ea2", ""),
            ("report-chart-resolved", _("Requests resolved, by office, over the range"),
             _chart([(code, figures.resolved) for code, figures in most]), "#00a91c", ""),
        ]  # fmt: skip
    elif spec.by == "all":
        counted = [row for row in rows if row.counts is not None]
        boxes = [
            ("report-chart-queued", _("Contacts queued, by period"),
             _chart([(_period_label(row, spec.grain), row.counts.queued) for row in counted
                     if row.counts is not None]), "#005ea2", ""),
            ("report-chart-level", _("Service level by period") + " (%)",
             _chart([(_period_label(row, spec.grain), percent(row.service_level, places=1))
                     for row in counted], top=100.0), "#00a91c", " %"),
        ]  # fmt: skip
    else:
        totals: dict[str, int] = {}
        for row in rows:
            if row.counts is not None:
                totals[row.label] = totals.get(row.label, 0) + row.counts.queued
        queued = sorted(totals.items(), key=lambda pair: -pair[1])
        boxes = [("report-chart-queued", _("Contacts queued, by group, over the range"),
                  _chart(queued), "#005ea2", "")]  # fmt: skip
    return [ChartBox(testid, caption, chart, colour, unit)
            for testid, caption, chart, colour, unit in boxes if chart is not None]  # fmt: skip


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
        "language": language, "periods": ReportPeriod.choices,
        "schedules": ReportSchedule.objects.filter(created_by_id=request.user.pk, active=True)
        .order_by("send_at"),
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
        table=[(row, _period_full(row, spec.grain), _agent_cells(row)) for row in rows],
        csv_query=f"?{query}&format=csv",
        xlsx_query=f"?{query}&format=xlsx",
        charts=_charts(rows, spec),
    )
    return render(request, "desk/reports.html", context)


def _agent_cells(row: ReportRow) -> dict[str, Decimal | None] | None:
    """An agent row's time by state in minutes and its ratios in percent, for the table."""
    agent = row.agent
    if agent is None:
        return None
    return {
        "available": _minutes(agent.available_ms), "busy": _minutes(agent.busy_ms),
        "wrap_up": _minutes(agent.wrap_up_ms), "away": _minutes(agent.away_ms),
        "occupancy": percent(agent.occupancy, places=1),
        "utilisation": percent(agent.utilisation, places=1),
    }  # fmt: skip


def _minutes(milliseconds: int) -> Decimal:
    return (Decimal(milliseconds) / 60_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _grain_choices() -> list[tuple[str, str]]:
    labels = {"interval": _("Interval"), "day": _("Day"), "week": _("Week"), "month": _("Month")}
    return [(grain, labels[grain]) for grain in GRAINS]


def _by_choices() -> list[tuple[str, str]]:
    labels = {"all": _("All contacts"), "queue": _("Queue"), "channel": _("Channel"),
              "language": _("Language"), "agent": _("Agent"), "office": _("Office")}  # fmt: skip
    return [(by, labels[by]) for by in DIMENSIONS]


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def schedule_add(request: HttpRequest) -> HttpResponse:
    """Email this report to me every day at a set time."""
    try:
        send_at = dt.time.fromisoformat(str(request.POST.get("send_at", "")))
    except ValueError:
        messages.error(request, _("Give the time as HH:MM."))
        return redirect("desk:reports")
    try:
        report_schedule_add(
            user=request.user, period=str(request.POST.get("period", "")), send_at=send_at,
            grain=str(request.POST.get("grain", "day")), by=str(request.POST.get("by", "all")),
            file_format=str(request.POST.get("file_format", "csv")), language=active_language(),
        )  # fmt: skip
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The report will be emailed to you every day at that time."))
    return redirect("desk:reports")


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def schedule_remove(request: HttpRequest, schedule_id: int) -> HttpResponse:
    try:
        report_schedule_remove(user=request.user, schedule_id=schedule_id)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The scheduled report is removed."))
    return redirect("desk:reports")
