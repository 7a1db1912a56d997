"""Forecasts of offered contacts per queue, channel and language, by interval.

History is a set of ``HistoryPoint``s (the interval facts' ``queued``, or a CSV file), laid out
as days of the agency's wall clock: slot ``i`` of a day is the interval starting ``i × minutes``
after local midnight (on the night clocks go back, both 1:00-2:00 hours fall into the same
slots; on the night they go forward the missing hour's slots stay empty). Every method
forecasts from the days before its origin only:

- ``seasonal_naive``: the same weekday and slot one week before (the latest matching source day);
- ``weighted``: the last ``k`` matching source days, weights k, k−1, …, 1 (newest heaviest);
- ``profile``: the mean daily total of those days × the mean share of each slot in them;
- ``holt_winters``: additive level, trend and a weekly season, fitted by grid search.

Source days leave out federal holidays and declared closures (the business calendar's own
answer): a Monday holiday is neither a Monday the next Monday is forecast from nor a day the
back-test scores. Intervals outside live hours forecast zero.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.operations.intervals import ALLOWED_MINUTES, interval_minutes
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.workforce.errors import ForecastInputInvalid
from contactcenter.workforce.history import HistoryPoint, history_csv_read
from contactcenter.workforce.selectors import (
    abandon_sums,
    offered_history,
    queue_live_hours_only,
)

DEFAULT_MATCHING_DAYS = 8
# Holt-Winters trains on at most this many weeks before its origin: enough for the grid search
# to see the season several times, and a bound on its cost.
HOLT_WINTERS_MAX_WEEKS = 8
HOLT_WINTERS_GRID = {
    "alpha": (0.05, 0.2, 0.5),
    "beta": (0.0, 0.01),
    "gamma": (0.05, 0.2, 0.5),
}
# Fewer abandons than this give no patience estimate: the ratio would swing on a few callers.
MIN_ABANDONS_FOR_PATIENCE = 30

Key = tuple[str, str, str]  # queue code, channel, language
Days = Mapping[dt.date, Sequence[float]]


class Method(StrEnum):
    SEASONAL_NAIVE = "seasonal_naive"
    WEIGHTED = "weighted"
    PROFILE = "profile"
    HOLT_WINTERS = "holt_winters"


class NotEnoughHistory(Exception):
    """A method that cannot forecast from the history given (Holt-Winters under two weeks)."""


@dataclass(frozen=True)
class DayPlan:
    """What the forecasts need to know of one day: which slots are open, and whether the day
    may serve as a source (not a holiday or declared closure)."""

    slots: int
    source_ok: Callable[[dt.date], bool]
    open_slots: Callable[[dt.date], Sequence[bool]]


def day_plan(*, calendar: BusinessCalendar, minutes: int, live_hours_only: bool = True) -> DayPlan:
    """Slots open in live hours per the calendar (every slot for a queue open round the clock);
    source days are those with no closure reason other than the weekend."""
    slots = 1440 // minutes
    zone = calendar.zone
    cache: dict[dt.date, list[bool]] = {}

    def source_ok(day: dt.date) -> bool:
        return day.weekday() not in calendar.weekdays or calendar.closure_reason(day) is None

    def open_slots(day: dt.date) -> list[bool]:
        if day not in cache:
            if not live_hours_only:
                cache[day] = [True] * slots
            else:
                cache[day] = [
                    calendar.is_open(
                        dt.datetime.combine(
                            day, dt.time(slot * minutes // 60, slot * minutes % 60), zone
                        )
                    )
                    for slot in range(slots)
                ]
        return cache[day]

    return DayPlan(slots=slots, source_ok=source_ok, open_slots=open_slots)


def days_by_key(
    points: Iterable[HistoryPoint], *, minutes: int, calendar: BusinessCalendar
) -> dict[Key, dict[dt.date, list[float]]]:
    """History laid out as local days of slots, per key."""
    zone = calendar.zone
    slots = 1440 // minutes
    laid: dict[Key, dict[dt.date, list[float]]] = defaultdict(dict)
    for point in points:
        local = point.start.astimezone(zone)
        slot = (local.hour * 60 + local.minute) // minutes
        day = laid[(point.queue, point.channel, point.language)].setdefault(
            local.date(), [0.0] * slots
        )
        day[slot] += point.contacts
    return dict(laid)


def _matching_days(
    target: dt.date, *, first: dt.date, origin: dt.date, plan: DayPlan, k: int
) -> list[dt.date]:
    """The last ``k`` source days of ``target``'s weekday before ``origin``, newest first."""
    found: list[dt.date] = []
    day = target - dt.timedelta(days=7)
    while day >= origin:
        day -= dt.timedelta(days=7)
    while day >= first and len(found) < k:
        if plan.source_ok(day):
            found.append(day)
        day -= dt.timedelta(days=7)
    return found


