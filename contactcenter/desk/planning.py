"""The supervisors' what-if planning page: a queue's plan for one day (``workforce.plan``),
sized again live as the volume, handle time, target, threshold, shrinkage, patience or
occupancy cap change (``workforce.whatif``), drawn as agents required against scheduled by
interval, with a simulation of the busiest interval beside Erlang's figure.

The plan of a queue's week (a forecast with its back-test) is made once and kept in the cache
for a few minutes; each change re-sizes only the day's intervals. Figures only, no person's
data: nothing is disclosed or logged per read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.languages import active_language
from contactcenter.desk.access import desk_roles_required
from contactcenter.inquiries.models import Channel
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.routing.models import Queue, QueueTier
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.workforce.erlang import Model
from contactcenter.workforce.forecast import Method
from contactcenter.workforce.plan import PlanRun, QueuePlan, plan_make
from contactcenter.workforce.selectors import coverage_by_interval, schedule_latest
from contactcenter.workforce.whatif import (
    WhatIfChanges,
    WhatIfCheck,
    WhatIfDay,
    plan_changes,
    plan_day_aht,
    whatif_check,
    whatif_day,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIRST_DAY = dt.date(2000, 1, 1)  # no agency's counts go back further
BASE_SECONDS = 300  # a plan reads months of history and back-tests: kept five minutes
CONTROLS = (
    "volume", "aht", "target", "threshold", "shrinkage", "patience", "max_occupancy", "check_at",
)  # fmt: skip


# --- Scheduled agents -----------------------------------------------------------------------


def _scheduled_by_interval(queue: str, day: dt.date) -> dict[dt.datetime, int] | None:
    """Agents of the week's published schedule on the floor for ``queue`` per interval start
    of ``day``; None when none is published.

    A schedule is one pool of agents for every queue (routing gives each call to whoever is
    free and has the skill), so a queue's part of each interval is the pool's agents in
    proportion to the queue's share of all queues' planned agents then."""
    schedule = schedule_latest(week=day)
    if schedule is None:
        return None
    run = _base_all(day)
    mine: dict[dt.datetime, int] = {}
    total: dict[dt.datetime, int] = {}
    for plan in run.queues:
        for start, agents in plan.agents_by_start().items():
            if start.astimezone(run.zone).date() != day:
                continue
            total[start] = total.get(start, 0) + agents
            if plan.queue == queue:
                mine[start] = agents
    length = dt.timedelta(minutes=schedule.interval_minutes)
    pool = sorted(
        (row.start, row.scheduled)
        for row in coverage_by_interval(schedule=schedule)
        if row.start.astimezone(run.zone).date() == day
    )
    answer: dict[dt.datetime, int] = {}
    for start in sorted(total):
        on_floor = next((value for begin, value in pool if begin <= start < begin + length), 0.0)
        share = mine.get(start, 0) / total[start] if total[start] else 0.0
        answer[start] = round(on_floor * share)
    return answer


def _base_all(day: dt.date) -> PlanRun:
    """Every queue's plan for the week holding ``day``, from the cache when made lately."""
    monday = day - dt.timedelta(days=day.weekday())
    key = f"desk.planning.base-all:{monday.isoformat()}"
    run = cache.get(key)
    if run is None:
        run = plan_make(queue_codes=None, day=day)
        cache.set(key, run, BASE_SECONDS)
    return run


# --- The choices ------------------------------------------------------------------------------


def _queue_choices() -> list[tuple[str, str]]:
    """Active queues, Tier 1 first (the first is the page's default: the front line, where
    most of the volume is)."""
    spanish = active_language() == "es"
    tiers: list[str] = [QueueTier.TIER1, QueueTier.TIER2, QueueTier.SUPERVISOR]
    rows = sorted(
        Queue.objects.filter(active=True).values_list("code", "name_en", "name_es", "tier"),
        key=lambda row: (tiers.index(row[3]) if row[3] in tiers else len(tiers), row[0]),
    )
    return [
        (code, f"{name_es if spanish else name_en} ({code})")
        for code, name_en, name_es, _tier in rows
    ]


