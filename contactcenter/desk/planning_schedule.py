"""Schedules on the desk: the supervisors' page for a week's schedule (its totals, a day's
coverage drawn against what the plan requires, the shifts per agent line, the CSV files, and
publishing a draft or making one from the plan), and every agent's own shifts.

The schedule itself is made by ``workforce`` (``schedule_draft_from_plan`` does what the
``schedule`` command does with ``--all --assign-agents --save``); on the demo data that takes
about two seconds, so the page makes it while the supervisor waits.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.languages import active_language
from contactcenter.desk.access import desk_roles_required
from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES
from contactcenter.workforce.models import Schedule, ScheduleStatus
from contactcenter.workforce.schedule_csv import (
    ShiftRow,
    coverage_csv_write,
    shifts_csv_write,
)
from contactcenter.workforce.selectors import (
    CoverageRow,
    coverage_local,
    line_number,
    schedule_latest,
    schedule_newer_draft,
    schedule_shift_rows,
    schedule_shown,
    schedule_zone,
    shift_row,
    shifts_for_agent,
)
from contactcenter.workforce.services import schedule_draft_from_plan, schedule_publish
from contactcenter.workforce.shifts import patterns_load

# The day's chart: intervals across, agents up.
CHART_WIDTH, CHART_LEFT, CHART_TOP, PLOT_HEIGHT = 720, 40, 10, 200
EPSILON = 1e-9


def _weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _date_parse(text: str | None, *, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("%(what)s: %(text)s is not a date written YYYY-MM-DD.") % {"what": what, "text": text}
        ) from None


@dataclass(frozen=True)
class WeekChoice:
    monday: dt.date
    day: dt.date
    draft: bool

    @classmethod
    def parse(cls, data: dict[str, str]) -> WeekChoice:
        """From the query (or a form); raises ``InvalidInput`` with a message for the person."""
        today = timezone.localdate()
        chosen = _date_parse(data.get("week"), what=_("Week")) or today
        monday = _monday(chosen)
        day = _date_parse(data.get("day"), what=_("Day"))
        if day is None:
            day = today if _monday(today) == monday else monday
        elif _monday(day) != monday:
            raise InvalidInput(
                _("Day: %(day)s is not in the week of %(monday)s.")
                % {"day": day.isoformat(), "monday": monday.isoformat()}
            )
        return cls(monday=monday, day=day, draft=data.get("draft") == "1")

    def query(self, **changes: object) -> str:
        values: dict[str, object] = {"week": self.monday.isoformat(), "day": self.day.isoformat()}
        if self.draft:
            values["draft"] = "1"
        values.update(changes)
        return "?" + "&".join(f"{key}={value}" for key, value in values.items() if value)


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _nice_top(value: float) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if value <= step * 5:
            return max(step, int(-(-value // step) * step))
    return int(value) + 1


def _day_chart(rows: list[CoverageRow], minutes: int) -> dict[str, object] | None:
    """The day's intervals from the first to the last that needs or has anyone, widened to
    whole hours; None when the day needs no one and has no one."""
    busy = [index for index, row in enumerate(rows) if row.required or row.scheduled > EPSILON]
    if not busy:
        return None
    per_hour = 60 // minutes
    first = busy[0] - busy[0] % per_hour
    last = min(len(rows), busy[-1] + per_hour - busy[-1] % per_hour)
    shown = rows[first:last]
    top = _nice_top(max(max(row.required, row.scheduled) for row in shown))
    width = (CHART_WIDTH - CHART_LEFT) / len(shown)
    scale = PLOT_HEIGHT / top
    base = CHART_TOP + PLOT_HEIGHT

    def y(value: float) -> float:
        return round(base - value * scale, 1)

    bars, steps = [], []
    for index, row in enumerate(shown):
        x = round(CHART_LEFT + index * width, 1)
        short = row.short > EPSILON
        bars.append(
            {
                "x": x, "width": round(width - 1, 1), "y": y(row.scheduled),
                "height": round(row.scheduled * scale, 1), "short": short,
                "gap_y": y(row.required), "gap_height": round(row.short * scale, 1),
                "title": _("%(start)s: %(required)s required, %(scheduled)s on the floor")
                % {"start": f"{row.start:%H:%M}", "required": row.required,
                   "scheduled": _hours(row.scheduled)},
            }
        )  # fmt: skip
        steps.append(f"{'M' if index == 0 else 'L'}{x} {y(row.required)} H{round(x + width, 1)}")
    ticks = [{"y": y(value), "label": value} for value in range(0, top + 1, max(1, top // 5))]
    hours = [
        {"x": round(CHART_LEFT + index * width, 1), "label": f"{row.start:%H:%M}"}
        for index, row in enumerate(shown)
        if row.start.minute == 0 and (row.start.hour - shown[0].start.hour) % 2 == 0
    ]
    return {
        "width": CHART_WIDTH, "view_width": CHART_WIDTH + 20, "height": base + 28,
        "left": CHART_LEFT, "base": base, "bars": bars, "required_path": " ".join(steps),
        "ticks": ticks, "hours": hours, "label_y": base + 18, "rows": shown,
    }  # fmt: skip


def _pattern_labels() -> dict[str, str]:
    language = active_language()
    return {pattern.code: pattern.label(language) for pattern in patterns_load()}


def _line_label(label: str) -> str:
    number = line_number(label)
    return _("Line %(number)s") % {"number": number} if number else label


def _breaks_words(row: ShiftRow) -> list[str]:
    return [
        (_("Break %(start)s–%(end)s") if placed.paid else _("Lunch %(start)s–%(end)s"))
        % {"start": f"{placed.start:%H:%M}", "end": f"{placed.end:%H:%M}"}
        for placed in row.breaks
    ]


def _shift_cell(row: ShiftRow) -> dict[str, object]:
    return {
        "hours": f"{row.start:%H:%M}–{row.end:%H:%M}",
        "start": f"{row.start:%H:%M}",
        "end": f"{row.end:%H:%M}",
        "breaks": _breaks_words(row),
        "paid_hours": row.paid_hours,
    }


def _agent_lines(rows: list[ShiftRow], monday: dt.date) -> list[dict[str, object]]:
    """A row per agent line: who, the pattern, each day's shift or nothing, the paid hours."""
    labels = _pattern_labels()
    by_line: dict[str, list[ShiftRow]] = defaultdict(list)
    for row in rows:
        by_line[row.line].append(row)
    lines = []
    for label, shifts in by_line.items():
        days: list[dict[str, object] | None] = [None] * 7
        for row in shifts:
            days[(row.day - monday).days] = _shift_cell(row)
        lines.append(
            {
                "who": shifts[0].agent or _line_label(label),
                "line": _line_label(label),
                "assigned": bool(shifts[0].agent),
                "pattern": labels.get(shifts[0].pattern, shifts[0].pattern),
                "days": days,
                "paid_hours": sum(row.paid_hours for row in shifts),
            }
        )
    return lines


