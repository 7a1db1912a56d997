"""Erlang B, C and A against the golden figures of the operations notes, against slow
implementations written here from the queue's state probabilities, and at their edges."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.errors import ErrorCode
from contactcenter.workforce.erlang import (
    Model,
    erlang_a_figures,
    erlang_b,
    erlang_c,
    erlang_c_figures,
    offered_load,
    required_agents,
    scheduled_positions,
)
from contactcenter.workforce.errors import StaffingInputInvalid, UnstableQueue

# 100 contacts in 30 minutes, 180 s each: 10 Erlangs.
LOAD = offered_load(contacts=100, interval_seconds=1800, aht_seconds=180)


def test_offered_load_is_contacts_times_handle_time_over_the_interval():
    assert LOAD == 10.0
    assert offered_load(contacts=360, interval_seconds=1800, aht_seconds=240) == 48.0


# -- Golden figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agents", "waiting", "service_level", "asa", "occupancy"),
    [
        (13, 0.285270, 0.795595, 17.12, 0.769231),
        (14, 0.174132, 0.888350, 7.84, 0.714286),
        (15, 0.102042, 0.941453, 3.67, 0.666667),
    ],
)
def test_erlang_c_golden_figures(agents, waiting, service_level, asa, occupancy):
    figures = erlang_c_figures(agents=agents, load=LOAD, aht_seconds=180, target_seconds=20)
    assert round(figures.probability_of_waiting, 6) == waiting
    assert round(figures.service_level, 6) == service_level
    assert round(figures.average_wait_seconds, 2) == asa
    assert round(figures.occupancy, 6) == occupancy
    assert figures.probability_of_abandoning is None
    assert figures.model == Model.ERLANG_C


def test_erlang_c_second_golden_vector():
    load = offered_load(contacts=360, interval_seconds=1800, aht_seconds=240)
    figures = erlang_c_figures(agents=55, load=load, aht_seconds=240, target_seconds=15)
    assert round(figures.probability_of_waiting, 6) == 0.238701
    assert round(figures.average_wait_seconds, 3) == 8.184
    assert round(figures.service_level, 6) == 0.845883
    assert round(figures.occupancy, 6) == 0.872727


def test_erlang_c_required_agents_and_positions():
    figures = required_agents(load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8)
    assert figures.agents == 14  # 13 gives 79.56 %
    assert scheduled_positions(agents=figures.agents, shrinkage=0.3) == 20
    capped = required_agents(
        load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8, max_occupancy=0.7
    )
    assert capped.agents == 15  # 14 would be 71.4 % occupied
    assert scheduled_positions(agents=capped.agents, shrinkage=0.3) == 22


@pytest.mark.parametrize(
    ("agents", "waiting", "abandoning", "occupancy", "mean_wait", "service_level"),
    [
        (12, 0.331802, 0.042711, 0.797741, 12.81, 0.772279),
        (13, 0.225797, 0.024963, 0.750028, 7.49, 0.858178),
        (14, 0.145260, 0.013984, 0.704297, 4.195, 0.916792),
    ],
)
def test_erlang_a_golden_figures(agents, waiting, abandoning, occupancy, mean_wait, service_level):
    figures = erlang_a_figures(
        agents=agents, load=LOAD, aht_seconds=180, patience_seconds=300, target_seconds=20
    )
    assert round(figures.probability_of_waiting, 6) == waiting
    assert round(figures.probability_of_abandoning, 6) == abandoning
    assert round(figures.occupancy, 6) == occupancy
    assert round(figures.average_wait_seconds, len(str(mean_wait).split(".")[1])) == mean_wait
    assert round(figures.service_level, 6) == service_level
    assert figures.model == Model.ERLANG_A


def test_erlang_a_staffs_13_where_erlang_c_staffs_14():
    figures = required_agents(
        load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8, patience_seconds=300
    )
    assert figures.agents == 13


# -- Identities and limits --------------------------------------------------------------------


@given(
    agents=st.integers(1, 120),
    load=st.floats(0.01, 150),
    aht=st.floats(10, 1200),
    patience=st.floats(1, 3600),
    target=st.floats(0, 300),
)
def test_abandoning_is_patience_rate_times_mean_wait(agents, load, aht, patience, target):
    figures = erlang_a_figures(
        agents=agents, load=load, aht_seconds=aht, patience_seconds=patience, target_seconds=target
    )
    assert figures.probability_of_abandoning == pytest.approx(
        figures.average_wait_seconds / patience, rel=1e-12, abs=1e-300
    )
    for value in (figures.probability_of_waiting, figures.probability_of_abandoning):
        assert 0 <= value <= 1
    assert 0 <= figures.service_level <= 1 - figures.probability_of_abandoning + 1e-12


@pytest.mark.parametrize("agents", [11, 13, 20])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(agents):
    erlang_c_now = erlang_c_figures(agents=agents, load=LOAD, aht_seconds=180, target_seconds=20)
    gaps = []
    for patience in (1e3, 1e4, 1e5, 1e6, 1e7):
        erlang_a_now = erlang_a_figures(
            agents=agents, load=LOAD, aht_seconds=180, patience_seconds=patience, target_seconds=20
        )
        gaps.append(
            abs(erlang_a_now.probability_of_waiting - erlang_c_now.probability_of_waiting)
            + abs(erlang_a_now.service_level - erlang_c_now.service_level)
            + abs(erlang_a_now.average_wait_seconds - erlang_c_now.average_wait_seconds) / 180
        )
    # The gap shrinks about as 1/patience once patience is long beside the wait.
    assert all(later < earlier / 3 for earlier, later in itertools.pairwise(gaps))
    assert gaps[-1] < gaps[-2] / 8
    assert gaps[-1] < 1e-3


def test_large_queues_stay_finite_and_match_their_neighbours():
    # 3,000 Erlangs: the factorials involved have over 9,000 digits.
    figures = required_agents(load=3000.0, aht_seconds=300, target_seconds=20, service_level=0.8)
    assert 3000 < figures.agents < 3100
    below = erlang_c_figures(
        agents=figures.agents - 1, load=3000.0, aht_seconds=300, target_seconds=20
    )
    assert below.service_level < 0.8 <= figures.service_level
    assert erlang_b(agents=10_000, load=0.5) == 0.0  # below the smallest float, not an error
    huge = erlang_a_figures(
        agents=500, load=1000.0, aht_seconds=180, patience_seconds=300, target_seconds=20
    )
    assert huge.probability_of_waiting == pytest.approx(1.0)
    assert huge.probability_of_abandoning == pytest.approx(0.5, abs=1e-9)


# -- Undefined and refused --------------------------------------------------------------------


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_erlang_c_with_no_more_agents_than_erlangs_is_refused_not_answered(agents):
    with pytest.raises(UnstableQueue) as raised:
        erlang_c(agents=agents, load=LOAD)
    assert raised.value.code == ErrorCode.UNSTABLE_QUEUE
    assert "grows without end" in raised.value.message
    with pytest.raises(UnstableQueue):
        erlang_c_figures(agents=agents, load=LOAD, aht_seconds=180, target_seconds=20)


def test_erlang_a_is_defined_where_erlang_c_is_not():
    figures = erlang_a_figures(
        agents=10, load=LOAD, aht_seconds=180, patience_seconds=300, target_seconds=20
    )
    assert 0 < figures.probability_of_waiting < 1
    assert 0 < figures.probability_of_abandoning < 1


def test_zero_load_needs_no_agents_and_nobody_waits():
    for patience in (None, 300):
        figures = required_agents(
            load=0.0,
            aht_seconds=180,
            target_seconds=20,
            service_level=0.8,
            patience_seconds=patience,
        )
        assert figures.agents == 0
        assert figures.service_level == 1.0
        assert figures.probability_of_waiting == 0.0
        assert figures.occupancy == 0.0
    assert erlang_c(agents=0, load=0.0) == 0.0
    assert scheduled_positions(agents=0, shrinkage=0.3) == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: offered_load(contacts=-1, interval_seconds=1800, aht_seconds=180),
        lambda: offered_load(contacts=10, interval_seconds=0, aht_seconds=180),
        lambda: offered_load(contacts=10, interval_seconds=1800, aht_seconds=-5),
        lambda: offered_load(contacts=math.nan, interval_seconds=1800, aht_seconds=180),
        lambda: erlang_b(agents=-1, load=3.0),
        lambda: erlang_b(agents=3, load=-0.5),
        lambda: erlang_c_figures(agents=14, load=LOAD, aht_seconds=180, target_seconds=-1),
        lambda: erlang_a_figures(
            agents=14, load=LOAD, aht_seconds=180, patience_seconds=0, target_seconds=20
        ),
        lambda: erlang_a_figures(
            agents=0, load=LOAD, aht_seconds=180, patience_seconds=300, target_seconds=20
        ),
        lambda: required_agents(load=LOAD, aht_seconds=180, target_seconds=20, service_level=1.0),
        lambda: required_agents(load=LOAD, aht_seconds=180, target_seconds=20, service_level=0),
        lambda: required_agents(
            load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8, max_occupancy=0
        ),
        lambda: required_agents(
            load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8, concurrency=0
        ),
        lambda: scheduled_positions(agents=14, shrinkage=1.0),
        lambda: scheduled_positions(agents=14, shrinkage=-0.1),
    ],
)
def test_bad_figures_are_refused_with_a_clear_error(call):
    with pytest.raises(StaffingInputInvalid) as raised:
        call()
    assert raised.value.code == ErrorCode.INVALID_INPUT
    assert raised.value.message


def test_positions_use_the_shrinkage_as_written():
    # 14 / 0.7 is 20.000000000000004 in binary floating point.
    assert scheduled_positions(agents=14, shrinkage=0.3) == 20
    assert scheduled_positions(agents=15, shrinkage=0.3) == 22
    assert scheduled_positions(agents=14, shrinkage=0) == 14


def test_chat_concurrency_counts_each_agent_as_k_servers():
    # 10 Erlangs of chat, each chat holding one of an agent's three slots for 180 s.
    figures = required_agents(
        load=LOAD, aht_seconds=180, target_seconds=20, service_level=0.8, concurrency=3
    )
    assert figures.agents == 15  # 5 people; 14 servers would do, but people come whole
    assert (
        figures.service_level
        == erlang_c_figures(agents=15, load=LOAD, aht_seconds=180, target_seconds=20).service_level
    )


# -- A slow, independent implementation -------------------------------------------------------


def slow_erlang_c(agents: int, load: Fraction) -> Fraction:
    """P(wait) in M/M/N as an exact fraction, from the stationary distribution's terms."""
    term = Fraction(1)
    below = Fraction(0)
    for k in range(agents):
        below += term
        term = term * load / (k + 1)
    waiting = term * agents / (agents - load)
    return waiting / (below + waiting)