def _next_business_day() -> dt.date:
    calendar = live_help_calendar()
    day = timezone.localdate() + dt.timedelta(days=1)
    for _step in range(30):
        if calendar.is_business_day(day):
            return day
        day += dt.timedelta(days=1)
    return day


class BaseForm(forms.Form):
    queue = forms.ChoiceField(label=gettext_lazy("Queue"))
    day = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a day as YYYY-MM-DD.")},
    )

    def clean_day(self) -> dt.date:
        # A plan reads half a year of history before its week: a day far off is a slip of the
        # keyboard (and the year 1 would take the history window below the calendar's start).
        day = self.cleaned_data["day"]
        today = timezone.localdate()
        if not FIRST_DAY <= day <= today + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose a day from the year 2000 to a year ahead."))
        return day

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queue = self.fields["queue"]
        assert isinstance(queue, forms.ChoiceField)
        queue.choices = _queue_choices()
        self.fields["queue"].error_messages["invalid_choice"] = _("Choose a queue from the list.")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "usa-select" if isinstance(field.widget, forms.Select) else "usa-input"
            )


def _number(
    label: StrOrPromise,
    message: StrOrPromise,
    low: float,
    high: float,
    *,
    required: bool = True,
    step: str = "any",
) -> forms.FloatField:
    """A number field whose every refusal (not a number, too low, too high, missing) says the
    same one clear thing."""
    errors = dict.fromkeys(("invalid", "min_value", "max_value", "required"), message)
    return forms.FloatField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        error_messages=errors,
        widget=forms.NumberInput(attrs={"step": step, "class": "usa-input"}),
    )