def _status_label(schedule: Schedule) -> str:
    return {
        ScheduleStatus.DRAFT: _("Draft"),
        ScheduleStatus.PUBLISHED: _("Published"),
        ScheduleStatus.SUPERSEDED: _("Superseded"),
    }[ScheduleStatus(schedule.status)]


def _page_context(choice: WeekChoice, *, with_schedule: bool = True) -> dict[str, object]:
    names = _weekday_names()
    week = [choice.monday + dt.timedelta(days=offset) for offset in range(7)]
    context: dict[str, object] = {
        "choice": choice,
        "week_end": week[-1],
        "previous_query": WeekChoice(choice.monday - dt.timedelta(days=7),
                                     choice.day - dt.timedelta(days=7), False).query(),
        "next_query": WeekChoice(choice.monday + dt.timedelta(days=7),
                                 choice.day + dt.timedelta(days=7), False).query(),
        "this_week_query": "?",
        "day_tabs": [{"name": names[offset], "date": day, "query": choice.query(day=day),
                      "current": day == choice.day} for offset, day in enumerate(week)],
        "day_name": names[choice.day.weekday()],
        "weekday_names": names,
    }  # fmt: skip
    schedule = schedule_shown(week=choice.monday, draft=choice.draft) if with_schedule else None
    if schedule is None:
        return context
    coverage = coverage_local(schedule=schedule)
    day_rows = [row for row in coverage if row.start.date() == choice.day]
    hours = schedule.interval_minutes / 60
    newer = (
        schedule_newer_draft(schedule=schedule)
        if schedule.status == ScheduleStatus.PUBLISHED
        else None
    )
    short_count = sum(1 for row in coverage if row.short > EPSILON)
    context.update(
        schedule=schedule,
        is_draft=schedule.status == ScheduleStatus.DRAFT,
        status_label=_status_label(schedule),
        newer_draft=newer,
        draft_query=choice.query(draft="1"),
        short_intervals=short_count,
        absence_percent=schedule.absence * 100,
        chart=_day_chart(day_rows, schedule.interval_minutes),
        day_totals={
            "required": sum(row.required for row in day_rows) * hours,
            "scheduled": sum(row.scheduled for row in day_rows) * hours,
            "short": sum(row.short for row in day_rows) * hours,
            "over": sum(row.over for row in day_rows) * hours,
            "short_count": sum(1 for row in day_rows if row.short > EPSILON),
        },
        lines=_agent_lines(schedule_shift_rows(schedule=schedule), choice.monday),
        shifts_csv_query=choice.query(format="shifts"),
        coverage_csv_query=choice.query(format="coverage"),
    )
    return context


