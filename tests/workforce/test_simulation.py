"""The simulation against Erlang A and C where their assumptions hold, and where they bend.

Every run is seeded, so each figure below is fixed; the margins say how far chance could have
carried it. Each comparison follows about 400,000 counted contacts (replications of three
hours after an hour's warm-up): the service level's 95 % half-width is then 0.2 to 1.1
points (the busiest queues' waits are the most correlated), so the two-point tolerance is 3.5
standard errors for the busiest queue and 7 or more for most; each test checks the half-width
it relies on (under 1.2 points). With these seeds every service level lands within 0.9 points
of Erlang's.
"""

from __future__ import annotations

import math

import pytest

from contactcenter.workforce.erlang import erlang_a_figures, erlang_c_figures
from contactcenter.workforce.errors import StaffingInputInvalid, UnstableQueue
from contactcenter.workforce.simulation import (
    Interval,
    Shape,
    Times,
    simulate,
    staffing_compare,
)

CONTACTS_PER_SETTING = 400_000

# (load in Erlangs, agents, AHT s, target s, mean patience s)
ERLANG_A_SETTINGS = [
    (2.0, 3, 180, 20, 120),
    (2.0, 4, 300, 30, 300),
    (4.0, 5, 240, 20, 60),
    (5.0, 6, 180, 20, 180),
    (5.0, 7, 600, 60, 600),
    (8.0, 9, 120, 10, 90),
    (10.0, 12, 180, 20, 300),
    (10.0, 13, 180, 20, 300),
    (10.0, 10, 180, 20, 300),
    (12.0, 11, 300, 30, 240),
    (15.0, 17, 200, 20, 120),
    (20.0, 22, 240, 30, 180),
    (20.0, 24, 240, 15, 600),
    (25.0, 26, 300, 20, 90),
    (30.0, 33, 180, 20, 300),
    (40.0, 42, 240, 20, 120),
    (40.0, 43, 240, 20, 300),
    (50.0, 56, 300, 30, 600),
    (60.0, 63, 180, 10, 60),
    (80.0, 84, 240, 20, 180),
    (100.0, 108, 300, 20, 300),
]

# (load in Erlangs, agents, AHT s, target s): every one stable, some barely.
ERLANG_C_SETTINGS = [
    (2.0, 4, 180, 20),
    (5.0, 7, 180, 20),
    (10.0, 13, 180, 20),
    (10.0, 14, 180, 20),
    (15.0, 19, 240, 30),
    (20.0, 25, 300, 20),
    (30.0, 36, 180, 15),
    (50.0, 58, 240, 20),
]


def _compare(load, agents, aht, target, patience, *, shape=Shape.EXPONENTIAL, cv=1.0):
    """Erlang's figures beside the simulation's: replications of three hours counted after an
    hour's warm-up, as many as make about ``CONTACTS_PER_SETTING`` counted contacts."""
    hourly = load * 3600 / aht
    replications = max(20, round(CONTACTS_PER_SETTING / (3 * hourly)))
    if patience is None:
        erlang = erlang_c_figures(agents=agents, load=load, aht_seconds=aht, target_seconds=target)
    else:
        erlang = erlang_a_figures(
            agents=agents,
            load=load,
            aht_seconds=aht,
            patience_seconds=patience,
            target_seconds=target,
        )
    simulated = simulate(
        intervals=[Interval(3 * 3600, 3 * hourly, agents)],
        warmup=Interval(3600, hourly, agents),
        handle=Times(aht, shape, cv),
        patience=None if patience is None else Times(patience),
        target_seconds=target,
        replications=replications,
        seed=agents * 7919 + aht,
    )
    return erlang, simulated


@pytest.mark.parametrize(("load", "agents", "aht", "target", "patience"), ERLANG_A_SETTINGS)
def test_with_exponential_times_the_service_level_is_erlang_a_within_two_points(
    load, agents, aht, target, patience
):
    erlang, simulated = _compare(load, agents, aht, target, patience)
    assert simulated.service_level.half_width < 0.012
    assert abs(simulated.service_level.mean - erlang.service_level) < 0.02
    assert abs(simulated.probability_of_abandoning.mean - erlang.probability_of_abandoning) < 0.02
    assert abs(simulated.probability_of_waiting.mean - erlang.probability_of_waiting) < 0.03
    assert abs(simulated.occupancy.mean - erlang.occupancy) < 0.02


@pytest.mark.parametrize(("load", "agents", "aht", "target"), ERLANG_C_SETTINGS)
def test_without_patience_the_service_level_is_erlang_c_within_two_points(
    load, agents, aht, target
):
    erlang, simulated = _compare(load, agents, aht, target, None)
    assert simulated.service_level.half_width < 0.012
    assert abs(simulated.service_level.mean - erlang.service_level) < 0.02
    assert simulated.probability_of_abandoning.mean == 0
    assert abs(simulated.occupancy.mean - erlang.occupancy) < 0.02


