"""A seeded simulation of one queue, to check Erlang's figures where its assumptions bend.

One first-come-first-served queue over a period of intervals, each with its own arrival rate
and number of agents: Poisson arrivals, handle times exponential, lognormal (same mean, a
given coefficient of variation) or fixed, and patience the same way or none (everyone waits,
Erlang C's world). Each contact is followed to its end, so the figures are for the contacts
that arrive in the period (those of a warm-up before it are left out).

There is no event list. Under first come, first served a contact's wait depends only on the
contacts before it, so the queue is the workload recursion: keep each agent's next free time
in a heap; a contact arriving at t whose earliest free agent is at f ≥ t would wait f − t; if
its patience runs out first it leaves and no agent's time changes, otherwise that agent is
busy until max(t, f) plus the handle time. An abandoning contact never holds an agent, so this
is exact for any handle-time and patience distribution. It is one heap operation and two or
three random draws a contact (about a microsecond), with no simulation library to depend on.
A change of staff at an interval's start takes effect for contacts arriving from then:
new agents are free at the boundary, and agents who leave are those free soonest (each
finishes the contact in hand).

The service level counts a contact who leaves as missed, exactly as ``erlang_a_figures`` does:
the share of all contacts answered within the target. ASA is the mean wait over every contact
(a contact who leaves counts for the time it waited), P(wait) the share who found every agent
busy, occupancy the handle time served over the agent time of the period.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from contactcenter.workforce.erlang import (
    MAX_AGENTS,
    QueueFigures,
    erlang_a_figures,
    erlang_c_figures,
    offered_load,
)
from contactcenter.workforce.errors import StaffingInputInvalid

# More contacts than this in one run is a mistake in the problem, not a plan.
MAX_CONTACTS_PER_RUN = 5_000_000
MAX_REPLICATIONS = 10_000


class Shape(StrEnum):
    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"
    FIXED = "fixed"


@dataclass(frozen=True)
class Times:
    """A distribution of durations by its mean and shape; ``cv`` (standard deviation over mean)
    matters only for the lognormal (the exponential's is 1, the fixed one's 0)."""

    mean_seconds: float
    shape: Shape = Shape.EXPONENTIAL
    cv: float = 1.0


@dataclass(frozen=True)
class Interval:
    """One stretch of the period: its length, contacts expected in it, and agents on."""

    seconds: float
    contacts: float
    agents: int


@dataclass(frozen=True)
class Estimate:
    """A mean over replications and the half-width of its 95 % confidence interval."""

    mean: float
    half_width: float


@dataclass(frozen=True)
class SimulatedFigures:
    service_level: Estimate
    probability_of_waiting: Estimate
    probability_of_abandoning: Estimate
    average_wait_seconds: Estimate
    occupancy: Estimate
    target_seconds: float
    replications: int
    contacts: int  # counted over every replication


@dataclass(frozen=True)
class Comparison:
    """Erlang's figures for a staffing problem beside the simulated ones."""

    erlang: QueueFigures
    simulated: SimulatedFigures


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise StaffingInputInvalid(message)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _sampler(times: Times, name: str, generator: random.Random) -> Callable[[], float]:
    _require(
        _finite(times.mean_seconds) and times.mean_seconds > 0,
        _("%(name)s must be a number above 0.") % {"name": name},
    )
    mean = float(times.mean_seconds)
    if times.shape == Shape.EXPONENTIAL:
        rate = 1 / mean
        return lambda: generator.expovariate(rate)
    if times.shape == Shape.FIXED:
        return lambda: mean
    _require(
        times.shape == Shape.LOGNORMAL and _finite(times.cv) and 0 < times.cv <= 10,
        _("The coefficient of variation must be above 0 and at most 10."),
    )
    # A lognormal with mean m and coefficient of variation c: σ² = ln(1 + c²), μ = ln m − σ²/2.
    sigma = math.sqrt(math.log1p(times.cv * times.cv))
    mu = math.log(mean) - sigma * sigma / 2
    return lambda: generator.lognormvariate(mu, sigma)


def _t_quantile(degrees: int) -> float:
    """The 97.5th percentile of Student's t (two-sided 95 %)."""
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}
    if degrees in table:
        return table[degrees]
    z = 1.959964
    n = float(degrees)
    # Cornish-Fisher expansion about the normal: within 0.002 from 5 degrees of freedom.
    return (
        z
        + (z**3 + z) / (4 * n)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * n * n)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * n**3)
    )


