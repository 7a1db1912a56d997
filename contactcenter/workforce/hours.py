"""Hours of live help: which opening hours per weekday serve the most contacts within a budget.

The question a planner brings: with this many paid agent-hours a week, when should live help be
open? Each weekday may open for one stretch of time (or stay closed) inside a candidate window,
on a grid of whole steps (an hour by default). A stretch serves the contacts forecast in it, at
the service-level target, at the cost of the positions the plan needs in it (agents after
shrinkage, times the interval's length). A small integer program (``scipy.optimize.milp``,
one binary per weekday and stretch, at most one stretch a day, the week's cost within the
budget) picks the stretches that serve the most contacts; among equal answers, the cheaper.

Demand outside today's hours cannot be read from queue history: nobody is queued while live help
is closed. It is estimated from the contacts that reached the agency then (``started``, the
phone line's and the assistant's self-service included, which run round the clock): the week's
forecast for each queue and channel per contact that reached the agency in open hours, times
those reaching it in each closed interval (its share of the weekday's arrivals, over the same
history the forecasts read). Contacts that arrive while live help is closed are counted as not
served, though some would come back when it opens: the estimate errs against longer hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import Bounds, LinearConstraint, milp

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.workforce.erlang import scheduled_positions
from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.plan import HISTORY_WEEKS, PlanRun
from contactcenter.workforce.selectors import arrivals_history
from contactcenter.workforce.staffing import staffing_solve

WEEKDAYS = range(7)
# Live help that is open has at least this many agents answering, however quiet the interval.
MIN_AGENTS_OPEN = 1


@dataclass(frozen=True)
class HoursDemand:
    """Per weekday (0 is Monday), per interval of the whole day: contacts forecast, the
    positions needed to answer them at target, and whether live help is open there today."""

    minutes: int
    contacts: dict[int, list[float]]
    positions: dict[int, list[int]]
    open_now: dict[int, list[bool]]
    # An open interval costs at least this many positions, however quiet: someone is there.
    floor_positions: int = 1

    def cost(self, weekday: int, slot: int) -> float:
        """Paid position-hours of keeping ``slot`` open."""
        return max(self.positions[weekday][slot], self.floor_positions) * self.minutes / 60

    def slots(self) -> int:
        return 1440 // self.minutes


@dataclass(frozen=True)
class Stretch:
    """One weekday's opening: from ``opens`` to ``closes`` (local wall clock)."""

    weekday: int
    opens: dt.time
    closes: dt.time
    contacts: float
    position_hours: float

    @property
    def hours(self) -> float:
        return _minute(self.closes) / 60 - _minute(self.opens) / 60


@dataclass(frozen=True)
class Change:
    """What moving one end of a weekday's hours by one step would change."""

    weekday: int
    what: str  # open_earlier, close_later, open_later, close_earlier, open_day
    opens: dt.time
    closes: dt.time
    contacts: float  # added (positive) or dropped (negative)
    position_hours: float


@dataclass
class HoursAdvice:
    minutes: int
    step_minutes: int
    budget_hours: float
    days: list[Stretch | None]  # per weekday, None: closed
    current: list[Stretch | None]
    demand_contacts: float  # in the whole candidate window, every candidate weekday
    changes: list[Change] = field(default_factory=list)

    @property
    def contacts(self) -> float:
        return sum(day.contacts for day in self.days if day)

    @property
    def position_hours(self) -> float:
        return sum(day.position_hours for day in self.days if day)

    @property
    def current_contacts(self) -> float:
        return sum(day.contacts for day in self.current if day)

    @property
    def current_position_hours(self) -> float:
        return sum(day.position_hours for day in self.current if day)

    def week_hours(self) -> list[dict[str, object]]:
        """The recommendation as routing stores approved hours."""
        return [
            {"weekday": day.weekday, "opens": f"{day.opens:%H:%M}", "closes": f"{day.closes:%H:%M}"}
            for day in self.days
            if day
        ]

    def figures(self) -> dict[str, object]:
        """What an approver sees, kept beside the approved hours."""
        return {
            "budget_hours": round(self.budget_hours, 1),
            "position_hours": round(self.position_hours, 1),
            "contacts": round(self.contacts, 1),
            "current_position_hours": round(self.current_position_hours, 1),
            "current_contacts": round(self.current_contacts, 1),
            "demand_contacts": round(self.demand_contacts, 1),
        }


def _minute(value: dt.time) -> int:
    # 24:00 is kept as dt.time.max's minute count, so a stretch may end at midnight.
    return 1440 if value == dt.time.max else value.hour * 60 + value.minute