def slow_erlang_a(
    agents: int, load: float, aht: float, patience: float, target: float
) -> tuple[float, float, float]:
    """P(wait), P(abandon) and the service level of M/M/N+M from its truncated chain.

    State probabilities are summed term by term (log-terms shifted by their largest, then
    math.fsum). A contact who finds j waiting is answered by time t with probability
    cⱼ∫ e^(−θs)·θe^(−xθs)(1−e^(−θs))ʲ ds; summed over j against the chain this is
    P(N busy)·x∫ u^x e^(y(1−u)) du over [e^(−θT), 1]: integrated here by Simpson's rule.
    """
    mu, theta = 1 / aht, 1 / patience
    rate = load * mu
    logs = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)]
    j = 0
    while True:
        j += 1
        logs.append(logs[-1] + math.log(rate) - math.log(agents * mu + j * theta))
        if j > 20 and logs[-1] < max(logs) - 80:
            break
    top = max(logs)
    weights = [math.exp(value - top) for value in logs]
    total = math.fsum(weights)
    waiting = math.fsum(weights[agents:]) / total
    queue_length = math.fsum(i * weights[agents + i] for i in range(len(weights) - agents)) / total
    abandoning = theta * queue_length / rate
    x, y = agents * mu / theta, rate / theta
    low = math.exp(-theta * target)
    steps = 4000
    width = (1 - low) / steps
    exponents = [
        x * math.log(low + i * width) + y * (1 - low - i * width) for i in range(steps + 1)
    ]
    peak = max(exponents)
    simpson = math.fsum(
        (1 if i in (0, steps) else 4 if i % 2 else 2) * math.exp(e - peak)
        for i, e in enumerate(exponents)
    )
    full = weights[agents] / total * x
    late_log = math.log(full) + peak + math.log(simpson * width / 3) if full > 0 else -math.inf
    late = math.exp(late_log) if late_log > -700 else 0.0
    # late here is P(answered after waiting, within T); the rest who waited were answered late
    # or left.
    return waiting, abandoning, 1 - waiting + late