def test_abandons_and_waits_agree_with_erlang_a_on_the_golden_problem():
    # 100 contacts a half hour, AHT 180 s, 13 agents, patience 300 s (OPERATIONS.md):
    # P(abandon) 0.024963, E[wait] 7.49 s, SL(20 s) 0.858178.
    comparison = staffing_compare(
        contacts=100,
        interval_minutes=30,
        aht_seconds=180,
        target_seconds=20,
        agents=13,
        patience_seconds=300,
        replications=3000,
        seed=19,
    )
    simulated = comparison.simulated
    assert comparison.erlang.service_level == pytest.approx(0.858178, abs=1e-6)
    assert abs(simulated.service_level.mean - 0.858178) < 0.01
    assert abs(simulated.probability_of_abandoning.mean - 0.024963) < 0.003
    assert abs(simulated.average_wait_seconds.mean - 7.489) < 0.6
    # P(abandon) = θ·E[wait] holds in the simulation too, up to chance.
    assert simulated.probability_of_abandoning.mean == pytest.approx(
        simulated.average_wait_seconds.mean / 300, rel=0.08
    )


def test_lognormal_handle_times_with_cv_one_behave_like_exponential_ones():
    _erlang, exponential = _compare(10.0, 12, 180, 20, 300)
    _erlang, lognormal = _compare(10.0, 12, 180, 20, 300, shape=Shape.LOGNORMAL)
    assert abs(lognormal.service_level.mean - exponential.service_level.mean) < 0.02


@pytest.mark.parametrize("patience", [None, 1800])
def test_less_variable_handle_times_give_a_better_service_level(patience):
    # Shorter queues from steadier calls: clear in Erlang C's world and with patient callers.
    # (With patience near the handle time the gain shrinks to under a point at this load:
    # those who would wait longest leave anyway, whatever the calls' spread.)
    erlang, steady = _compare(10.0, 12, 180, 20, patience, shape=Shape.LOGNORMAL, cv=0.3)
    _erlang, erratic = _compare(10.0, 12, 180, 20, patience)
    gain = steady.service_level.mean - erratic.service_level.mean
    assert gain > steady.service_level.half_width + erratic.service_level.half_width
    # Erlang assumes exponential times, so it understates this queue.
    assert steady.service_level.mean > erlang.service_level + steady.service_level.half_width


def test_a_day_of_intervals_changes_staff_at_the_boundaries():
    # Quiet, then a rush the same staff cannot meet, then the rush staffed: each stretch on
    # its own would give Erlang C's figure; the rush understaffed waits far longer.
    handle = Times(180.0)
    understaffed = simulate(
        intervals=[Interval(1800, 50, 8), Interval(1800, 190, 8), Interval(1800, 50, 8)],
        handle=handle,
        patience=Times(120.0),
        target_seconds=20,
        replications=200,
        seed=3,
    )
    staffed = simulate(
        intervals=[Interval(1800, 50, 8), Interval(1800, 190, 22), Interval(1800, 50, 8)],
        handle=handle,
        patience=Times(120.0),
        target_seconds=20,
        replications=200,
        seed=3,
    )
    assert staffed.service_level.mean > understaffed.service_level.mean + 0.2
    assert understaffed.probability_of_abandoning.mean > 0.1
    assert staffed.contacts == pytest.approx(290 * 200, rel=0.03)


def test_the_same_seed_gives_the_same_figures():
    def run(seed):
        return simulate(
            intervals=[Interval(1800, 100, 14)],
            handle=Times(180.0, Shape.LOGNORMAL, 0.5),
            patience=Times(300.0, Shape.FIXED),
            target_seconds=20,
            replications=10,
            seed=seed,
        )

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_no_contacts_meet_every_target():
    figures = simulate(
        intervals=[Interval(1800, 0, 3)], handle=Times(180.0), target_seconds=20, replications=2
    )
    assert (figures.service_level.mean, figures.contacts) == (1.0, 0)
    assert figures.occupancy.mean == 0


def test_erlang_c_refuses_an_unstable_queue_before_simulating():
    with pytest.raises(UnstableQueue):
        staffing_compare(
            contacts=100, interval_minutes=30, aht_seconds=180, target_seconds=20, agents=10
        )


@pytest.mark.parametrize(
    "change",
    [
        {"replications": 1},
        {"replications": True},
        {"seed": 1.5},
        {"target_seconds": -1},
        {"target_seconds": math.nan},
        {"intervals": []},
        {"intervals": [Interval(0, 10, 2)]},
        {"intervals": [Interval(1800, -1, 2)]},
        {"intervals": [Interval(1800, 10, -2)]},
        {"intervals": [Interval(1800, 10, 0)]},
        {"handle": Times(0.0)},
        {"handle": Times(180.0, Shape.LOGNORMAL, 0.0)},
        {"replications": 10_000, "intervals": [Interval(1800, 100_000, 2_000)]},
    ],
)
def test_bad_input_is_refused(change):
    arguments = {
        "intervals": [Interval(1800, 100, 14)],
        "handle": Times(180.0),
        "target_seconds": 20,
        "replications": 10,
        **change,
    }
    with pytest.raises(StaffingInputInvalid):
        simulate(**arguments)