def _time(minute: int) -> dt.time:
    return dt.time.max if minute >= 1440 else dt.time(minute // 60, minute % 60)


def _clock_parse(text: str, option: str) -> int:
    try:
        value = dt.time.fromisoformat(text)
    except ValueError:
        raise StaffingInputInvalid(
            _("%(option)s: %(text)s is not a time of day (HH:MM).")
            % {"option": option, "text": text}
        ) from None
    return value.hour * 60 + value.minute


def hours_demand(
    run: PlanRun,
    *,
    calendar: BusinessCalendar,
    arrivals: dict[int, list[float]],
) -> HoursDemand:
    """The plan's week laid out per weekday, with closed intervals' contacts estimated from
    ``arrivals`` (contacts that reached the agency per weekday and interval, summed over the
    history) and sized with each queue's own figures."""
    slots = 1440 // run.minutes
    zone = run.zone
    open_now = {weekday: [False] * slots for weekday in WEEKDAYS}  # filled from the calendar below
    monday = run.monday
    for offset in WEEKDAYS:
        day = monday + dt.timedelta(days=offset)
        reason = calendar.closure_reason(day)
        if reason is not None and reason != "weekend":
            raise StaffingInputInvalid(
                _(
                    "The week of %(monday)s has a closed day on %(day)s (%(reason)s): choose a "
                    "week without a holiday or closure to recommend hours from."
                )
                % {"monday": monday.isoformat(), "day": day.isoformat(), "reason": reason}
            )
        for slot in range(slots):
            minute = slot * run.minutes
            moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), zone)
            open_now[offset][slot] = calendar.is_open(moment)
    arrivals_open = sum(
        value
        for weekday in WEEKDAYS
        for slot, value in enumerate(arrivals.get(weekday, [0.0] * slots))
        if open_now[weekday][slot]
    )
    contacts = {weekday: [0.0] * slots for weekday in WEEKDAYS}
    agents = {weekday: [0] * slots for weekday in WEEKDAYS}
    for plan in run.queues:
        forecast_open: dict[str, float] = {}
        for row in plan.intervals:
            local = row.start.astimezone(zone)
            slot = (local.hour * 60 + local.minute) // run.minutes
            weekday = local.weekday()
            if open_now[weekday][slot]:
                contacts[weekday][slot] += row.contacts
                agents[weekday][slot] += row.agents
                forecast_open[row.channel] = forecast_open.get(row.channel, 0.0) + row.contacts
        solved: dict[tuple[str, float], int] = {}
        for channel, total in forecast_open.items():
            per_arrival = total / arrivals_open if arrivals_open > 0 else 0.0
            for weekday in WEEKDAYS:
                for slot, reached in enumerate(arrivals.get(weekday, [0.0] * slots)):
                    if open_now[weekday][slot] or reached <= 0 or per_arrival <= 0:
                        continue
                    estimate = round(reached * per_arrival, 2)
                    if (channel, estimate) not in solved:
                        solved[(channel, estimate)] = staffing_solve(
                            contacts=estimate,
                            interval_minutes=run.minutes,
                            aht_seconds=plan.aht_seconds[channel],
                            target_seconds=plan.threshold_seconds,
                            service_level=plan.service_level_target,
                            patience_seconds=plan.patience_seconds,
                            max_occupancy=run.max_occupancy,
                            concurrency=plan.concurrency[channel],
                        ).agents
                    contacts[weekday][slot] += estimate
                    agents[weekday][slot] += solved[(channel, estimate)]
    positions = {
        weekday: [scheduled_positions(agents=value, shrinkage=run.shrinkage) for value in row]
        for weekday, row in agents.items()
    }
    floor = scheduled_positions(agents=MIN_AGENTS_OPEN, shrinkage=run.shrinkage)
    return HoursDemand(run.minutes, contacts, positions, open_now, floor_positions=floor)