def _ratio(numerators: list[float], denominators: list[float]) -> Estimate:
    """Σ numerators / Σ denominators over the replications, with the 95 % half-width of that
    ratio estimator (by the delta method: the spread of xᵢ − r·yᵢ over the mean of y).

    The ratio of sums, not the mean of each run's ratio: a run with fewer contacts than usual
    also has a better service level, and giving it a full run's weight would flatter the queue.
    """
    count = len(numerators)
    total = sum(denominators)
    if total == 0:
        return Estimate(0.0, 0.0)
    ratio = sum(numerators) / total
    residuals = [x - ratio * y for x, y in zip(numerators, denominators, strict=True)]
    spread = statistics.stdev(residuals) / (total / count)
    return Estimate(ratio, _t_quantile(count - 1) * spread / math.sqrt(count))


def _capped(occupancy: Estimate) -> Estimate:
    # Contacts counted at the end of an overloaded period are served after it: their time can
    # push the share a little past the agents' time, which no agent can be busier than.
    return Estimate(min(1.0, occupancy.mean), occupancy.half_width)


def _one_run(
    intervals: Sequence[Interval],
    warmup: Interval | None,
    target_seconds: float,
    handle: Callable[[], float],
    patience: Callable[[], float] | None,
    generator: random.Random,
) -> tuple[int, int, int, int, float, float, float]:
    """Counts for one replication: contacts, answered in time, waited, left, total wait,
    handle time served, agent time."""
    stretches = ([warmup] if warmup is not None else []) + list(intervals)
    free: list[float] = []
    contacts = in_time = waited = left = 0
    total_wait = served = agent_time = 0.0
    start = 0.0
    expovariate = generator.expovariate
    heapreplace = heapq.heapreplace
    for index, stretch in enumerate(stretches):
        end = start + stretch.seconds
        counting = warmup is None or index > 0
        if counting:
            agent_time += stretch.agents * stretch.seconds
        # The staff change at the boundary: newcomers free now, leavers the first free.
        while len(free) > stretch.agents:
            heapq.heappop(free)
        while len(free) < stretch.agents:
            heapq.heappush(free, start)
        rate = stretch.contacts / stretch.seconds
        if rate <= 0:
            start = end
            continue
        now = start + expovariate(rate)
        while now < end:
            soonest = free[0] if free else math.inf
            wait = soonest - now if soonest > now else 0.0
            if patience is not None and wait > 0:
                give_up = patience()
                if give_up < wait:
                    if counting:
                        contacts += 1
                        waited += 1
                        left += 1
                        total_wait += give_up
                    now += expovariate(rate)
                    continue
            length = handle()
            heapreplace(free, now + wait + length)
            if counting:
                contacts += 1
                if wait > 0:
                    waited += 1
                    total_wait += wait
                if wait <= target_seconds:
                    in_time += 1
                served += length
            now += expovariate(rate)
        start = end
    return contacts, in_time, waited, left, total_wait, served, agent_time