class WhatIfForm(forms.Form):
    """The controls; shares as percentages. Blank patience is Erlang C; blank cap is none."""

    volume = _number(
        gettext_lazy("Change in volume (%)"),
        gettext_lazy("Enter a change from -100 to 500 (per cent)."),
        -100,
        500,
    )
    aht = _number(
        gettext_lazy("Average handle time (seconds)"),
        gettext_lazy("Enter a handle time from 1 to 7200 seconds."),
        1,
        7200,
    )
    target = _number(
        gettext_lazy("Service-level target (%)"),
        gettext_lazy("Enter a target above 0 and below 100 (per cent)."),
        0.1,
        99.9,
    )
    threshold = _number(
        gettext_lazy("Answered within (seconds)"),
        gettext_lazy("Enter a threshold from 0 to 3600 seconds."),
        0,
        3600,
    )
    shrinkage = _number(
        gettext_lazy("Shrinkage (%)"),
        gettext_lazy("Enter a shrinkage from 0 to 95 (per cent)."),
        0,
        95,
    )
    patience = _number(
        gettext_lazy("Mean patience (seconds)"),
        gettext_lazy("Enter a patience from 1 to 36000 seconds, or leave it blank."),
        1,
        36000,
        required=False,
    )
    max_occupancy = _number(
        gettext_lazy("Occupancy cap (%)"),
        gettext_lazy("Enter a cap from 1 to 100 (per cent), or leave it blank."),
        1,
        100,
        required=False,
    )

    check_at = forms.ChoiceField(
        label=gettext_lazy("Interval to simulate"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose an interval from the list.")},
    )

    def __init__(self, *args, times: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        check_at = self.fields["check_at"]
        assert isinstance(check_at, forms.ChoiceField)
        check_at.choices = [("", _("The busiest")), *((time, time) for time in times)]

    def changes(self) -> WhatIfChanges:
        data = self.cleaned_data
        cap = data.get("max_occupancy")
        return WhatIfChanges(
            volume_change=data["volume"] / 100,
            aht_seconds=data["aht"],
            service_level=data["target"] / 100,
            threshold_seconds=data["threshold"],
            shrinkage=data["shrinkage"] / 100,
            patience_seconds=data.get("patience"),
            max_occupancy=None if cap is None else cap / 100,
        )


# --- The base plan --------------------------------------------------------------------------


def _base(queue: str, day: dt.date) -> tuple[PlanRun, QueuePlan]:
    """The plan of ``queue``'s week holding ``day``, from the cache when made lately."""
    monday = day - dt.timedelta(days=day.weekday())
    key = f"desk.planning.base:{queue}:{monday.isoformat()}"
    run = cache.get(key)
    if run is None:
        run = plan_make(queue_codes=[queue], day=day)
        cache.set(key, run, BASE_SECONDS)
    return run, run.queues[0]


def _defaults(run: PlanRun, plan: QueuePlan, day: dt.date) -> dict[str, str]:
    """The controls at the plan's own figures."""
    unchanged = plan_changes(run, plan)

    def figure(value: float) -> str:
        return f"{round(value, 1):g}"

    return {
        "volume": "0",
        "aht": figure(round(plan_day_aht(run, plan, day))),
        "target": figure(unchanged.service_level * 100),
        "threshold": figure(unchanged.threshold_seconds),
        "shrinkage": figure(unchanged.shrinkage * 100),
        "patience": "" if unchanged.patience_seconds is None else figure(
            round(unchanged.patience_seconds)
        ),
        "max_occupancy": "" if unchanged.max_occupancy is None else figure(
            unchanged.max_occupancy * 100
        ),
        "check_at": "",
    }  # fmt: skip


def _controls(query: QueryDict | Mapping[str, str], defaults: dict[str, str]) -> dict[str, str]:
    """The controls as asked for; one not in the request takes the plan's figure (a blank
    optional one stays blank: no patience, no cap)."""
    return {name: str(query.get(name, defaults[name])) for name in CONTROLS}


# --- The chart --------------------------------------------------------------------------------

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BASE = 720, 260, 44, 8, 12, 228


@dataclass(frozen=True, slots=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    agents: int


@dataclass(frozen=True, slots=True)
class ChartTick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class ChartTime:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    bars: list[ChartBar]
    ticks: list[ChartTick]
    times: list[ChartTime]
    scheduled_path: str  # an SVG path of steps, empty without a schedule
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    base: int = BASE


@dataclass(frozen=True, slots=True)
class Row:
    """One interval of the figures' table."""

    start: dt.datetime
    contacts: float
    agents: int
    base_agents: int
    scheduled: int | None
    service_level: float | None

    @property
    def service_level_percent(self) -> float | None:
        return _percent(self.service_level)


def _open_span(result: WhatIfDay, scheduled: dict[dt.datetime, int] | None) -> list:
    """The intervals from the first with contacts, agents or staff to the last."""
    busy = [
        index
        for index, row in enumerate(result.intervals)
        if row.contacts or row.agents or (scheduled and scheduled.get(row.start))
    ]
    if not busy:
        return []
    return result.intervals[busy[0] : busy[-1] + 1]


def _scale_top(highest: int) -> int:
    """The top of the scale: close above the highest bar, and even, so the middle tick is a
    whole number of agents (an even number up to 10; above, 1, 1.2, 1.6, 2, 3, 4, 5, 6 or 8
    times a power of ten)."""
    if highest <= 10:
        return max(2, highest + highest % 2)
    magnitude = 10 ** (len(str(highest)) - 1)
    steps = (1, 1.2, 1.6, 2, 3, 4, 5, 6, 8, 10)
    return next(round(m * magnitude) for m in steps if m * magnitude >= highest)


def _chart(
    intervals: list, scheduled: dict[dt.datetime, int] | None, zone: dt.tzinfo
) -> Chart | None:
    if not intervals:
        return None
    highest = max(
        [row.agents for row in intervals] + [scheduled.get(row.start, 0) for row in intervals]
        if scheduled
        else [row.agents for row in intervals]
    )
    top = _scale_top(highest)
    step = (WIDTH - RIGHT - LEFT) / len(intervals)
    scale = (BASE - TOP) / top
    bars = []
    times = []
    every = max(1, math.ceil(len(intervals) / 12))
    for index, row in enumerate(intervals):
        height = round(row.agents * scale, 1)
        label = row.start.astimezone(zone).strftime("%H:%M")
        x = LEFT + index * step
        bars.append(
            ChartBar(round(x + step * 0.12, 1), round(BASE - height, 1),
                     round(step * 0.76, 1), height, label, row.agents)
        )  # fmt: skip
        if index % every == 0:
            times.append(ChartTime(round(x + step / 2, 1), label))
    path = ""
    if scheduled:
        points = []
        for index, row in enumerate(intervals):
            y = round(BASE - scheduled.get(row.start, 0) * scale, 1)
            points.append(f"{round(LEFT + index * step, 1)},{y}")
            points.append(f"{round(LEFT + (index + 1) * step, 1)},{y}")
        path = "M" + " L".join(points)
    ticks = [ChartTick(round(top * share), round(BASE - (BASE - TOP) * share, 1))
             for share in (0, 0.5, 1)]  # fmt: skip
    return Chart(bars, ticks, times, path)


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _open_times(run: PlanRun, plan: QueuePlan, day: dt.date) -> list[str]:
    """The local starts (HH:MM) of the day's intervals with contacts forecast."""
    starts = {
        row.start.astimezone(run.zone)
        for row in plan.intervals
        if row.contacts and row.start.astimezone(run.zone).date() == day
    }
    return [start.strftime("%H:%M") for start in sorted(starts)]


def _result_context(
    run: PlanRun, plan: QueuePlan, day: dt.date, changes: WhatIfChanges, check_at: str = ""
) -> dict:
    result = whatif_day(run=run, plan=plan, day=day, changes=changes)
    base = whatif_day(run=run, plan=plan, day=day, changes=plan_changes(run, plan))
    scheduled = _scheduled_by_interval(plan.queue, day)
    span = _open_span(result, scheduled)
    base_agents = {row.start: row.agents for row in base.intervals}
    rows = [
        Row(
            start=row.start.astimezone(run.zone),
            contacts=row.contacts,
            agents=row.agents,
            base_agents=base_agents.get(row.start, 0),
            scheduled=None if scheduled is None else scheduled.get(row.start, 0),
            service_level=row.service_level,
        )
        for row in span
    ]
    chosen = next(
        (
            row.start
            for row in result.intervals
            if row.start.astimezone(run.zone).strftime("%H:%M") == check_at
        ),
        None,
    )
    check: WhatIfCheck | None = whatif_check(result, start=chosen)
    peak = result.peak
    return {
        "result": result,
        "day_label": f"{date_format(day, 'l')}, {date_format(day, 'DATE_FORMAT')}",
        "base": base,
        "rows": rows,
        "chart": _chart(span, scheduled, run.zone),
        "has_schedule": scheduled is not None,
        "service_level_percent": _percent(result.service_level),
        "base_service_level_percent": _percent(base.service_level),
        "peak_start": None if peak is None else peak.start.astimezone(run.zone),
        "first": rows[0].start if rows else None,
        "last": rows[-1].start if rows else None,
        "check": check,
        "check_start": None if check is None else check.start.astimezone(run.zone),
        "check_channel": None if check is None else _channel_label(check.channel),
        "check_simulated": None
        if check is None
        else _percent(check.comparison.simulated.service_level.mean),
        "check_margin": None
        if check is None
        else check.comparison.simulated.service_level.half_width * 100,
        "check_erlang": None if check is None else _percent(check.comparison.erlang.service_level),
    }


def _method_label(method: Method) -> str:
    return {
        Method.SEASONAL_NAIVE: _("seasonal naive"),
        Method.WEIGHTED: _("weighted index"),
        Method.PROFILE: _("daily total × profile"),
        Method.HOLT_WINTERS: _("Holt-Winters"),
    }[method]


def _channel_label(channel: str) -> str:
    try:
        return str(Channel(channel).label)
    except ValueError:
        return channel


def planning_day_read(query: Mapping[str, str]) -> tuple[PlanRun, WhatIfDay]:
    """The day as the page works it out from the same figures (for the API). Raises
    ``InvalidInput`` with every field's message, or the plan's own refusal."""
    base_form = BaseForm(query)
    if not base_form.is_valid():
        raise InvalidInput(" ".join(str(m) for errors in base_form.errors.values() for m in errors))
    day = base_form.cleaned_data["day"]
    run, plan = _base(base_form.cleaned_data["queue"], day)
    form = WhatIfForm(
        _controls(query, _defaults(run, plan, day)), times=_open_times(run, plan, day)
    )
    if not form.is_valid():
        raise InvalidInput(
            " ".join(f"{name}: {m}" for name, errors in form.errors.items() for m in errors)
        )
    return run, whatif_day(run=run, plan=plan, day=day, changes=form.changes())


# --- The views ------------------------------------------------------------------------------


def _page_url(query: dict[str, str]) -> str:
    return f"{reverse('desk:planning')}?{urlencode(query)}"


def _prepare(request: HttpRequest) -> dict:
    """The base form, the plan and the controls; ``error`` set when the queue or day is bad or
    the plan cannot be made."""
    chosen = {
        "queue": request.GET.get("queue") or "",
        "day": request.GET.get("day") or _next_business_day().isoformat(),
    }
    if not chosen["queue"]:
        choices = _queue_choices()
        chosen["queue"] = choices[0][0] if choices else ""
    base_form = BaseForm(chosen)
    context: dict = {"base_form": base_form, "chosen": chosen}
    if not base_form.is_valid():
        context["error"] = " ".join(
            str(message) for errors in base_form.errors.values() for message in errors
        )
        return context
    day = base_form.cleaned_data["day"]
    try:
        run, plan = _base(base_form.cleaned_data["queue"], day)
    except ApplicationError as error:
        context["error"] = str(error.message)
        return context
    defaults = _defaults(run, plan, day)
    controls = _controls(request.GET, defaults)
    form = WhatIfForm(controls, times=_open_times(run, plan, day))
    context.update(
        run=run, plan=plan, day=day, defaults=defaults, controls=controls, form=form,
        page_url=_page_url({**chosen, **controls}),
        method_label=_method_label(plan.method),
        model_label=_("Erlang A") if plan.model == Model.ERLANG_A else _("Erlang C"),
    )  # fmt: skip
    if form.is_valid():
        try:
            context.update(
                _result_context(run, plan, day, form.changes(), form.cleaned_data["check_at"])
            )
        except ApplicationError as error:
            context["result_error"] = str(error.message)
    return context


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def planning(request: HttpRequest) -> HttpResponse:
    context = _prepare(request)
    bad = "error" in context or "result_error" in context or context["form"].errors
    return render(request, "desk/planning.html", context, status=400 if bad else 200)


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def planning_result(request: HttpRequest) -> HttpResponse:
    """The result alone, for the page's live updates. A refusal answers 400 with the messages
    for each field and sends them to the page's status line instead (``HX-Retarget``), so the
    last good result stays on the page."""
    context = _prepare(request)
    bad = "error" in context or "result_error" in context or context["form"].errors
    response = render(request, "desk/_planning_result.html", {**context, "fragment": True},
                      status=400 if bad else 200)  # fmt: skip
    if bad:
        response["HX-Retarget"] = "#planning-status"
        response["HX-Reswap"] = "innerHTML"
    elif "page_url" in context:
        response["HX-Replace-Url"] = context["page_url"]
    return response