def arrivals_by_weekday(
    *, monday: dt.date, minutes: int, calendar: BusinessCalendar
) -> dict[int, list[float]]:
    """Contacts that reached the agency per weekday and interval of the local day, on an
    average day of that weekday over the history the plan reads (days with any contact; holidays
    and declared closures left out)."""
    zone = calendar.zone
    end = dt.datetime.combine(monday, dt.time(0), zone)
    begin = end - dt.timedelta(weeks=HISTORY_WEEKS)
    slots = 1440 // minutes
    sums = {weekday: [0.0] * slots for weekday in WEEKDAYS}
    days: dict[int, set[dt.date]] = {weekday: set() for weekday in WEEKDAYS}
    for start, started in arrivals_history(begin=begin, end=end):
        local = start.astimezone(zone)
        reason = calendar.closure_reason(local.date())
        if reason is not None and reason != "weekend":
            continue
        sums[local.weekday()][(local.hour * 60 + local.minute) // minutes] += started
        days[local.weekday()].add(local.date())
    return {
        weekday: [value / len(days[weekday]) for value in row] if days[weekday] else row
        for weekday, row in sums.items()
    }


def _stretches(
    demand: HoursDemand, weekday: int, *, earliest: int, latest: int, step: int, shortest: int
) -> list[Stretch]:
    contacts = demand.contacts[weekday]
    # Prefix sums over the day's intervals, so each stretch costs two lookups.
    contact_sums = [0.0]
    hour_sums = [0.0]
    for slot in range(demand.slots()):
        contact_sums.append(contact_sums[-1] + contacts[slot])
        hour_sums.append(hour_sums[-1] + demand.cost(weekday, slot))
    answer = []
    for opens in range(earliest, latest - shortest + 1, step):
        for closes in range(opens + shortest, latest + 1, step):
            first, last = opens // demand.minutes, closes // demand.minutes
            answer.append(
                Stretch(
                    weekday=weekday,
                    opens=_time(opens),
                    closes=_time(closes),
                    contacts=contact_sums[last] - contact_sums[first],
                    position_hours=hour_sums[last] - hour_sums[first],
                )
            )
    return answer


def _stretch_of(demand: HoursDemand, weekday: int, opens: int, closes: int) -> Stretch:
    first, last = opens // demand.minutes, closes // demand.minutes
    return Stretch(
        weekday=weekday,
        opens=_time(opens),
        closes=_time(closes),
        contacts=sum(demand.contacts[weekday][first:last]),
        position_hours=sum(demand.cost(weekday, slot) for slot in range(first, last)),
    )


def current_stretches(demand: HoursDemand) -> list[Stretch | None]:
    """Today's hours per weekday (the first to the last open interval), with their figures."""
    answer: list[Stretch | None] = []
    for weekday in WEEKDAYS:
        open_slots = [slot for slot, is_open in enumerate(demand.open_now[weekday]) if is_open]
        if not open_slots:
            answer.append(None)
            continue
        answer.append(
            _stretch_of(
                demand,
                weekday,
                open_slots[0] * demand.minutes,
                (open_slots[-1] + 1) * demand.minutes,
            )
        )
    return answer


def hours_recommend(
    demand: HoursDemand,
    *,
    budget_hours: float | None = None,
    earliest: str = "06:00",
    latest: str = "22:00",
    weekdays: Sequence[int] = (0, 1, 2, 3, 4),
    step_minutes: int = 60,
    shortest_hours: float = 4.0,
) -> HoursAdvice:
    """The opening hours on ``weekdays`` that serve the most forecast contacts at target within
    ``budget_hours`` paid position-hours a week on those days (what today's hours cost on them
    when None); the other weekdays keep today's hours. Raises
    ``StaffingInputInvalid`` before solving when an input is out of range."""
    first = _clock_parse(earliest, "--earliest")
    last = 1440 if latest in ("24:00", "00:00") else _clock_parse(latest, "--latest")
    whole_intervals = step_minutes > 0 and step_minutes % demand.minutes == 0
    if not whole_intervals or (60 % step_minutes and step_minutes % 60):
        raise StaffingInputInvalid(
            _(
                "The step must be whole intervals (%(minutes)s minutes) that divide an hour, or "
                "whole hours."
            )
            % {"minutes": demand.minutes}
        )
    if first % step_minutes or last % step_minutes:
        raise StaffingInputInvalid(
            _("The earliest and latest times must fall on the step (every %(step)s minutes).")
            % {"step": step_minutes}
        )
    if not (math.isfinite(shortest_hours) and shortest_hours > 0):
        raise StaffingInputInvalid(_("The shortest opening must be more than 0 hours."))
    shortest = math.ceil(shortest_hours * 60 / step_minutes) * step_minutes
    if last - first < shortest:
        raise StaffingInputInvalid(
            _("From %(earliest)s to %(latest)s there is no room for an opening of %(hours)s hours.")
            % {"earliest": earliest, "latest": latest, "hours": shortest_hours}
        )
    if not weekdays or any(day not in WEEKDAYS for day in weekdays):
        raise StaffingInputInvalid(_("Name at least one weekday, Monday (0) to Sunday (6)."))
    current = current_stretches(demand)
    planned = sorted(set(weekdays))
    if budget_hours is None:
        budget_hours = sum(day.position_hours for day in current if day and day.weekday in planned)
    if not (math.isfinite(budget_hours) and budget_hours >= 0):
        raise StaffingInputInvalid(_("The budget must be 0 agent-hours or more."))
    candidates: list[Stretch] = []
    for weekday in planned:
        candidates += _stretches(
            demand, weekday, earliest=first, latest=last, step=step_minutes, shortest=shortest
        )
    chosen = _solve(candidates, budget_hours) if candidates else []
    # Weekdays left out of the question keep today's hours.
    days: list[Stretch | None] = [
        None if weekday in planned else current[weekday] for weekday in WEEKDAYS
    ]
    for stretch in chosen:
        days[stretch.weekday] = stretch
    demand_contacts = sum(
        sum(demand.contacts[weekday][first // demand.minutes : last // demand.minutes])
        for weekday in set(weekdays)
    )
    advice = HoursAdvice(
        minutes=demand.minutes,
        step_minutes=step_minutes,
        budget_hours=budget_hours,
        days=days,
        current=current,
        demand_contacts=demand_contacts,
    )
    advice.changes = _changes(
        demand,
        advice,
        earliest=first,
        latest=last,
        step=step_minutes,
        shortest=shortest,
        weekdays=weekdays,
    )
    return advice


def _solve(candidates: list[Stretch], budget_hours: float) -> list[Stretch]:
    """At most one stretch per weekday, cost within the budget, most contacts; ties to the
    cheaper (a cost weight far below one contact's worth)."""
    count = len(candidates)
    contacts = np.array([stretch.contacts for stretch in candidates])
    cost = np.array([stretch.position_hours for stretch in candidates])
    most = max(1.0, float(contacts.max(initial=0.0)))
    tie_break = 1e-6 * most / max(1.0, float(cost.max(initial=0.0)))
    weekdays = sorted({stretch.weekday for stretch in candidates})
    rows = np.zeros((len(weekdays) + 1, count))
    for column, stretch in enumerate(candidates):
        rows[weekdays.index(stretch.weekday), column] = 1.0
    rows[-1] = cost
    upper = np.array([1.0] * len(weekdays) + [budget_hours + 1e-9])
    result = milp(
        c=-contacts + tie_break * cost,
        constraints=LinearConstraint(rows, -np.inf, upper),
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
        options={"time_limit": 60},
    )
    if result.x is None:  # nothing fits: even the cheapest stretch is over the budget
        return []
    return [stretch for stretch, value in zip(candidates, result.x, strict=True) if value > 0.5]


def _changes(
    demand: HoursDemand,
    advice: HoursAdvice,
    *,
    earliest: int,
    latest: int,
    step: int,
    shortest: int,
    weekdays: Sequence[int],
) -> list[Change]:
    """Per candidate weekday, what one step more or less at either end would add or drop."""
    answer: list[Change] = []
    for weekday in sorted(set(weekdays)):
        stretch = advice.days[weekday]
        if stretch is None:
            best = max(
                _stretches(
                    demand, weekday, earliest=earliest, latest=latest, step=step, shortest=shortest
                ),
                key=lambda s: (s.contacts, -s.position_hours, -s.hours),
                default=None,
            )
            if best is not None:
                answer.append(
                    Change(
                        weekday,
                        "open_day",
                        best.opens,
                        best.closes,
                        best.contacts,
                        best.position_hours,
                    )
                )
            continue
        opens, closes = _minute(stretch.opens), _minute(stretch.closes)
        moves: list[tuple[str, int, int]] = []
        if opens - step >= earliest:
            moves.append(("open_earlier", opens - step, closes))
        if closes + step <= latest:
            moves.append(("close_later", opens, closes + step))
        if closes - opens - step >= shortest:
            moves.append(("open_later", opens + step, closes))
            moves.append(("close_earlier", opens, closes - step))
        for what, new_opens, new_closes in moves:
            moved = _stretch_of(demand, weekday, new_opens, new_closes)
            answer.append(
                Change(
                    weekday=weekday,
                    what=what,
                    opens=moved.opens,
                    closes=moved.closes,
                    contacts=moved.contacts - stretch.contacts,
                    position_hours=moved.position_hours - stretch.position_hours,
                )
            )
    return answer


def hours_advice_make(
    run: PlanRun,
    *,
    calendar: BusinessCalendar | None = None,
    budget_hours: float | None = None,
    earliest: str = "06:00",
    latest: str = "22:00",
    weekdays: Sequence[int] = (0, 1, 2, 3, 4),
    step_minutes: int = 60,
    shortest_hours: float = 4.0,
    arrivals: dict[int, list[float]] | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> HoursAdvice:
    """From a week's plan (``plan.plan_make``) to the recommended hours. Reads only."""
    calendar = calendar or live_help_calendar()
    if arrivals is None:
        arrivals = arrivals_by_weekday(monday=run.monday, minutes=run.minutes, calendar=calendar)
    step = progress(2) if progress else None
    demand = hours_demand(run, calendar=calendar, arrivals=arrivals)
    if step:
        step()
    advice = hours_recommend(
        demand,
        budget_hours=budget_hours,
        earliest=earliest,
        latest=latest,
        weekdays=weekdays,
        step_minutes=step_minutes,
        shortest_hours=shortest_hours,
    )
    if step:
        step()
    return advice
