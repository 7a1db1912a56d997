"""The forecast methods on a synthetic week with a known pattern, WAPE and bias by hand,
holidays kept out of the source days, the automatic choice, and the patience estimate."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.workforce.forecast import (
    MIN_ABANDONS_FOR_PATIENCE,
    Method,
    NotEnoughHistory,
    accuracy,
    day_plan,
    days_by_key,
    holt_winters_fit,
    holt_winters_forecast,
    mean_patience_seconds,
    method_forecast,
    queue_forecast,
)
from tests.workforce.forecast_series import CALENDAR, MINUTES, expected, points

KEY = ("q1", "voice", "en")
# A Monday; the ten weeks before it hold Christmas, New Year's Day, Martin Luther King Day
# (Monday 19 January) and Washington's Birthday (Monday 16 February), all closed and empty.
FIRST = dt.date(2026, 3, 2)
WEEK = [FIRST + dt.timedelta(days=offset) for offset in range(7)]


def history(weeks: int = 10, **kwargs):
    laid = days_by_key(
        points(FIRST - dt.timedelta(weeks=weeks), FIRST - dt.timedelta(days=1), **kwargs),
        minutes=MINUTES,
        calendar=CALENDAR,
    )
    return laid


PLAN = day_plan(calendar=CALENDAR, minutes=MINUTES)


def forecast(method: Method, laid, *, origin: dt.date = FIRST, targets=WEEK):
    days = laid[KEY]
    return method_forecast(
        method, days=days, first=min(days), origin=origin, targets=targets, plan=PLAN
    )


# Tolerances: the noise is 5 % per half-hour, so a day's total (24 half-hours) carries about
# 1 %; seasonal naive sees one day, the others average several.
TOLERANCES = {
    # method: (largest error of a day's total, WAPE per interval against the pattern)
    Method.SEASONAL_NAIVE: (0.03, 0.07),
    Method.WEIGHTED: (0.02, 0.03),
    Method.PROFILE: (0.02, 0.03),
    Method.HOLT_WINTERS: (0.02, 0.04),
}


@pytest.mark.parametrize("method", list(Method))
def test_each_method_recovers_the_weekly_pattern(method):
    made = forecast(method, history())
    day_limit, interval_limit = TOLERANCES[method]
    for day in WEEK:
        truth = expected(day)
        if sum(truth) == 0:
            assert made[day] == [0.0] * 48  # the weekend is closed
            continue
        assert abs(sum(made[day]) / sum(truth) - 1) < day_limit, day
    figures = accuracy(
        method, actual=[expected(day) for day in WEEK], forecast=[made[day] for day in WEEK]
    )
    assert figures.interval_wape is not None and figures.interval_wape < interval_limit


def test_closed_intervals_forecast_zero_and_open_ones_do_not():
    made = forecast(Method.WEIGHTED, history())
    monday = made[FIRST]
    assert monday[:16] == [0.0] * 16 and monday[40:] == [0.0] * 8  # before 8:00, from 20:00
    assert all(value > 0 for value in monday[16:40])


def test_a_monday_holiday_does_not_drag_the_next_monday_down():
    # Washington's Birthday, Monday 16 February 2026, is empty in the history. Forecast the
    # Monday after it (the 23rd) from the history before it.
    origin = dt.date(2026, 2, 23)
    laid = history()
    assert sum(laid[KEY].get(dt.date(2026, 2, 16), [0.0])) == 0
    for method in (Method.SEASONAL_NAIVE, Method.WEIGHTED, Method.PROFILE):
        made = forecast(method, laid, origin=origin, targets=[origin])
        assert abs(sum(made[origin]) / 1200 - 1) < 0.03, method
    made = forecast(Method.HOLT_WINTERS, laid, origin=origin, targets=[origin])
    assert abs(sum(made[origin]) / 1200 - 1) < 0.03
    # Without the calendar's answer the holiday would be last week's Monday: zero.
    blind = day_plan(calendar=CALENDAR, minutes=MINUTES)
    object.__setattr__(blind, "source_ok", lambda day: True)
    naive = method_forecast(
        Method.SEASONAL_NAIVE,
        days=laid[KEY],
        first=min(laid[KEY]),
        origin=origin,
        targets=[origin],
        plan=blind,
    )
    assert sum(naive[origin]) == 0


def test_a_forecast_on_a_holiday_is_zero():
    memorial_day = dt.date(2026, 5, 25)
    laid = days_by_key(
        points(dt.date(2026, 3, 30), dt.date(2026, 5, 24)), minutes=MINUTES, calendar=CALENDAR
    )
    made = method_forecast(
        Method.WEIGHTED,
        days=laid[KEY],
        first=dt.date(2026, 3, 30),
        origin=memorial_day,
        targets=[memorial_day],
        plan=PLAN,
    )
    assert made[memorial_day] == [0.0] * 48


def test_holt_winters_needs_two_full_weeks():
    short = history(weeks=1)
    with pytest.raises(NotEnoughHistory):
        forecast(Method.HOLT_WINTERS, short)
    with pytest.raises(NotEnoughHistory):
        holt_winters_fit([1.0] * 13, season_length=7)
    # With one week the other methods still answer.
    assert sum(forecast(Method.SEASONAL_NAIVE, short)[FIRST]) > 0


def test_holt_winters_follows_a_clean_seasonal_series_exactly():
    season = [3.0, 5.0, 9.0, 4.0]
    fit = holt_winters_fit(season * 4, season_length=4)
    assert holt_winters_forecast(fit, steps=6) == pytest.approx(season + season[:2])


def test_wape_and_bias_by_hand():
    # Two days of two intervals. Actual 10, 20 | 30, 40 (100 in all); forecast 12, 17 | 30, 45.
    # Per interval |a − f|: 2 + 3 + 0 + 5 = 10, so WAPE 10 %. Per day: |30 − 29| + |70 − 75| =
    # 1 + 5 = 6, so 6 %. Bias (29 + 75 − 100) / 100 = +4 %.
    figures = accuracy(Method.WEIGHTED, actual=[[10, 20], [30, 40]], forecast=[[12, 17], [30, 45]])
    assert figures.interval_wape == pytest.approx(0.10)
    assert figures.day_wape == pytest.approx(0.06)
    assert figures.bias == pytest.approx(0.04)
    nothing = accuracy(Method.WEIGHTED, actual=[[0, 0]], forecast=[[1, 1]])
    assert (nothing.interval_wape, nothing.day_wape, nothing.bias) == (None, None, None)


def test_weighted_index_gives_the_newest_day_the_most_weight():
    # Three Mondays before the origin at 10, 20 and 40 contacts in one open slot, k = 3:
    # weights 3 (newest), 2, 1: (3·40 + 2·20 + 1·10) / 6 = 170 / 6.
    origin = dt.date(2026, 3, 23)
    days = {}
    for weeks_back, value in ((3, 10.0), (2, 20.0), (1, 40.0)):
        day = origin - dt.timedelta(weeks=weeks_back)
        days[day] = [0.0] * 48
        days[day][20] = value
    made = method_forecast(
        Method.WEIGHTED,
        days=days,
        first=min(days),
        origin=origin,
        targets=[origin],
        plan=PLAN,
        k=3,
    )
    assert made[origin][20] == pytest.approx(170 / 6)
    profile = method_forecast(
        Method.PROFILE, days=days, first=min(days), origin=origin, targets=[origin], plan=PLAN
    )
    assert profile[origin][20] == pytest.approx(70 / 3)  # mean total × share 1


def test_auto_picks_the_method_known_to_be_better():
    # Heavy noise (30 % per half-hour): one week's day is a poor guide, eight averaged are
    # better, so seasonal naive must lose and the choice must be the lowest interval WAPE.
    laid = history(noise=0.3, seed=7)
    answer = queue_forecast(
        queue="q1",
        history=laid,
        plan=PLAN,
        first_day=FIRST,
        weeks=1,
        method=None,
        backtest_weeks=4,
    )
    by_method = {figures.method: figures for figures in answer.backtest}
    assert set(by_method) == set(Method)
    assert answer.reason == "auto"
    assert answer.method != Method.SEASONAL_NAIVE
    best = min(by_method.values(), key=lambda figures: figures.interval_wape)
    assert answer.method == best.method
    naive = by_method[Method.SEASONAL_NAIVE].interval_wape
    assert by_method[Method.WEIGHTED].interval_wape < naive * 0.8
    assert answer.backtest_weeks == 4
    assert sorted({day for _key, day in answer.forecast}) == WEEK


def test_auto_skips_holt_winters_and_says_so_when_history_is_short():
    laid = history(weeks=3)
    answer = queue_forecast(
        queue="q1", history=laid, plan=PLAN, first_day=FIRST, weeks=1, method=None,
        backtest_weeks=2,
    )  # fmt: skip
    assert Method.HOLT_WINTERS in answer.skipped
    assert Method.HOLT_WINTERS not in {figures.method for figures in answer.backtest}


def test_mean_patience_by_hand():
    # 40 abandons; waits of all queued sum to 6,000 s: θ = 40 / 6,000 per second, so the mean
    # patience is 150 s.
    assert mean_patience_seconds(abandoned=40, wait_ms=6_000_000) == 150.0
    assert MIN_ABANDONS_FOR_PATIENCE == 30
    assert mean_patience_seconds(abandoned=29, wait_ms=6_000_000) is None
    assert mean_patience_seconds(abandoned=30, wait_ms=3_000_000) == 100.0
    assert mean_patience_seconds(abandoned=50, wait_ms=0) is None


def test_auto_picks_seasonal_naive_after_a_step_change():
    # No noise, and the volume doubles five weeks before the first day: last week is exactly
    # right from every back-test origin, while the averages still carry the old level.
    laid = days_by_key(
        points(FIRST - dt.timedelta(weeks=10), FIRST - dt.timedelta(weeks=5, days=1), noise=0)
        + points(FIRST - dt.timedelta(weeks=5), FIRST - dt.timedelta(days=1), noise=0, scale=2),
        minutes=MINUTES,
        calendar=CALENDAR,
    )
    answer = queue_forecast(
        queue="q1", history=laid, plan=PLAN, first_day=FIRST, weeks=1, method=None,
        backtest_weeks=4,
    )  # fmt: skip
    by_method = {figures.method: figures for figures in answer.backtest}
    assert by_method[Method.SEASONAL_NAIVE].interval_wape == pytest.approx(0, abs=1e-12)
    assert by_method[Method.WEIGHTED].bias < -0.1  # too low: it still remembers half volume
    assert answer.method == Method.SEASONAL_NAIVE
    assert sum(answer.forecast[(KEY, FIRST)]) == pytest.approx(2400)


def test_a_declared_closure_is_kept_out_of_the_source_days():
    # A weather closure on Wednesday 18 February: empty in the history, and not a source day.
    closed = dt.date(2026, 2, 18)
    calendar = BusinessCalendar(closures=((closed, closed, "weather"),))
    plan = day_plan(calendar=calendar, minutes=MINUTES)
    laid = days_by_key(
        [
            point
            for point in points(dt.date(2026, 1, 26), dt.date(2026, 2, 24))
            if point.start.astimezone(calendar.zone).date() != closed
        ],
        minutes=MINUTES,
        calendar=calendar,
    )
    wednesday = dt.date(2026, 2, 25)
    made = method_forecast(
        Method.SEASONAL_NAIVE,
        days=laid[KEY],
        first=dt.date(2026, 1, 26),
        origin=wednesday,
        targets=[wednesday],
        plan=plan,
    )
    assert abs(sum(made[wednesday]) / 900 - 1) < 0.03
    assert not plan.source_ok(closed) and plan.source_ok(dt.date(2026, 2, 21))  # a Saturday
