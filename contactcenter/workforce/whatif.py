"""What if: one day of a queue's plan sized again with other figures.

The base is a plan from ``plan_make`` (its forecast, handle times, target, model). A what-if
changes the volume by a share, the handle time, the target, the threshold, the shrinkage, the
patience (none: Erlang C) or the occupancy cap, and sizes every interval of the day again with
``staffing_solve``: no forecast or back-test is run, so it answers in milliseconds.

The handle time is given as one figure, the day's average over the queue's channels weighted
by contacts; a new figure scales every channel's handle time by the same factor, so a chat's
stays longer than a call's. ``whatif_check`` simulates one interval at the agents found, to
set the simulated service level beside Erlang's. Reads nothing from the database.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactcenter.workforce.erlang import (
    Model,
    QueueFigures,
    erlang_a_figures,
    erlang_c_figures,
    offered_load,
    scheduled_positions,
)
from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.plan import PlanRun, QueuePlan
from contactcenter.workforce.simulation import Comparison, Interval, Times, simulate
from contactcenter.workforce.staffing import staffing_solve

VOLUME_CHANGE_MIN, VOLUME_CHANGE_MAX = -1.0, 5.0  # −100 % to +500 %
# Contacts followed by a check's simulation in all (its runs share them): a few hundredths
# of a second, and a half-width of a point or two.
CHECK_CONTACTS = 60_000
CHECK_REPLICATIONS = (5, 300)
# The warm-up before the counted interval lasts at least this many handle times: one interval
# of 15 minutes is two handle times of a seven-minute call, too short for the queue to forget
# that it started empty (it then simulates a few points above Erlang's steady state).
WARMUP_HANDLE_TIMES = 8


@dataclass(frozen=True)
class WhatIfChanges:
    """Shares are fractions (0.8 for 80 %). ``aht_seconds`` None keeps the plan's handle
    times; ``patience_seconds`` None sizes by Erlang C."""

    volume_change: float
    aht_seconds: float | None
    service_level: float
    threshold_seconds: float
    shrinkage: float
    patience_seconds: float | None
    max_occupancy: float | None


@dataclass(frozen=True)
class ChannelSized:
    channel: str
    contacts: float
    aht_seconds: float
    concurrency: int
    agents: int
    service_level: float


@dataclass(frozen=True)
class WhatIfInterval:
    start: dt.datetime
    channels: tuple[ChannelSized, ...]

    @property
    def contacts(self) -> float:
        return sum(row.contacts for row in self.channels)

    @property
    def agents(self) -> int:
        return sum(row.agents for row in self.channels)

    @property
    def service_level(self) -> float | None:
        """Over the channels, weighted by contacts; None with no contacts."""
        contacts = self.contacts
        if not contacts:
            return None
        return sum(row.service_level * row.contacts for row in self.channels) / contacts


@dataclass(frozen=True)
class WhatIfDay:
    queue: str
    day: dt.date
    minutes: int
    model: Model
    changes: WhatIfChanges
    intervals: list[WhatIfInterval]

    @property
    def contacts(self) -> float:
        return sum(row.contacts for row in self.intervals)

    @property
    def peak(self) -> WhatIfInterval | None:
        """The interval needing the most agents (the first of equals); None on a closed day."""
        busiest = max(self.intervals, key=lambda row: row.agents, default=None)
        return busiest if busiest is not None and busiest.agents > 0 else None

    @property
    def peak_agents(self) -> int:
        return max((row.agents for row in self.intervals), default=0)

    @property
    def agent_hours(self) -> float:
        return sum(row.agents for row in self.intervals) * self.minutes / 60

    @property
    def peak_positions(self) -> int:
        return scheduled_positions(agents=self.peak_agents, shrinkage=self.changes.shrinkage)

    @property
    def service_level(self) -> float | None:
        """Expected over the day, weighted by contacts; None with no contacts."""
        total = self.contacts
        if not total:
            return None
        return (
            sum(
                row.service_level * row.contacts for item in self.intervals for row in item.channels
            )
            / total
        )


def _day_rows(run: PlanRun, plan: QueuePlan, day: dt.date) -> list:
    return [row for row in plan.intervals if row.start.astimezone(run.zone).date() == day]


def plan_day_aht(run: PlanRun, plan: QueuePlan, day: dt.date) -> float:
    """The day's handle time over the queue's channels, weighted by the contacts forecast
    (the plain mean of the channels' on a day with none)."""
    rows = _day_rows(run, plan, day)
    contacts = sum(row.contacts for row in rows)
    if contacts:
        return sum(row.aht_seconds * row.contacts for row in rows) / contacts
    values = list(plan.aht_seconds.values())
    return sum(values) / len(values) if values else 0.0


def plan_changes(run: PlanRun, plan: QueuePlan) -> WhatIfChanges:
    """No change: the plan's own figures."""
    return WhatIfChanges(
        volume_change=0.0,
        aht_seconds=None,
        service_level=plan.service_level_target,
        threshold_seconds=plan.threshold_seconds,
        shrinkage=run.shrinkage,
        patience_seconds=plan.patience_seconds,
        max_occupancy=run.max_occupancy,
    )


def whatif_day(*, run: PlanRun, plan: QueuePlan, day: dt.date, changes: WhatIfChanges) -> WhatIfDay:
    """Every interval of ``day`` (a day of ``run``'s week) sized again with ``changes``.
    Raises ``StaffingInputInvalid`` for a figure out of range; changes nothing."""
    if not run.monday <= day < run.monday + dt.timedelta(days=7):
        raise StaffingInputInvalid(_("The day is not in the week planned."))
    change = changes.volume_change
    if not (math.isfinite(change) and VOLUME_CHANGE_MIN <= change <= VOLUME_CHANGE_MAX):
        raise StaffingInputInvalid(_("The change in volume must be from −100 % to +500 %."))
    rows = _day_rows(run, plan, day)
    factor = 1.0
    if changes.aht_seconds is not None:
        if not (math.isfinite(changes.aht_seconds) and changes.aht_seconds > 0):
            raise StaffingInputInvalid(_("The average handle time must be a number above 0."))
        base = plan_day_aht(run, plan, day)
        factor = changes.aht_seconds / base if base else 1.0
    solved: dict[tuple[str, float], ChannelSized] = {}
    by_start: dict[dt.datetime, list[ChannelSized]] = {}
    for row in rows:
        contacts = row.contacts * (1 + change)
        key = (row.channel, contacts)
        if key not in solved:
            aht = row.aht_seconds * factor
            concurrency = plan.concurrency.get(row.channel, 1)
            sized = staffing_solve(
                contacts=contacts,
                interval_minutes=run.minutes,
                aht_seconds=aht,
                target_seconds=changes.threshold_seconds,
                service_level=changes.service_level,
                patience_seconds=changes.patience_seconds,
                shrinkage=changes.shrinkage,
                max_occupancy=changes.max_occupancy,
                concurrency=concurrency,
            )
            solved[key] = ChannelSized(
                row.channel, contacts, aht, concurrency, sized.agents, sized.figures.service_level
            )
        by_start.setdefault(row.start, []).append(solved[key])
    model = Model.ERLANG_C if changes.patience_seconds is None else Model.ERLANG_A
    intervals = [WhatIfInterval(start, tuple(sized)) for start, sized in sorted(by_start.items())]
    return WhatIfDay(plan.queue, day, run.minutes, model, changes, intervals)


@dataclass(frozen=True)
class WhatIfCheck:
    """The simulation of one channel in one interval beside Erlang's figures for it."""

    start: dt.datetime
    channel: str
    agents: int
    comparison: Comparison


def whatif_check(
    result: WhatIfDay, *, start: dt.datetime | None = None, seed: int = 1
) -> WhatIfCheck | None:
    """Simulate the interval at ``start`` (the peak when None) at the agents found, for its
    channel with the most load, after a warm-up at the same rate (at least one interval and
    ``WARMUP_HANDLE_TIMES`` handle times); None when that interval has no contacts."""
    interval = (
        result.peak
        if start is None
        else next((row for row in result.intervals if row.start == start), None)
    )
    if interval is None or not interval.contacts:
        return None
    channel = max(interval.channels, key=lambda row: row.contacts * row.aht_seconds)
    if not channel.contacts or not channel.agents:
        return None
    seconds = result.minutes * 60
    warm_seconds = max(seconds, WARMUP_HANDLE_TIMES * channel.aht_seconds)
    scale = warm_seconds / seconds
    servers = channel.agents * channel.concurrency
    low, high = CHECK_REPLICATIONS
    replications = max(low, min(high, int(CHECK_CONTACTS / (channel.contacts * (1 + scale)))))
    changes = result.changes
    load = offered_load(
        contacts=channel.contacts, interval_seconds=seconds, aht_seconds=channel.aht_seconds
    )
    erlang: QueueFigures
    if changes.patience_seconds is None:
        erlang = erlang_c_figures(
            agents=servers, load=load, aht_seconds=channel.aht_seconds,
            target_seconds=changes.threshold_seconds,
        )  # fmt: skip
    else:
        erlang = erlang_a_figures(
            agents=servers, load=load, aht_seconds=channel.aht_seconds,
            patience_seconds=changes.patience_seconds, target_seconds=changes.threshold_seconds,
        )  # fmt: skip
    simulated = simulate(
        intervals=[Interval(seconds=seconds, contacts=channel.contacts, agents=servers)],
        warmup=Interval(seconds=warm_seconds, contacts=channel.contacts * scale, agents=servers),
        handle=Times(channel.aht_seconds),
        patience=None if changes.patience_seconds is None else Times(changes.patience_seconds),
        target_seconds=changes.threshold_seconds,
        replications=replications,
        seed=seed,
    )
    return WhatIfCheck(
        interval.start, channel.channel, channel.agents, Comparison(erlang, simulated)
    )
