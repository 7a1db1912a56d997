"""A week's schedule: the weekly tours that cover a requirement per interval at least cost.

The requirement is the agents who must be on the floor in each interval of the week (the
plan's agents summed over its queues). Breaks and lunches are placed explicitly, so they are
not in it; what breaks do not account for (absence, training, meetings) is the ``absence``
share, which raises each interval's figure to ⌈agents / (1 − absence)⌉ (10 % by default).

The integer program (``scipy.optimize.milp``, HiGHS):

* a **tour** is a pattern, a start time (the same every day it is worked) and a set of days
  worked; ``x[t]`` agents work it;
* breaks are **implicit** (Bechtold and Jacobs): for each pattern, start, day and break,
  ``b[...o]`` is how many of that day's shifts take the break at offset ``o`` of its window,
  and the placements add up to the shifts working that day. A pattern's break windows may not
  overlap (the patterns file refuses it), so the counts can always be handed to agents one
  placement each;
* coverage: in each interval, the on-floor share of every shift (minutes on the floor within
  the interval ÷ its length, so a 15-minute break takes half an agent out of a half-hour) plus
  the shortage ``s[i]`` is at least the requirement;
* cost: paid hours × the pattern's weight, plus a penalty for each agent-interval short that
  is dearer than the dearest tour, so every shortage a tour can fix is fixed, while an
  impossible requirement (or a headcount cap) still gets a schedule that shows where it falls
  short.

The week is cyclic: a shift running past Sunday midnight covers Monday's first intervals.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from contactcenter.workforce.erlang import scheduled_positions
from contactcenter.workforce.errors import ScheduleInputInvalid
from contactcenter.workforce.shifts import ShiftPattern

if TYPE_CHECKING:
    from contactcenter.workforce.plan import PlanRun

DEFAULT_ABSENCE = 0.10
DEFAULT_TIME_LIMIT = 20.0
# The integer search stops within 0.5 % of the best schedule on its restricted problem.
MIP_GAP = 0.005
_WEEK = 7 * 1440


@dataclass(frozen=True)
class Requirement:
    """Agents needed on the floor per interval of one week, from Monday 00:00 local."""

    monday: dt.date
    minutes: int
    zone: ZoneInfo
    agents: tuple[int, ...]  # 7 × (1440 / minutes) intervals

    def start(self, index: int) -> dt.datetime:
        day, slot = divmod(index, 1440 // self.minutes)
        minute = slot * self.minutes
        return dt.datetime.combine(
            self.monday + dt.timedelta(days=day), dt.time(minute // 60, minute % 60), self.zone
        )


def requirement_from_starts(
    *, monday: dt.date, minutes: int, zone: ZoneInfo, agents_by_start: Mapping[dt.datetime, int]
) -> Requirement:
    """A requirement from agents per interval start (aware); intervals not given need none.
    Refuses a start outside the week or off the interval grid, and a negative figure."""
    if minutes not in (15, 30, 60):
        raise ScheduleInputInvalid(_("The interval must be 15, 30 or 60 minutes."))
    if monday.weekday() != 0:
        monday -= dt.timedelta(days=monday.weekday())
    slots = 1440 // minutes
    agents = [0] * (7 * slots)
    for start, value in agents_by_start.items():
        if start.tzinfo is None:
            raise ScheduleInputInvalid(_("%(start)s has no UTC offset.") % {"start": start})
        local = start.astimezone(zone)
        day = (local.date() - monday).days
        minute = local.hour * 60 + local.minute
        if not 0 <= day < 7 or local.second or minute % minutes:
            raise ScheduleInputInvalid(
                _(
                    "%(start)s does not begin a %(minutes)s-minute interval of the week of "
                    "%(monday)s."
                )
                % {"start": start.isoformat(), "minutes": minutes, "monday": monday.isoformat()}
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScheduleInputInvalid(
                _("%(start)s: the agents needed must be a whole number, 0 or more.")
                % {"start": start.isoformat()}
            )
        agents[day * slots + minute // minutes] += value
    return Requirement(monday, minutes, zone, tuple(agents))


def requirement_from_plan(run: PlanRun) -> Requirement:
    """The plan's agents per interval, summed over its queues (one pool of agents: the
    schedule does not yet say who takes which queue)."""
    totals: dict[dt.datetime, int] = {}
    for plan in run.queues:
        for start, agents in plan.agents_by_start().items():
            totals[start] = totals.get(start, 0) + agents
    return requirement_from_starts(
        monday=run.monday, minutes=run.minutes, zone=run.zone, agents_by_start=totals
    )


def requirements_csv_read(
    *, path: Path, monday: dt.date, minutes: int, zone: ZoneInfo
) -> Requirement:
    """A requirement from a CSV file with the columns ``start`` (ISO 8601 with its UTC offset)
    and ``agents`` (a whole number, 0 or more). One bad row refuses the file; the error names
    every bad row by its line (the first 20, then a count)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError):
        raise ScheduleInputInvalid(
            _("%(path)s: cannot be read as a text file.") % {"path": path}
        ) from None
    if not rows or [cell.strip() for cell in rows[0]] != ["start", "agents"]:
        raise ScheduleInputInvalid(
            _("%(path)s: the first row must be the header start,agents.") % {"path": path.name}
        )
    found: dict[dt.datetime, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        try:
            if len(row) != 2:
                raise ValueError
            start = dt.datetime.fromisoformat(row[0].strip())
            agents = int(row[1].strip())
        except ValueError:
            problems.append(
                _("line %(line)s: expected a start with its UTC offset and a whole number")
                % {"line": number}
            )
            continue
        if start.tzinfo is None:
            problems.append(_("line %(line)s: the start has no UTC offset") % {"line": number})
            continue
        if start in found:
            problems.append(_("line %(line)s: the start is given twice") % {"line": number})
            continue
        try:
            requirement_from_starts(
                monday=monday, minutes=minutes, zone=zone, agents_by_start={start: agents}
            )
        except ScheduleInputInvalid as error:
            problems.append(
                _("line %(line)s: %(reason)s") % {"line": number, "reason": error.message}
            )
            continue
        found[start] = agents
    if problems:
        shown = "; ".join(problems[:20])
        more = len(problems) - 20
        if more > 0:
            shown += "; " + _("and %(count)s more") % {"count": more}
        raise ScheduleInputInvalid(
            _("%(path)s has bad rows: %(rows)s.") % {"path": path.name, "rows": shown}
        )
    return requirement_from_starts(monday=monday, minutes=minutes, zone=zone, agents_by_start=found)


@dataclass(frozen=True)
class PlacedBreak:
    start: dt.datetime
    end: dt.datetime
    paid: bool


@dataclass(frozen=True)
class AgentShift:
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    breaks: tuple[PlacedBreak, ...]


@dataclass
class AgentLine:
    """One agent's week: a line of the schedule, or a named agent when agents were given."""

    label: str
    pattern: ShiftPattern
    start_minute: int
    days: tuple[int, ...]
    shifts: list[AgentShift] = field(default_factory=list)
    agent_id: int | None = None
    agent_name: str = ""

    @property
    def paid_hours(self) -> float:
        return self.pattern.paid_minutes * len(self.days) / 60

    @property
    def who(self) -> str:
        return self.agent_name or self.label


@dataclass(frozen=True)
class CoverageInterval:
    start: dt.datetime
    required: int
    scheduled: float  # agents on the floor (a break takes its share of the interval)

    @property
    def short(self) -> float:
        return max(0.0, self.required - self.scheduled)

    @property
    def over(self) -> float:
        return max(0.0, self.scheduled - self.required)


@dataclass
class ScheduleResult:
    requirement: Requirement
    absence: float
    lines: list[AgentLine]
    intervals: list[CoverageInterval]
    optimal: bool  # the search finished (False: the time limit stopped it)
    lower_bound: float  # the linear relaxation's cost: no schedule costs less
    objective: float
    seconds: float
    relaxed: bool = False

    @property
    def paid_hours(self) -> float:
        return sum(line.paid_hours for line in self.lines)

    @property
    def short_hours(self) -> float:
        return sum(row.short for row in self.intervals) * self.requirement.minutes / 60

    @property
    def over_hours(self) -> float:
        return sum(row.over for row in self.intervals) * self.requirement.minutes / 60

    @property
    def required_hours(self) -> float:
        return sum(row.required for row in self.intervals) * self.requirement.minutes / 60

    def short_intervals(self) -> list[CoverageInterval]:
        return [row for row in self.intervals if row.short > 1e-9]


def _spans(begin: int, length: int, minutes: int) -> dict[int, float]:
    """Interval index → share of the interval covered by [begin, begin + length) minutes of
    the (cyclic) week."""
    answer: dict[int, float] = {}
    at, end = begin, begin + length
    while at < end:
        index = (at % _WEEK) // minutes
        stop = min(end, at - at % minutes + minutes)
        answer[index] = answer.get(index, 0.0) + (stop - at) / minutes
        at = stop
    return answer


@dataclass(frozen=True)
class _Tour:
    pattern: int
    start: int
    days: tuple[int, ...]


@dataclass(frozen=True)
class _Placement:
    pattern: int
    start: int
    day: int
    rule: int
    offset: int


def schedule_make(
    *,
    requirement: Requirement,
    patterns: Sequence[ShiftPattern],
    absence: float = DEFAULT_ABSENCE,
    max_agents: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    agents: Sequence[tuple[int, str]] | None = None,
    relax: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> ScheduleResult:
    """The cheapest weekly tours covering ``requirement`` raised by ``absence``.

    ``agents`` (id, name), in a stable order, are given the lines in order; lines beyond them
    stay unassigned. ``relax`` solves the linear relaxation (fractional agents: a lower bound
    on the cost) and expands nothing. Raises ``ScheduleInputInvalid`` before solving."""
    if not (isinstance(absence, int | float) and math.isfinite(absence) and 0 <= absence < 1):
        raise ScheduleInputInvalid(_("The absence share must be at least 0 and below 1 (100 %)."))
    if max_agents is not None and max_agents < 0:
        raise ScheduleInputInvalid(_("The headcount cap must be 0 or more."))
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise ScheduleInputInvalid(_("The time limit must be a number of seconds above 0."))
    if not patterns:
        raise ScheduleInputInvalid(_("No shift patterns to schedule with."))
    step = progress(4) if progress else None
    started = time.perf_counter()
    minutes = requirement.minutes
    needed = np.array(
        [scheduled_positions(agents=value, shrinkage=absence) for value in requirement.agents],
        dtype=float,
    )
    count = len(needed)

    # A tour none of whose minutes fall in an interval that needs anyone can only add cost:
    # left out, with the breaks of the days no tour left works. So is a tour that works a day
    # nobody is needed at all (a weekend live help is closed): nobody comes in to an empty
    # floor, unless no tour can do without such a day.
    per_day = 1440 // minutes
    open_days = {day for day in range(7) if needed[day * per_day : (day + 1) * per_day].any()}
    useful = [
        _Tour(index, start, days)
        for index, pattern in enumerate(patterns)
        for start in pattern.starts
        for days in pattern.day_sets()
        if any(
            needed[interval] > 0
            for day in days
            for interval in _spans(day * 1440 + start, pattern.length, minutes)
        )
    ]
    tours = [tour for tour in useful if set(tour.days) <= open_days] or useful
    if not tours:
        tours = [_Tour(0, patterns[0].starts[0], patterns[0].day_sets()[0])]
    worked = {(tour.pattern, tour.start, day) for tour in tours for day in tour.days}
    # Two offsets that take the same shares out of the same intervals (a quarter-hour break at
    # :00 or :15 of a half-hour) are the same to the coverage: keep the earliest only, which
    # removes a symmetry the solver would otherwise search through.
    placements = []
    for index, pattern in enumerate(patterns):
        for start in pattern.starts:
            for day in range(7):
                if (index, start, day) not in worked:
                    continue
                for rule_index, rule in enumerate(pattern.breaks):
                    seen: set[tuple[tuple[int, float], ...]] = set()
                    for offset in rule.offsets():
                        shares = _spans(day * 1440 + start + offset, rule.minutes, minutes)
                        signature = tuple(sorted(shares.items()))
                        if signature not in seen:
                            seen.add(signature)
                            placements.append(_Placement(index, start, day, rule_index, offset))
    tour_cost = [
        patterns[t.pattern].paid_minutes / 60 * len(t.days) * patterns[t.pattern].cost_weight
        for t in tours
    ]
    # Half an agent short in one interval must cost more than any tour that could cover it.
    penalty = 2 * max(tour_cost) + 1
    n_tours, n_breaks = len(tours), len(placements)
    n_vars = n_tours + n_breaks + count
    cost = np.concatenate([tour_cost, np.zeros(n_breaks), np.full(count, penalty)])

    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for column, tour in enumerate(tours):
        pattern = patterns[tour.pattern]
        for day in tour.days:
            for index, share in _spans(day * 1440 + tour.start, pattern.length, minutes).items():
                rows.append(index)
                cols.append(column)
                values.append(share)
    link: dict[tuple[int, int, int, int], int] = {}
    for column, placed in enumerate(placements, start=n_tours):
        rule = patterns[placed.pattern].breaks[placed.rule]
        begin = placed.day * 1440 + placed.start + placed.offset
        for index, share in _spans(begin, rule.minutes, minutes).items():
            rows.append(index)
            cols.append(column)
            values.append(-share)
        key = (placed.pattern, placed.start, placed.day, placed.rule)
        link.setdefault(key, count + len(link))
        rows.append(link[key])
        cols.append(column)
        values.append(1.0)
    for column, tour in enumerate(tours):
        for day in tour.days:
            for rule_index in range(len(patterns[tour.pattern].breaks)):
                rows.append(link[(tour.pattern, tour.start, day, rule_index)])
                cols.append(column)
                values.append(-1.0)
    for index in range(count):
        rows.append(index)
        cols.append(n_tours + n_breaks + index)
        values.append(1.0)
    n_rows = count + len(link)
    lower = np.concatenate([needed, np.zeros(len(link))])
    upper = np.concatenate([np.full(count, np.inf), np.zeros(len(link))])
    caps: list[tuple[list[int], float]] = []
    if max_agents is not None:
        caps.append((list(range(n_tours)), max_agents))
    for index, pattern in enumerate(patterns):
        if pattern.max_count is not None:
            caps.append(([c for c, t in enumerate(tours) if t.pattern == index], pattern.max_count))
    for members, cap in caps:
        for column in members:
            rows.append(n_rows)
            cols.append(column)
            values.append(1.0)
        lower = np.append(lower, -np.inf)
        upper = np.append(upper, cap)
        n_rows += 1
    matrix = coo_array((values, (rows, cols)), shape=(n_rows, n_vars)).tocsr()
    if step:
        step()
    constraints = LinearConstraint(matrix, lower, upper)
    # Three solves. (1) The linear relaxation (fractional agents): a lower bound on the cost,
    # and a guide. (2) Whole agents on the tours, each tour kept at least at the whole agents
    # the relaxation gave it, with the break counts still fractional: the search only rounds
    # the tours' fractions. (3) The tours fixed, whole agents on each break placement. The
    # single integer program over tours and breaks together is the same model, but HiGHS spends
    # its time on cuts at the root: 15 s for three agents here, where these take a second.
    linear = milp(cost, constraints=constraints, bounds=Bounds(0, np.inf))
    if linear.x is None:
        raise ScheduleInputInvalid(_("The schedule's linear program has no solution."))
    if step:
        step()
    if relax:
        return ScheduleResult(
            requirement, absence, [], [], True, float(linear.fun), float(linear.fun),
            time.perf_counter() - started, relaxed=True,
        )  # fmt: skip
    floor = np.zeros(n_vars)
    floor[:n_tours] = np.floor(linear.x[:n_tours] + 1e-6)
    integrality = np.zeros(n_vars)
    integrality[:n_tours] = 1
    deadline = started + time_limit
    tours_solved = milp(
        cost,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(floor, np.inf),
        options={"time_limit": max(1.0, deadline - time.perf_counter()), "mip_rel_gap": MIP_GAP},
    )
    if tours_solved.x is None:
        raise ScheduleInputInvalid(
            _("No schedule was found within the time limit of %(seconds)s s; give it longer.")
            % {"seconds": time_limit}
        )
    fixed_low = np.zeros(n_vars)
    fixed_high = np.full(n_vars, np.inf)
    fixed_low[:n_tours] = fixed_high[:n_tours] = np.rint(tours_solved.x[:n_tours])
    integrality[: n_tours + n_breaks] = 1
    solved = milp(
        cost,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(fixed_low, fixed_high),
        options={"time_limit": max(1.0, deadline - time.perf_counter()), "mip_rel_gap": MIP_GAP},
    )
    if solved.x is None:
        raise ScheduleInputInvalid(
            _("No schedule was found within the time limit of %(seconds)s s; give it longer.")
            % {"seconds": time_limit}
        )
    if step:
        step()
    chosen = np.rint(solved.x).astype(int)
    lines = _lines(requirement, patterns, tours, placements, chosen, agents or ())
    intervals = _coverage(requirement, lines, needed)
    if step:
        step()
    return ScheduleResult(
        requirement=requirement,
        absence=absence,
        lines=lines,
        intervals=intervals,
        optimal=tours_solved.status == 0 and solved.status == 0,
        lower_bound=float(linear.fun),
        objective=float(solved.fun),
        seconds=time.perf_counter() - started,
    )


def _lines(
    requirement: Requirement,
    patterns: Sequence[ShiftPattern],
    tours: Sequence[_Tour],
    placements: Sequence[_Placement],
    chosen: np.ndarray,
    agents: Sequence[tuple[int, str]],
) -> list[AgentLine]:
    order = sorted(
        (index for index in range(len(tours)) if chosen[index] > 0),
        key=lambda i: (tours[i].pattern, tours[i].start, tours[i].days),
    )
    lines: list[AgentLine] = []
    for index in order:
        tour = tours[index]
        for _copy in range(int(chosen[index])):
            lines.append(
                AgentLine(
                    label=_("Line %(number)s") % {"number": len(lines) + 1},
                    pattern=patterns[tour.pattern],
                    start_minute=tour.start,
                    days=tour.days,
                )
            )
    for line, (agent_id, name) in zip(lines, agents, strict=False):
        line.agent_id, line.agent_name = agent_id, name
    # Hand each day's break placements to that day's shifts of the same pattern and start, in
    # line order; the windows do not overlap, so any hand-out is one every agent can take.
    offsets: dict[tuple[int, int, int, int], list[int]] = {}
    for column, placed in enumerate(placements, start=len(tours)):
        key = (placed.pattern, placed.start, placed.day, placed.rule)
        offsets.setdefault(key, []).extend([placed.offset] * int(chosen[column]))
    index_of = {id(pattern): index for index, pattern in enumerate(patterns)}
    handed: dict[tuple[int, int, int, int], int] = {}
    for line in lines:
        pattern_index = index_of[id(line.pattern)]
        for day in line.days:
            date = requirement.monday + dt.timedelta(days=day)
            begin = dt.datetime.combine(
                date, dt.time(line.start_minute // 60, line.start_minute % 60), requirement.zone
            )
            breaks = []
            for rule_index, rule in enumerate(line.pattern.breaks):
                key = (pattern_index, line.start_minute, day, rule_index)
                taken = handed.get(key, 0)
                handed[key] = taken + 1
                available = offsets.get(key, [])
                offset = available[taken] if taken < len(available) else rule.earliest
                breaks.append(
                    PlacedBreak(
                        start=_later(begin, offset, requirement.zone),
                        end=_later(begin, offset + rule.minutes, requirement.zone),
                        paid=rule.paid,
                    )
                )
            line.shifts.append(
                AgentShift(
                    day=date,
                    starts_at=begin,
                    ends_at=_later(begin, line.pattern.length, requirement.zone),
                    breaks=tuple(breaks),
                )
            )
    return lines


def _later(begin: dt.datetime, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """``minutes`` of elapsed time after ``begin`` (not wall-clock minutes across a change of
    clocks), on the zone's clock."""
    return (begin.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(zone)


def _coverage(
    requirement: Requirement, lines: Sequence[AgentLine], needed: np.ndarray
) -> list[CoverageInterval]:
    """Agents on the floor per interval, counted from the lines as handed out (so the figures
    are those of the schedule printed, not of the solver's variables)."""
    minutes = requirement.minutes
    on_floor = np.zeros(len(needed))
    for line in lines:
        for day, shift in zip(line.days, line.shifts, strict=True):
            begin = day * 1440 + line.start_minute
            for index, share in _spans(begin, line.pattern.length, minutes).items():
                on_floor[index] += share
            for rule, placed in zip(line.pattern.breaks, shift.breaks, strict=True):
                offset = round((placed.start - shift.starts_at).total_seconds() / 60)
                for index, share in _spans(begin + offset, rule.minutes, minutes).items():
                    on_floor[index] -= share
    answer = []
    for index in range(len(needed)):
        start = requirement.start(index)
        # The wall-clock hour skipped when clocks go forward has no intervals: its slots would
        # name the same instants as the hour after.
        if start.astimezone(dt.UTC).astimezone(requirement.zone).replace(
            tzinfo=None
        ) != start.replace(tzinfo=None):
            continue
        answer.append(
            CoverageInterval(
                start=start,
                required=int(needed[index]),
                scheduled=round(float(on_floor[index]), 6),
            )
        )
    return answer