def grid_c():
    points = []
    for numerator in range(1, 201, 2):  # loads 0.25 to 50 Erlangs in quarter steps
        load = Fraction(numerator, 4)
        first = math.floor(load) + 1
        for extra in range(10):
            points.append((first + extra * (1 + numerator // 40), load))
    return points


def test_erlang_c_agrees_with_exact_sums_on_1000_points():
    points = grid_c()
    assert len(points) == 1000
    for agents, load in points:
        exact = slow_erlang_c(agents, load)
        figures = erlang_c_figures(
            agents=agents, load=float(load), aht_seconds=240, target_seconds=20
        )
        assert abs(figures.probability_of_waiting - float(exact)) < 1e-9, (agents, load)
        spare = agents - float(load)
        assert figures.service_level == pytest.approx(
            1 - float(exact) * math.exp(-spare * 20 / 240), abs=1e-9
        )
        assert figures.average_wait_seconds == pytest.approx(
            float(exact) * 240 / spare, rel=1e-9, abs=1e-9
        )


def test_erlang_a_agrees_with_the_truncated_chain_on_1000_points():
    checked = 0
    for load in (0.5, 2.0, 5.0, 9.5, 18.0, 33.0, 47.5, 60.0, 75.0, 100.0):
        for patience in (30.0, 120.0, 600.0, 2400.0, 10000.0):
            for agents in range(max(1, int(load) - 12), int(load) + 13):
                if checked == 1000:
                    break
                figures = erlang_a_figures(
                    agents=agents,
                    load=load,
                    aht_seconds=200,
                    patience_seconds=patience,
                    target_seconds=30,
                )
                waiting, abandoning, service_level = slow_erlang_a(agents, load, 200, patience, 30)
                point = (agents, load, patience)
                assert abs(figures.probability_of_waiting - waiting) < 1e-9, point
                assert abs(figures.probability_of_abandoning - abandoning) < 1e-9, point
                assert abs(figures.service_level - service_level) < 1e-9, point
                checked += 1
    assert checked == 1000


def test_an_occupancy_exactly_at_the_cap_is_allowed():
    # 7 / 0.7 is 10.000000000000002 in binary floating point; 10 agents are exactly 70 % busy.
    figures = required_agents(
        load=7.0, aht_seconds=180, target_seconds=60, service_level=0.01, max_occupancy=0.7
    )
    assert figures.agents == 10
    assert figures.occupancy == 0.7


@given(
    load=st.floats(0.05, 400),
    aht=st.floats(30, 900),
    target=st.floats(0, 120),
    level=st.floats(0.05, 0.99),
    patience=st.one_of(st.none(), st.floats(5, 1800)),
    cap=st.one_of(st.none(), st.floats(0.5, 1.0)),
    concurrency=st.integers(1, 3),
)
def test_required_agents_are_the_fewest_that_meet_the_target(
    load, aht, target, level, patience, cap, concurrency
):
    figures = required_agents(
        load=load,
        aht_seconds=aht,
        target_seconds=target,
        service_level=level,
        patience_seconds=patience,
        max_occupancy=cap,
        concurrency=concurrency,
    )
    assert figures.agents % concurrency == 0
    assert figures.service_level >= level
    assert cap is None or figures.occupancy <= cap
    fewer = figures.agents - concurrency
    if fewer < 1 or (patience is None and fewer <= load):
        return
    if patience is None:
        below = erlang_c_figures(agents=fewer, load=load, aht_seconds=aht, target_seconds=target)
    else:
        below = erlang_a_figures(
            agents=fewer,
            load=load,
            aht_seconds=aht,
            patience_seconds=patience,
            target_seconds=target,
        )
    assert below.service_level < level or (cap is not None and below.occupancy > cap)


def tagged_contact_service_level(
    agents: int, load: float, aht: float, patience: float, target: float
) -> float:
    """The Erlang A service level without the closed form: follow one arriving contact.

    The contact finds j waiting (chance from the truncated chain) and moves up a place at rate
    Nμ + iθ while i are ahead (one is served or one ahead leaves), is answered at rate Nμ when
    first, and leaves at rate θ. That little chain is solved by uniformization: a Poisson
    number of steps at one common rate, each step a move, a departure or nothing.
    """
    mu, theta = 1 / aht, 1 / patience
    rate = load * mu
    logs = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)]
    j = 0
    while True:
        j += 1
        logs.append(logs[-1] + math.log(rate) - math.log(agents * mu + j * theta))
        if j > 20 and logs[-1] < max(logs) - 80:
            break
    top = max(logs)
    weights = [math.exp(value - top) for value in logs]
    total = math.fsum(weights)
    ahead = [w / total for w in weights[agents:]]  # ahead[i]: finds i waiting
    answered_at_once = math.fsum(weights[:agents]) / total
    places = len(ahead)
    uniform = agents * mu + places * theta + theta
    mean_steps = uniform * target
    state = list(ahead)
    answered = []  # chance answered at exactly step n
    poisson = []
    log_p = -mean_steps
    n = 0
    while True:
        poisson.append(math.exp(log_p))
        moved = [0.0] * places
        served_now = state[0] * agents * mu / uniform
        for i, p in enumerate(state):
            if p == 0.0:
                continue
            forward = (agents * mu + i * theta) / uniform
            moved[i] += p * (1 - forward - theta / uniform)
            if i > 0:
                moved[i - 1] += p * forward
        state = moved
        answered.append(served_now)
        n += 1
        log_p += math.log(mean_steps) - math.log(n)
        if n > mean_steps + 20 and log_p < -60:
            break
    # Answered within T: answered at some step m, with at least m + 1 Poisson events by T.
    tail = 1.0
    within = []
    for m in range(len(answered)):
        tail -= poisson[m]
        within.append(answered[m] * max(tail, 0.0))
    return answered_at_once + math.fsum(within)


@pytest.mark.parametrize(
    ("agents", "load", "patience", "target"),
    [
        (12, 10.0, 300, 20),
        (13, 10.0, 300, 20),
        (14, 10.0, 300, 20),
        (3, 2.5, 60, 10),
        (8, 9.0, 120, 30),
        (20, 25.0, 45, 15),
        (30, 24.0, 900, 60),
        (1, 0.4, 200, 5),
    ],
)
def test_erlang_a_service_level_agrees_with_following_one_contact(agents, load, patience, target):
    figures = erlang_a_figures(
        agents=agents, load=load, aht_seconds=180, patience_seconds=patience, target_seconds=target
    )
    expected = tagged_contact_service_level(agents, load, 180, patience, target)
    assert abs(figures.service_level - expected) < 1e-9