def _values(days: Days, day: dt.date, slots: int) -> Sequence[float]:
    return days.get(day) or [0.0] * slots


def _weighted(days: Days, sources: Sequence[dt.date], slots: int, k: int) -> list[float]:
    if not sources:
        return [0.0] * slots
    weights = [k - index for index in range(len(sources))]
    total = sum(weights)
    answer = [0.0] * slots
    for weight, day in zip(weights, sources, strict=True):
        values = _values(days, day, slots)
        for slot in range(slots):
            answer[slot] += weight * values[slot] / total
    return answer


def _profile(days: Days, sources: Sequence[dt.date], slots: int) -> list[float]:
    if not sources:
        return [0.0] * slots
    totals = [math.fsum(_values(days, day, slots)) for day in sources]
    mean_total = math.fsum(totals) / len(totals)
    shaped = [(day, total) for day, total in zip(sources, totals, strict=True) if total > 0]
    if not shaped:
        return [0.0] * slots
    shares = [0.0] * slots
    for day, total in shaped:
        values = _values(days, day, slots)
        for slot in range(slots):
            shares[slot] += values[slot] / total / len(shaped)
    return [mean_total * share for share in shares]


@dataclass(frozen=True)
class HoltWintersFit:
    alpha: float
    beta: float
    gamma: float
    level: float
    trend: float
    season: list[float]  # season[i] belongs to the i-th slot of the week the series starts on
    length: int  # observations fitted


def _holt_winters_run(
    series: Sequence[float], season_length: int, alpha: float, beta: float, gamma: float
) -> tuple[float, float, float, list[float]]:
    """One pass: (sum of squared one-step errors, level, trend, season)."""
    m = season_length
    level = math.fsum(series[:m]) / m
    trend = 0.0
    if len(series) >= 2 * m:
        trend = (math.fsum(series[m : 2 * m]) / m - level) / m
    season = [value - level for value in series[:m]]
    squared = 0.0
    for t in range(m, len(series)):
        value = series[t]
        index = t % m
        error = value - (level + trend + season[index])
        squared += error * error
        new_level = alpha * (value - season[index]) + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        season[index] = gamma * (value - new_level) + (1 - gamma) * season[index]
        level = new_level
    return squared, level, trend, season


def holt_winters_fit(series: Sequence[float], *, season_length: int) -> HoltWintersFit:
    """Additive Holt-Winters: the grid point with the least squared one-step error over the
    series after its first season (which only initialises level and season)."""
    if len(series) < 2 * season_length:
        raise NotEnoughHistory
    best: HoltWintersFit | None = None
    best_error = math.inf
    for alpha in HOLT_WINTERS_GRID["alpha"]:
        for beta in HOLT_WINTERS_GRID["beta"]:
            for gamma in HOLT_WINTERS_GRID["gamma"]:
                error, level, trend, season = _holt_winters_run(
                    series, season_length, alpha, beta, gamma
                )
                if error < best_error:
                    best_error = error
                    best = HoltWintersFit(
                        alpha, beta, gamma, level, trend, season, length=len(series)
                    )
    assert best is not None
    return best


