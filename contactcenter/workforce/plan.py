"""The staffing plan of one week: agents and positions per interval and queue.

For each queue, the week's forecast (``forecast.forecasts_make``: the back-test's method or the
one asked for) gives the contacts per interval and channel (languages added up). Each channel
is sized on its own with ``staffing_solve``: Erlang A when the forecasts estimated a mean
patience for the queue, Erlang C otherwise; an agent holds as many contacts of a channel at once
as routing's default capacity gives (a phone call one, a chat three). The queue's agents in an
interval are the sum over its channels: no pooling between channels is assumed, which errs on
the side of more agents. Positions are the queue's agents after shrinkage. Closed intervals
forecast zero contacts and need zero agents.

The handle time of a queue and channel is its talk plus after-contact time over the contacts
handled in the history window (a channel with none takes its queue's); the service-level target
and threshold are the queue's own. Each can be overridden. Reads only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.routing.services import DEFAULT_CAPACITY
from contactcenter.workforce.erlang import Model, scheduled_positions
from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.forecast import Method, forecasts_make
from contactcenter.workforce.selectors import HandleSums, handle_sums, queue_service_levels
from contactcenter.workforce.staffing import staffing_solve

DEFAULT_SHRINKAGE = 0.30
# The handle time is averaged over the same window the forecasts read their history from.
HISTORY_WEEKS = 26


@dataclass(frozen=True)
class PlanInterval:
    """One channel of one queue in one interval."""

    start: dt.datetime
    queue: str
    channel: str
    contacts: float
    aht_seconds: float
    model: Model
    agents: int
    positions: int
    service_level: float


@dataclass
class QueuePlan:
    queue: str
    method: Method
    model: Model
    patience_seconds: float | None
    service_level_target: float
    threshold_seconds: float
    aht_seconds: dict[str, float]  # per channel
    concurrency: dict[str, int]  # per channel
    intervals: list[PlanInterval] = field(default_factory=list)

    def agents_by_start(self) -> dict[dt.datetime, int]:
        """The queue's agents per interval: the sum over its channels."""
        totals: dict[dt.datetime, int] = {}
        for row in self.intervals:
            totals[row.start] = totals.get(row.start, 0) + row.agents
        return totals


@dataclass(frozen=True)
class PlanDay:
    day: dt.date
    peak_agents: int
    agent_hours: float
    peak_positions: int


@dataclass
class PlanRun:
    queues: list[QueuePlan]
    monday: dt.date
    minutes: int
    shrinkage: float
    max_occupancy: float | None
    zone: ZoneInfo

    def days(self, plan: QueuePlan) -> list[PlanDay]:
        """Per day of the week: the busiest interval's agents, the agent-hours summed over the
        intervals, and the positions of the busiest interval after shrinkage."""
        by_day: dict[dt.date, list[int]] = {
            self.monday + dt.timedelta(days=offset): [] for offset in range(7)
        }
        for start, agents in plan.agents_by_start().items():
            by_day[start.astimezone(self.zone).date()].append(agents)
        answer = []
        for day, values in by_day.items():
            peak = max(values, default=0)
            answer.append(
                PlanDay(
                    day=day,
                    peak_agents=peak,
                    agent_hours=sum(values) * self.minutes / 60,
                    peak_positions=scheduled_positions(agents=peak, shrinkage=self.shrinkage),
                )
            )
        return answer


def _share_checked(value: float | None, message: str, *, allow_one: bool) -> None:
    if value is None:
        return
    if not (math.isfinite(value) and value > 0 and (value <= 1 if allow_one else value < 1)):
        raise StaffingInputInvalid(message)