def simulate(
    *,
    intervals: Sequence[Interval],
    handle: Times,
    target_seconds: float,
    patience: Times | None = None,
    warmup: Interval | None = None,
    replications: int = 100,
    seed: int = 1,
) -> SimulatedFigures:
    """Service level at ``target_seconds``, P(wait), P(abandon), ASA and occupancy over the
    period, each as a mean over ``replications`` independent runs (one random stream from
    ``seed``) with its 95 % half-width. ``warmup``, if given, runs first and is not counted.

    Without ``patience`` every contact waits until answered: a period with no more agents than
    Erlangs grows without end, and the figures then depend on the period's length.
    """
    _require(
        isinstance(intervals, Sequence) and len(intervals) > 0,
        _("The period needs at least one interval."),
    )
    for stretch in [*intervals, *([warmup] if warmup is not None else [])]:
        _require(
            isinstance(stretch, Interval)
            and _finite(stretch.seconds)
            and stretch.seconds > 0
            and _finite(stretch.contacts)
            and stretch.contacts >= 0
            and isinstance(stretch.agents, int)
            and not isinstance(stretch.agents, bool)
            and 0 <= stretch.agents <= MAX_AGENTS,
            _(
                "Each interval needs a length above 0, contacts of at least 0 and a whole "
                "number of agents from 0 to %(maximum)s."
            )
            % {"maximum": MAX_AGENTS},
        )
        _require(
            stretch.agents > 0 or stretch.contacts == 0 or patience is not None,
            _("Without patience an interval with contacts needs at least one agent."),
        )
    _require(
        _finite(target_seconds) and target_seconds >= 0,
        _("%(name)s must be a number of at least %(minimum)s.")
        % {"name": _("The answer-time target"), "minimum": 0},
    )
    _require(
        isinstance(replications, int)
        and not isinstance(replications, bool)
        and 2 <= replications <= MAX_REPLICATIONS,
        _("Replications must be a whole number from 2 to %(maximum)s.")
        % {"maximum": MAX_REPLICATIONS},
    )
    _require(
        isinstance(seed, int) and not isinstance(seed, bool),
        _("The seed must be a whole number."),
    )
    expected = sum(stretch.contacts for stretch in intervals)
    if warmup is not None:
        expected += warmup.contacts
    _require(
        expected * replications <= MAX_CONTACTS_PER_RUN,
        _("The simulation would follow more than %(maximum)s contacts: use fewer replications.")
        % {"maximum": MAX_CONTACTS_PER_RUN},
    )
    generator = random.Random(seed)  # noqa: S311 - a model's chance, not secrets
    draw_handle = _sampler(handle, _("The average handle time"), generator)
    draw_patience = (
        None if patience is None else _sampler(patience, _("The mean patience"), generator)
    )
    runs = [
        _one_run(intervals, warmup, target_seconds, draw_handle, draw_patience, generator)
        for _run in range(replications)
    ]
    contacts = [float(run[0]) for run in runs]
    total = sum(run[0] for run in runs)
    # With no contact at all every target was met and nobody waited.
    level = _ratio([float(run[1]) for run in runs], contacts) if total else Estimate(1.0, 0.0)
    return SimulatedFigures(
        service_level=level,
        probability_of_waiting=_ratio([float(run[2]) for run in runs], contacts),
        probability_of_abandoning=_ratio([float(run[3]) for run in runs], contacts),
        average_wait_seconds=_ratio([run[4] for run in runs], contacts),
        occupancy=_capped(_ratio([run[5] for run in runs], [run[6] for run in runs])),
        target_seconds=float(target_seconds),
        replications=replications,
        contacts=total,
    )


def staffing_compare(
    *,
    contacts: float,
    interval_minutes: float,
    aht_seconds: float,
    target_seconds: float,
    agents: int,
    patience_seconds: float | None = None,
    handle_shape: Shape = Shape.EXPONENTIAL,
    handle_cv: float = 1.0,
    patience_shape: Shape = Shape.EXPONENTIAL,
    patience_cv: float = 1.0,
    replications: int = 100,
    seed: int = 1,
) -> Comparison:
    """Erlang's figures (A with ``patience_seconds``, C without) beside the simulation's for
    ``agents`` on one interval in a steady state: a warm-up of one interval at the same rate
    runs before the counted one, so the queue starts neither empty nor unlike itself.

    Raises ``UnstableQueue`` without patience when ``agents`` ≤ the load, as Erlang C does.
    """
    _require(
        _finite(interval_minutes) and 0 < interval_minutes <= 1440,
        _("The interval must be above 0 and at most 1440 minutes."),
    )
    load = offered_load(
        contacts=contacts, interval_seconds=interval_minutes * 60, aht_seconds=aht_seconds
    )
    erlang: QueueFigures
    if patience_seconds is None:
        erlang = erlang_c_figures(
            agents=agents, load=load, aht_seconds=aht_seconds, target_seconds=target_seconds
        )
        patience = None
    else:
        erlang = erlang_a_figures(
            agents=agents,
            load=load,
            aht_seconds=aht_seconds,
            patience_seconds=patience_seconds,
            target_seconds=target_seconds,
        )
        patience = Times(patience_seconds, patience_shape, patience_cv)
    stretch = Interval(seconds=interval_minutes * 60, contacts=contacts, agents=agents)
    simulated = simulate(
        intervals=[stretch],
        warmup=stretch,
        handle=Times(aht_seconds, handle_shape, handle_cv),
        patience=patience,
        target_seconds=target_seconds,
        replications=replications,
        seed=seed,
    )
    return Comparison(erlang=erlang, simulated=simulated)