def _csv_response(schedule: Schedule, kind: str) -> HttpResponse:
    out = io.StringIO()
    if kind == "shifts":
        shifts_csv_write(schedule_shift_rows(schedule=schedule), out)
    else:
        coverage_csv_write(coverage_local(schedule=schedule), out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"schedule-{schedule.week_start.isoformat()}-{schedule.status}-{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _error_page(
    request: HttpRequest, error: ApplicationError, choice: WeekChoice | None = None
) -> HttpResponse:
    """The page with the error on top; a week that did not parse shows no schedule at all."""
    context = _page_context(choice or WeekChoice.parse({}), with_schedule=choice is not None)
    context["error"] = error.message
    return render(request, "desk/planning_schedule.html", context, status=error.http_status)


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def schedule_page(request: HttpRequest) -> HttpResponse:
    try:
        choice = WeekChoice.parse(request.GET.dict())
        kind = request.GET.get("format", "")
        if kind not in ("", "shifts", "coverage"):
            raise InvalidInput(_("Format: only shifts or coverage can be downloaded."))
    except ApplicationError as error:
        return _error_page(request, error)
    if kind:
        schedule = schedule_shown(week=choice.monday, draft=choice.draft)
        if schedule is None:
            return HttpResponse(
                _("No schedule for the week of %(monday)s.")
                % {"monday": choice.monday.isoformat()},
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        return _csv_response(schedule, kind)
    return render(request, "desk/planning_schedule.html", _page_context(choice))


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def schedule_publish_view(request: HttpRequest) -> HttpResponse:
    try:
        choice = WeekChoice.parse(request.POST.dict())
    except ApplicationError as error:
        return _error_page(request, error)
    try:
        try:
            schedule = Schedule.objects.get(
                pk=int(request.POST.get("schedule", "")), week_start=choice.monday
            )
        except (ValueError, Schedule.DoesNotExist):
            raise InvalidInput(_("That schedule is not one of this week's.")) from None
        schedule = schedule_publish(schedule=schedule)
    except ApplicationError as error:
        return _error_page(request, error, choice)
    messages.success(
        request,
        _("The schedule for the week of %(monday)s is published: agents see their shifts "
          "under My schedule.") % {"monday": choice.monday.isoformat()},
    )  # fmt: skip
    return redirect(reverse("desk:planning-schedule") + WeekChoice(choice.monday, choice.day,
                                                                  False).query())  # fmt: skip


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def schedule_draft_view(request: HttpRequest) -> HttpResponse:
    try:
        choice = WeekChoice.parse(request.POST.dict())
    except ApplicationError as error:
        return _error_page(request, error)
    try:
        schedule = schedule_draft_from_plan(
            week=choice.monday,
            created_by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        return _error_page(request, error, choice)
    messages.success(
        request,
        _("Draft schedule made for the week of %(monday)s: %(lines)s agent lines, %(hours)s "
          "paid hours. Publish it when it is right.")
        % {"monday": choice.monday.isoformat(), "lines": schedule.agent_lines,
           "hours": _hours(schedule.paid_hours)},
    )  # fmt: skip
    return redirect(reverse("desk:planning-schedule") + WeekChoice(choice.monday, choice.day,
                                                                  True).query())  # fmt: skip


def _my_week(request: HttpRequest, monday: dt.date, title: str) -> dict[str, object]:
    names = _weekday_names()
    published = schedule_latest(week=monday) is not None
    mine = shifts_for_agent(user=request.user, week=monday)  # type: ignore[arg-type]
    shifts = [shift_row(shift) for shift in mine]
    by_day = {row.day: row for row in shifts}
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        row = by_day.get(day)
        days.append({"name": names[offset], "date": day,
                     "shift": _shift_cell(row) if row else None})  # fmt: skip
    return {
        "title": title,
        "monday": monday,
        "published": published,
        "has_shifts": bool(shifts),
        "days": days,
        "paid_hours": sum(row.paid_hours for row in shifts),
    }


@require_GET
@desk_roles_required(DESK_ROLES)
def my_schedule(request: HttpRequest) -> HttpResponse:
    """The signed-in agent's own shifts this week and next, from the published schedules: only
    their own rows are read (``shifts_for_agent``)."""
    monday = _monday(timezone.localdate())
    weeks = [
        _my_week(request, monday, _("This week")),
        _my_week(request, monday + dt.timedelta(days=7), _("Next week")),
    ]
    return render(
        request,
        "desk/my_schedule.html",
        {"weeks": weeks, "zone": str(schedule_zone())},
    )
