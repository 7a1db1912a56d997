"""What-if on a day of the plan: no change gives the plan's own figures; each change moves the
agents as ``staffing_solve`` says; the handle time scales every channel; the day's totals by
hand; the simulation check beside Erlang; the refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.forecast import Method
from contactcenter.workforce.plan import plan_make
from contactcenter.workforce.staffing import staffing_solve
from contactcenter.workforce.whatif import plan_changes, plan_day_aht, whatif_check, whatif_day
from tests.workforce.forecast_series import CALENDAR
from tests.workforce.test_plan import QUEUE, history_file, open_starts

WEDNESDAY = dt.date(2026, 3, 4)
SATURDAY = dt.date(2026, 3, 7)


@pytest.fixture
def flat(queues, tmp_path):
    """100 calls every open half-hour at 180 s: 14 agents (Erlang C, 80 % in 20 s)."""
    run = plan_make(
        queue_codes=[QUEUE],
        day=WEDNESDAY,
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path),
        aht_seconds=180,
        minutes=30,
        calendar=CALENDAR,
    )
    return run, run.queues[0]


def test_no_change_is_the_plan(flat):
    run, plan = flat
    result = whatif_day(run=run, plan=plan, day=WEDNESDAY, changes=plan_changes(run, plan))
    (day,) = [day for day in run.days(plan) if day.day == WEDNESDAY]
    assert (result.peak_agents, result.agent_hours, result.peak_positions) == (
        day.peak_agents, day.agent_hours, day.peak_positions,
    )  # fmt: skip
    assert (result.peak_agents, result.agent_hours, result.peak_positions) == (14, 168.0, 20)
    assert result.service_level == pytest.approx(0.888350, abs=1e-6)
    assert result.contacts == pytest.approx(2400)
    assert plan_day_aht(run, plan, WEDNESDAY) == pytest.approx(180)


def test_each_change_sizes_again_as_staffing_solve_does(flat):
    run, plan = flat
    base = plan_changes(run, plan)
    for change, contacts, aht in (
        ({"volume_change": 1.0}, 200, 180),
        ({"volume_change": -0.5}, 50, 180),
        ({"aht_seconds": 360.0}, 100, 360),
    ):
        result = whatif_day(
            run=run, plan=plan, day=WEDNESDAY, changes=dataclasses.replace(base, **change)
        )
        expected = staffing_solve(
            contacts=contacts, interval_minutes=30, aht_seconds=aht, target_seconds=20,
            service_level=0.8,
        )  # fmt: skip
        assert result.peak_agents == expected.agents, change
        assert result.agent_hours == expected.agents * 24 / 2, change
    # The golden 70 % occupancy cap: 15 agents, 22 positions.
    capped = whatif_day(
        run=run, plan=plan, day=WEDNESDAY, changes=dataclasses.replace(base, max_occupancy=0.7)
    )
    assert (capped.peak_agents, capped.peak_positions) == (15, 22)
    # Erlang A with five minutes' patience: 13 agents (the golden figure).
    patient = whatif_day(
        run=run, plan=plan, day=WEDNESDAY,
        changes=dataclasses.replace(base, patience_seconds=300.0),
    )  # fmt: skip
    assert patient.peak_agents == 13 and patient.model == "erlang_a"


def test_a_closed_day_needs_nobody_and_has_nothing_to_simulate(flat):
    run, plan = flat
    result = whatif_day(
        run=run, plan=plan, day=SATURDAY,
        changes=dataclasses.replace(plan_changes(run, plan), volume_change=1.0),
    )  # fmt: skip
    assert (result.peak_agents, result.agent_hours, result.service_level) == (0, 0.0, None)
    assert result.peak is None and whatif_check(result) is None


def test_the_check_simulates_the_peak_beside_erlang(flat):
    run, plan = flat
    result = whatif_day(run=run, plan=plan, day=WEDNESDAY, changes=plan_changes(run, plan))
    check = whatif_check(result)
    assert check is not None
    assert check.agents == 14 and check.channel == "phone"
    assert check.comparison.erlang.service_level == pytest.approx(0.888350, abs=1e-6)
    simulated = check.comparison.simulated
    assert 20 <= simulated.replications <= 300
    # Seeded: the same figures twice, within a few points of Erlang's.
    assert whatif_check(result).comparison.simulated == simulated
    assert abs(simulated.service_level.mean - 0.888350) < 0.05


def test_refusals_change_nothing(flat):
    run, plan = flat
    base = plan_changes(run, plan)
    before = list(plan.intervals)
    for change in ({"volume_change": 5.5}, {"volume_change": float("nan")},
                   {"aht_seconds": 0.0}, {"service_level": 1.0}, {"shrinkage": 1.0}):  # fmt: skip
        with pytest.raises(StaffingInputInvalid):
            whatif_day(
                run=run, plan=plan, day=WEDNESDAY, changes=dataclasses.replace(base, **change)
            )
    with pytest.raises(StaffingInputInvalid, match="not in the week"):
        whatif_day(run=run, plan=plan, day=dt.date(2026, 3, 9), changes=base)
    assert plan.intervals == before


def test_the_check_warms_up_for_eight_handle_times_at_least(queues, tmp_path, monkeypatch):
    """Quarter-hours of 13 calls of 413 s (the demo's): one quarter-hour is two handle times,
    too short for a queue started empty to reach its steady state, so the warm-up before the
    counted quarter-hour lasts eight handle times, at the same rate and staff."""
    from contactcenter.workforce import whatif

    path = tmp_path / "quarters.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("interval_start,queue,channel,language,contacts\n")
        for start in open_starts(4):
            for quarter in (start, start + dt.timedelta(minutes=15)):
                handle.write(f"{quarter.isoformat()},{QUEUE},phone,en,13\n")
    run = plan_make(
        queue_codes=[QUEUE], day=WEDNESDAY, method=Method.SEASONAL_NAIVE, history_csv=path,
        aht_seconds=413, minutes=15, calendar=CALENDAR, service_level=0.8, threshold_seconds=20,
    )  # fmt: skip
    plan = run.queues[0]
    changes = dataclasses.replace(plan_changes(run, plan), patience_seconds=299.0)
    result = whatif_day(run=run, plan=plan, day=WEDNESDAY, changes=changes)
    seen = {}
    real = whatif.simulate

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(whatif, "simulate", spy)
    check = whatif_check(result)
    assert check is not None and check.agents == 9
    (counted,) = seen["intervals"]
    assert (counted.seconds, counted.contacts, counted.agents) == (900, 13, 9)
    warmup = seen["warmup"]
    assert warmup.seconds == 8 * 413 and warmup.agents == 9
    assert warmup.contacts == pytest.approx(13 * 8 * 413 / 900)
    assert seen["patience"].mean_seconds == 299.0
    # Seeded, and within a few points of Erlang A's figure for the same agents.
    level = check.comparison.simulated.service_level
    assert abs(level.mean - check.comparison.erlang.service_level) < 2 * level.half_width
