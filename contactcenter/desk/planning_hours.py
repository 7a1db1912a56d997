"""Hours of live help on the planning pages: today's hours beside the recommended ones for a
budget of paid hours, drawn as a week of bars, with what one step more or less would change;
a supervisor approves them from a chosen day, and the business calendar reads them from then.

The recommendation (``workforce.hours``) plans the whole week from the forecasts, which takes a
few seconds; it is kept in the cache for ten minutes per set of choices, so approving what the
page showed reads the same figures rather than trusting numbers sent back by the browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.desk.access import desk_roles_required
from contactcenter.routing.calendar import approved_hours_recent, live_help_hours_text
from contactcenter.routing.services import live_help_hours_approve
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.workforce.hours import Change, HoursAdvice, Stretch, hours_advice_make
from contactcenter.workforce.plan import plan_make

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CACHE_SECONDS = 600
# The week chart: a row per weekday, the day from midnight to midnight across.
CHART_WIDTH, CHART_LEFT, ROW_HEIGHT, BAR_HEIGHT = 720, 110, 44, 14


def _weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip


@dataclass(frozen=True)
class HoursChoices:
    week: dt.date  # the Monday
    budget_hours: float | None
    weekdays: tuple[int, ...]
    earliest: str
    latest: str
    shortest_hours: float

    @classmethod
    def parse(cls, data: dict[str, object], days: list[str]) -> HoursChoices:
        """From the form; raises ``InvalidInput`` with a message for the person."""
        try:
            day = dt.date.fromisoformat(str(data.get("week") or ""))
        except ValueError:
            raise InvalidInput(_("Choose the week to plan from (a date).")) from None
        budget_text = str(data.get("budget") or "").strip()
        try:
            budget = float(budget_text) if budget_text else None
            shortest = float(str(data.get("shortest") or "4"))
        except ValueError:
            raise InvalidInput(_("The budget and the shortest opening must be numbers.")) from None
        unknown = [code for code in days if code not in DAY_CODES]
        if unknown or not days:
            raise InvalidInput(_("Choose at least one weekday to plan."))
        return cls(
            week=day - dt.timedelta(days=day.weekday()),
            budget_hours=budget,
            weekdays=tuple(sorted({DAY_CODES.index(code) for code in days})),
            earliest=str(data.get("earliest") or "06:00"),
            latest=str(data.get("latest") or "22:00"),
            shortest_hours=shortest,
        )

    def cache_key(self) -> str:
        digest = hashlib.sha256(json.dumps(self.__dict__, default=str).encode()).hexdigest()
        return f"desk:planning-hours:{digest[:32]}"


def _advice(choices: HoursChoices) -> HoursAdvice:
    key = choices.cache_key()
    advice = cache.get(key)
    if advice is None:
        run = plan_make(queue_codes=None, day=choices.week, backtest_weeks=2)
        advice = hours_advice_make(
            run,
            budget_hours=choices.budget_hours,
            earliest=choices.earliest,
            latest=choices.latest,
            weekdays=choices.weekdays,
            shortest_hours=choices.shortest_hours,
        )
        cache.set(key, advice, CACHE_SECONDS)
    return advice


def _minutes(value: dt.time) -> int:
    return 1440 if value == dt.time.max else value.hour * 60 + value.minute


def _bar(stretch: Stretch | None, y: float) -> dict[str, float] | None:
    if stretch is None:
        return None
    scale = (CHART_WIDTH - CHART_LEFT) / 1440
    return {
        "x": round(CHART_LEFT + _minutes(stretch.opens) * scale, 1),
        "width": round((_minutes(stretch.closes) - _minutes(stretch.opens)) * scale, 1),
        "y": y,
    }


def _week_chart(advice: HoursAdvice) -> dict[str, object]:
    names = _weekday_names()
    rows = []
    for weekday in range(7):
        top = 8 + weekday * ROW_HEIGHT
        rows.append(
            {
                "name": names[weekday],
                "label_y": top + ROW_HEIGHT / 2 + 4,
                "today": _bar(advice.current[weekday], top + 4),
                "recommended": _bar(advice.days[weekday], top + 4 + BAR_HEIGHT + 2),
                "line_y": top + ROW_HEIGHT,
            }
        )
    scale = (CHART_WIDTH - CHART_LEFT) / 1440
    hours = [
        {"x": round(CHART_LEFT + hour * 60 * scale, 1), "label": f"{hour:02d}:00"}
        for hour in range(0, 25, 3)
    ]
    return {
        "width": CHART_WIDTH,
        "view_width": CHART_WIDTH + 24,  # room for the last hour's label
        "height": 8 + 7 * ROW_HEIGHT + 24,
        "left": CHART_LEFT,
        "bar_height": BAR_HEIGHT,
        "rows": rows,
        "hours": hours,
        "axis_y": 8 + 7 * ROW_HEIGHT,
    }


def _change_label(change: Change) -> str:
    return {
        "open_earlier": _("Open one step earlier"),
        "close_later": _("Close one step later"),
        "open_later": _("Open one step later"),
        "close_earlier": _("Close one step earlier"),
        "open_day": _("Open this day"),
    }[change.what]


def _hours_text(stretch: Stretch | None) -> str:
    if stretch is None:
        return _("Closed")
    return f"{stretch.opens:%H:%M}–{stretch.closes:%H:%M}"


def _day_row(
    advice: HoursAdvice, weekday: int, name: str, changes: list[dict[str, object]]
) -> dict[str, object]:
    today, recommended = advice.current[weekday], advice.days[weekday]
    return {
        "name": name,
        "today": _hours_text(today),
        "recommended": _hours_text(recommended),
        "changed": _hours_text(today) != _hours_text(recommended),
        "contacts": recommended.contacts if recommended else 0,
        "position_hours": recommended.position_hours if recommended else 0,
        "changes": changes,
    }


def _form_defaults(request: HttpRequest) -> tuple[dict[str, object], list[str]]:
    today = timezone.localdate()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    data: dict[str, object] = {
        "week": request.GET.get("week") or next_monday.isoformat(),
        "budget": request.GET.get("budget", ""),
        "earliest": request.GET.get("earliest") or "06:00",
        "latest": request.GET.get("latest") or "22:00",
        "shortest": request.GET.get("shortest") or "4",
    }
    days = request.GET.getlist("days") or list(DAY_CODES[:5])
    return data, days


def _page_context(
    data: dict[str, object], days: list[str], advice: HoursAdvice | None
) -> dict[str, object]:
    names = _weekday_names()
    context: dict[str, object] = {
        "chosen": data,
        "chosen_days": days,
        "day_choices": list(zip(DAY_CODES, names, strict=True)),
        "in_force": live_help_hours_text(),
        "approvals": approved_hours_recent(limit=20),
        "today": timezone.localdate().isoformat(),
    }
    if advice is not None:
        changes: dict[int, list[dict[str, object]]] = {}
        for change in advice.changes:
            changes.setdefault(change.weekday, []).append(
                {"label": _change_label(change),
                 "hours": f"{change.opens:%H:%M}–{change.closes:%H:%M}",
                 "contacts": change.contacts, "position_hours": change.position_hours}
            )  # fmt: skip
        context.update(
            advice=advice,
            chart=_week_chart(advice),
            days=[
                _day_row(advice, weekday, names[weekday], changes.get(weekday, []))
                for weekday in range(7)
            ],
        )
    return context


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def hours_page(request: HttpRequest) -> HttpResponse:
    data, days = _form_defaults(request)
    try:
        choices = HoursChoices.parse(data, days)
        advice = _advice(choices)
    except ApplicationError as error:
        context = _page_context(data, days, None)
        context["error"] = error.message
        return render(request, "desk/planning_hours.html", context, status=400)
    return render(request, "desk/planning_hours.html", _page_context(data, days, advice))


@require_POST
@desk_roles_required(SUPERVISOR_ROLES)
def hours_approve(request: HttpRequest) -> HttpResponse:
    data: dict[str, object] = {key: request.POST.get(key, "") for key in
                               ("week", "budget", "earliest", "latest", "shortest")}  # fmt: skip
    days = request.POST.getlist("days")
    try:
        choices = HoursChoices.parse(data, days)
        try:
            effective_from = dt.date.fromisoformat(request.POST.get("effective_from", ""))
        except ValueError:
            raise InvalidInput(_("Choose the day the hours take effect.")) from None
        advice = _advice(choices)
        if not advice.week_hours():
            raise InvalidInput(_("These hours close live help every day; nothing to approve."))
        live_help_hours_approve(
            hours=advice.week_hours(),
            effective_from=effective_from,
            approved_by=request.user,  # type: ignore[arg-type]
            figures={**advice.figures(), "week": choices.week.isoformat()},
        )
    except ApplicationError as error:
        context = _page_context(data, days, None)
        context["error"] = error.message
        return render(request, "desk/planning_hours.html", context, status=400)
    messages.success(
        request,
        _("Hours approved. Live help follows them from %(day)s.")
        % {"day": effective_from.isoformat()},
    )
    query = "&".join(
        [f"{key}={value}" for key, value in data.items()] + [f"days={code}" for code in days]
    )
    return redirect(f"{reverse('desk:planning-hours')}?{query}")