def holt_winters_forecast(fit: HoltWintersFit, *, steps: int) -> list[float]:
    m = len(fit.season)
    return [
        fit.level + h * fit.trend + fit.season[(fit.length + h - 1) % m]
        for h in range(1, steps + 1)
    ]


def _holt_winters_days(
    days: Days, *, first: dt.date, origin: dt.date, targets: Sequence[dt.date], plan: DayPlan
) -> dict[dt.date, list[float]]:
    weeks = min((origin - first).days // 7, HOLT_WINTERS_MAX_WEEKS)
    if weeks < 2:
        raise NotEnoughHistory
    start = origin - dt.timedelta(days=7 * weeks)
    slots = plan.slots
    # A holiday or closure in the training weeks takes the same weekday's values a week
    # earlier (or later, at the start): the season must not learn a closed Monday.
    filled: dict[dt.date, Sequence[float]] = {}
    span = [start + dt.timedelta(days=offset) for offset in range(7 * weeks)]
    for day in span:
        if plan.source_ok(day):
            filled[day] = _values(days, day, slots)
    for day in span:
        if day not in filled:
            for step in (-7, 7, -14, 14, -21, 21):
                other = day + dt.timedelta(days=step)
                if other in filled:
                    filled[day] = filled[other]
                    break
            else:
                filled[day] = [0.0] * slots
    series = [value for day in span for value in filled[day]]
    fit = holt_winters_fit(series, season_length=7 * slots)
    last = max(targets)
    ahead = holt_winters_forecast(fit, steps=((last - origin).days + 1) * slots)
    return {
        day: ahead[(day - origin).days * slots : (day - origin).days * slots + slots]
        for day in targets
    }


def method_forecast(
    method: Method,
    *,
    days: Days,
    first: dt.date,
    origin: dt.date,
    targets: Sequence[dt.date],
    plan: DayPlan,
    k: int = DEFAULT_MATCHING_DAYS,
) -> dict[dt.date, list[float]]:
    """One key's forecast for each target day (on or after ``origin``) from the days in
    [first, origin); zero in closed slots, never below zero. ``NotEnoughHistory`` when the
    method cannot forecast from that history."""
    slots = plan.slots
    if method == Method.HOLT_WINTERS:
        raw = _holt_winters_days(days, first=first, origin=origin, targets=targets, plan=plan)
    else:
        raw = {}
        for target in targets:
            depth = 1 if method == Method.SEASONAL_NAIVE else k
            sources = _matching_days(target, first=first, origin=origin, plan=plan, k=depth)
            if method == Method.PROFILE:
                raw[target] = _profile(days, sources, slots)
            else:
                raw[target] = _weighted(days, sources, slots, depth)
    return {
        day: [
            max(value, 0.0) if is_open else 0.0
            for value, is_open in zip(raw[day], plan.open_slots(day), strict=True)
        ]
        for day in targets
    }


# --- Accuracy ---------------------------------------------------------------------------


@dataclass
class Accuracy:
    """Sums over a back-test, and the figures made of them (None when nothing was offered)."""

    method: Method
    actual: float = 0.0
    interval_error: float = 0.0  # Σ |actual − forecast| per interval
    day_error: float = 0.0  # Σ |actual − forecast| per day
    difference: float = 0.0  # Σ (forecast − actual)

    def add(self, actual: Sequence[float], forecast: Sequence[float]) -> None:
        self.actual += math.fsum(actual)
        self.interval_error += math.fsum(abs(a - f) for a, f in zip(actual, forecast, strict=True))
        self.day_error += abs(math.fsum(actual) - math.fsum(forecast))
        self.difference += math.fsum(forecast) - math.fsum(actual)

    @property
    def interval_wape(self) -> float | None:
        return self.interval_error / self.actual if self.actual else None

    @property
    def day_wape(self) -> float | None:
        return self.day_error / self.actual if self.actual else None

    @property
    def bias(self) -> float | None:
        return self.difference / self.actual if self.actual else None


def accuracy(
    method: Method, *, actual: Sequence[Sequence[float]], forecast: Sequence[Sequence[float]]
) -> Accuracy:
    """WAPE per interval and per day, and bias, of forecast days against actual days."""
    figures = Accuracy(method)
    for day_actual, day_forecast in zip(actual, forecast, strict=True):
        figures.add(day_actual, day_forecast)
    return figures


# --- One queue --------------------------------------------------------------------------


@dataclass
class QueueForecast:
    queue: str
    method: Method
    reason: str  # why this method: "auto" with its WAPE, or "asked"
    backtest: list[Accuracy]
    skipped: dict[Method, str]
    keys: list[Key]
    # (key, day) -> values per slot
    forecast: dict[tuple[Key, dt.date], list[float]] = field(default_factory=dict)
    backtest_weeks: int = 0


def queue_forecast(
    *,
    queue: str,
    history: Mapping[Key, Days],
    plan: DayPlan,
    first_day: dt.date,
    weeks: int,
    method: Method | None,
    backtest_weeks: int,
    k: int = DEFAULT_MATCHING_DAYS,
    step: Callable[[], None] | None = None,
) -> QueueForecast:
    """Back-test every method (one-week horizon, origins on each of the last
    ``backtest_weeks`` weeks before ``first_day``), then forecast ``weeks`` weeks from
    ``first_day`` by ``method``, or by the lowest interval WAPE when ``method`` is None."""
    keys = sorted(key for key in history if key[0] == queue)
    starts = [min(history[key]) for key in keys if history[key]]
    first = min(starts) if starts else first_day
    origins = [
        first_day - dt.timedelta(days=7 * back)
        for back in range(backtest_weeks, 0, -1)
        if first_day - dt.timedelta(days=7 * back) >= first + dt.timedelta(days=7)
    ]
    scores = {candidate: Accuracy(candidate) for candidate in Method}
    skipped: dict[Method, str] = {}
    for origin in origins:
        targets = [origin + dt.timedelta(days=offset) for offset in range(7)]
        scored = [day for day in targets if plan.source_ok(day)]
        for candidate in Method:
            if candidate in skipped:
                if step:
                    step()
                continue
            for key in keys:
                try:
                    made = method_forecast(
                        candidate,
                        days=history[key],
                        first=first,
                        origin=origin,
                        targets=scored,
                        plan=plan,
                        k=k,
                    )
                except NotEnoughHistory:
                    skipped[candidate] = "needs two full weeks before each back-test origin"
                    break
                for day in scored:
                    actual = [
                        value if is_open else 0.0
                        for value, is_open in zip(
                            _values(history[key], day, plan.slots),
                            plan.open_slots(day),
                            strict=True,
                        )
                    ]
                    scores[candidate].add(actual, made[day])
            if step:
                step()
    backtest = [scores[candidate] for candidate in Method if candidate not in skipped]
    if not origins:
        backtest = []
    if method is None:
        ranked = [figures for figures in backtest if figures.interval_wape is not None]
        if ranked:
            best = min(ranked, key=lambda figures: figures.interval_wape or 0.0)
            chosen, reason = best.method, "auto"
        else:
            chosen, reason = Method.SEASONAL_NAIVE, "auto_without_backtest"
    else:
        chosen, reason = method, "asked"
    answer = QueueForecast(
        queue=queue,
        method=chosen,
        reason=reason,
        backtest=backtest,
        skipped=skipped,
        keys=keys,
        backtest_weeks=len(origins),
    )
    targets = [first_day + dt.timedelta(days=offset) for offset in range(7 * weeks)]
    for key in keys:
        made = method_forecast(
            chosen,
            days=history[key],
            first=first,
            origin=first_day,
            targets=targets,
            plan=plan,
            k=k,
        )
        for day in targets:
            answer.forecast[(key, day)] = made[day]
    if step:
        step()
    return answer


# --- Patience ---------------------------------------------------------------------------


def mean_patience_seconds(*, abandoned: int, wait_ms: int) -> float | None:
    """1/θ with θ ≈ P(abandon)/E[wait] = (abandoned/queued) / (Σ wait/queued) = abandoned/Σ
    wait: the total wait of every queued contact per abandon. None under
    ``MIN_ABANDONS_FOR_PATIENCE`` abandons, or with no wait recorded."""
    if abandoned < MIN_ABANDONS_FOR_PATIENCE or wait_ms <= 0:
        return None
    return wait_ms / 1000 / abandoned


# --- From the facts or a file -----------------------------------------------------------


@dataclass
class ForecastRun:
    queues: list[QueueForecast]
    patience: dict[str, float | None]
    minutes: int
    first_day: dt.date
    weeks: int
    source: str  # "facts" or "file"
    calendar_zone: ZoneInfo


def forecasts_make(
    *,
    queue_codes: Sequence[str] | None,
    first_day: dt.date,
    weeks: int,
    method: Method | None = None,
    history_csv: Path | None = None,
    backtest_weeks: int = 4,
    minutes: int | None = None,
    history_weeks: int = 26,
    calendar: BusinessCalendar | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> ForecastRun:
    """Forecasts for the queues named (every queue with history when None) from the facts of
    the ``history_weeks`` weeks before ``first_day``, or from ``history_csv``.

    ``progress(total)`` is given the number of steps and returns the function called after
    each. Raises ``ForecastInputInvalid`` or ``HistoryFileInvalid``; reads only."""
    minutes = minutes or interval_minutes()
    if minutes not in ALLOWED_MINUTES:
        raise ForecastInputInvalid(_("The interval must be 15 or 30 minutes."))
    if weeks < 1 or weeks > 52:
        raise ForecastInputInvalid(_("Forecast between 1 and 52 weeks."))
    if backtest_weeks < 0 or backtest_weeks > 26:
        raise ForecastInputInvalid(_("Back-test between 0 and 26 weeks."))
    calendar = calendar or live_help_calendar()
    zone = calendar.zone
    begin = dt.datetime.combine(first_day, dt.time(0), zone) - dt.timedelta(weeks=history_weeks)
    end = dt.datetime.combine(first_day, dt.time(0), zone)
    if history_csv is not None:
        points = [
            point
            for point in history_csv_read(path=history_csv, minutes=minutes, zone=zone)
            if point.start < end
        ]
        source = "file"
    else:
        points = offered_history(begin=begin, end=end, queue_codes=queue_codes)
        source = "facts"
    history = days_by_key(points, minutes=minutes, calendar=calendar)
    known = sorted({key[0] for key in history})
    if queue_codes is None:
        codes = known
    else:
        missing = [code for code in queue_codes if code not in known]
        if missing:
            raise ForecastInputInvalid(
                _("No history before %(day)s for the queue %(queues)s.")
                % {"day": first_day.isoformat(), "queues": ", ".join(missing)}
            )
        codes = list(queue_codes)
    if not codes:
        raise ForecastInputInvalid(_("No history before %(day)s.") % {"day": first_day.isoformat()})
    live_only = queue_live_hours_only()
    step = progress(len(codes) * (backtest_weeks * len(Method) + 1)) if progress else None
    answers = []
    for code in codes:
        plan = day_plan(
            calendar=calendar, minutes=minutes, live_hours_only=live_only.get(code, True)
        )
        try:
            answers.append(
                queue_forecast(
                    queue=code,
                    history=history,
                    plan=plan,
                    first_day=first_day,
                    weeks=weeks,
                    method=method,
                    backtest_weeks=backtest_weeks,
                    step=step,
                )
            )
        except NotEnoughHistory:
            raise ForecastInputInvalid(
                _("Holt-Winters needs two full weeks of history before %(day)s for %(queue)s.")
                % {"day": first_day.isoformat(), "queue": code}
            ) from None
    if source == "facts":
        sums = abandon_sums(begin=begin, end=end, queue_codes=codes)
        patience = {
            code: mean_patience_seconds(abandoned=sums[code].abandoned, wait_ms=sums[code].wait_ms)
            for code in codes
        }
    else:
        patience = dict.fromkeys(codes)
    return ForecastRun(answers, patience, minutes, first_day, weeks, source, zone)