def plan_make(
    *,
    queue_codes: Sequence[str] | None,
    day: dt.date,
    method: Method | None = None,
    history_csv: Path | None = None,
    aht_seconds: float | None = None,
    service_level: float | None = None,
    threshold_seconds: float | None = None,
    shrinkage: float = DEFAULT_SHRINKAGE,
    max_occupancy: float | None = None,
    backtest_weeks: int = 4,
    minutes: int | None = None,
    calendar: BusinessCalendar | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> PlanRun:
    """The plan of the week holding ``day`` (Monday to Sunday) for the queues named (every
    queue with history when None). Raises ``StaffingInputInvalid``, ``ForecastInputInvalid``
    or ``HistoryFileInvalid`` before anything is sized; reads only."""
    if not (math.isfinite(shrinkage) and 0 <= shrinkage < 1):
        raise StaffingInputInvalid(_("Shrinkage must be at least 0 and below 1 (100 %)."))
    _share_checked(
        service_level,
        _("The service-level target must be above 0 and below 1 (100 %)."),
        allow_one=False,
    )
    _share_checked(
        max_occupancy, _("The occupancy cap must be above 0 and at most 1 (100 %)."), allow_one=True
    )
    if aht_seconds is not None and not (math.isfinite(aht_seconds) and aht_seconds > 0):
        raise StaffingInputInvalid(_("The average handle time must be a number above 0."))
    if threshold_seconds is not None and not (
        math.isfinite(threshold_seconds) and threshold_seconds >= 0
    ):
        raise StaffingInputInvalid(_("The answer-time threshold must be 0 seconds or more."))
    monday = day - dt.timedelta(days=day.weekday())
    run = forecasts_make(
        queue_codes=queue_codes,
        first_day=monday,
        weeks=1,
        method=method,
        history_csv=history_csv,
        backtest_weeks=backtest_weeks,
        minutes=minutes,
        history_weeks=HISTORY_WEEKS,
        calendar=calendar,
        progress=progress,
    )
    codes = [answer.queue for answer in run.queues]
    levels = queue_service_levels(queue_codes=codes)
    unknown = [code for code in codes if code not in levels]
    if unknown and (service_level is None or threshold_seconds is None):
        raise StaffingInputInvalid(
            _(
                "%(queues)s: not a queue of the agency, so it has no service-level target: "
                "give --target and --threshold."
            )
            % {"queues": ", ".join(unknown)}
        )
    end = dt.datetime.combine(monday, dt.time(0), run.calendar_zone)
    handled: dict[tuple[str, str], HandleSums] = (
        {}
        if aht_seconds is not None
        else handle_sums(begin=end - dt.timedelta(weeks=HISTORY_WEEKS), end=end, queue_codes=codes)
    )
    plans = []
    for answer in run.queues:
        channels = sorted({key[1] for key in answer.keys})
        if aht_seconds is not None:
            handle = dict.fromkeys(channels, aht_seconds)
        else:
            handle = _handle_times(answer.queue, channels, handled, monday)
        target, threshold = levels.get(answer.queue, (0.0, 0))
        patience = run.patience.get(answer.queue)
        plans.append(
            QueuePlan(
                queue=answer.queue,
                method=answer.method,
                model=Model.ERLANG_C if patience is None else Model.ERLANG_A,
                patience_seconds=patience,
                service_level_target=target if service_level is None else service_level,
                threshold_seconds=threshold if threshold_seconds is None else threshold_seconds,
                aht_seconds=handle,
                concurrency={channel: DEFAULT_CAPACITY.get(channel, 1) for channel in channels},
            )
        )
    days = [monday + dt.timedelta(days=offset) for offset in range(7)]
    slots = 1440 // run.minutes
    step = progress(len(plans) * 7) if progress else None
    for plan, answer in zip(plans, run.queues, strict=True):
        solved: dict[tuple[str, float], tuple[int, float]] = {}
        for day_ in days:
            for channel in plan.aht_seconds:
                contacts = [0.0] * slots
                for key in answer.keys:
                    if key[1] == channel:
                        for slot, value in enumerate(answer.forecast[(key, day_)]):
                            contacts[slot] += value
                for slot, value in enumerate(contacts):
                    minute = slot * run.minutes
                    start = dt.datetime.combine(
                        day_, dt.time(minute // 60, minute % 60), run.calendar_zone
                    )
                    if not _exists(start):
                        continue  # the hour clocks skip in spring: no interval to staff
                    if (channel, value) not in solved:
                        sized = staffing_solve(
                            contacts=value,
                            interval_minutes=run.minutes,
                            aht_seconds=plan.aht_seconds[channel],
                            target_seconds=plan.threshold_seconds,
                            service_level=plan.service_level_target,
                            patience_seconds=plan.patience_seconds,
                            shrinkage=shrinkage,
                            max_occupancy=max_occupancy,
                            concurrency=plan.concurrency[channel],
                        )
                        solved[(channel, value)] = (sized.agents, sized.figures.service_level)
                    agents, level = solved[(channel, value)]
                    plan.intervals.append(
                        PlanInterval(
                            start=start,
                            queue=plan.queue,
                            channel=channel,
                            contacts=value,
                            aht_seconds=plan.aht_seconds[channel],
                            model=plan.model,
                            agents=agents,
                            positions=scheduled_positions(agents=agents, shrinkage=shrinkage),
                            service_level=level,
                        )
                    )
            if step:
                step()
        plan.intervals.sort(key=lambda row: (row.start, row.channel))
    return PlanRun(plans, monday, run.minutes, shrinkage, max_occupancy, run.calendar_zone)


def _exists(moment: dt.datetime) -> bool:
    """Whether a wall-clock time happens at all (not in the hour skipped when clocks go
    forward): it comes back the same from UTC."""
    back = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def _handle_times(
    queue: str, channels: Sequence[str], handled: dict[tuple[str, str], HandleSums], monday: dt.date
) -> dict[str, float]:
    """Seconds per channel from the facts; a channel with nothing handled takes the queue's."""
    sums = {
        channel: value
        for (code, channel), value in handled.items()
        if code == queue and value.handled > 0
    }
    if not sums:
        raise StaffingInputInvalid(
            _(
                "No contacts handled in %(queue)s in the %(weeks)s weeks before %(day)s, so no "
                "average handle time: give --aht-seconds."
            )
            % {"queue": queue, "weeks": HISTORY_WEEKS, "day": monday.isoformat()}
        )
    total_handled = sum(value.handled for value in sums.values())
    total_ms = sum(value.handle_ms for value in sums.values())
    answer = {}
    for channel in channels:
        value = sums.get(channel)
        if value is None:
            answer[channel] = total_ms / 1000 / total_handled
        else:
            answer[channel] = value.handle_ms / 1000 / value.handled
    return answer
