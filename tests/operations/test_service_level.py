"""Service-level arithmetic against the golden figures worked by hand in the operations notes:
Ai = 70, Ao = 10, Bi = 8 of which S = 3, Bo = 12, Q = 100, no flow-outs, no callbacks."""

from decimal import Decimal
from fractions import Fraction

import pytest

from contactcenter.operations.service_level import (
    Counts,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    occupancy,
    percent,
    self_service_rate,
    service_level,
)

GOLDEN = Counts(
    queued=100, answered=80, answered_within=70, abandoned=20, abandoned_within=8,
    abandoned_short=3,
)  # fmt: skip


@pytest.mark.parametrize(
    ("formula", "switches", "expected"),
    [
        ("removed_within", {}, Decimal("78.00")),
        ("abandons_penalised", {}, Decimal("70.00")),
        ("abandons_penalised", {"ignores_short_abandons": True}, Decimal("72.16")),
        ("abandons_excluded", {}, Decimal("87.50")),
        ("late_abandons_only", {}, Decimal("76.09")),
    ],
)
def test_golden_figures(formula, switches, expected):
    assert percent(service_level(GOLDEN, formula, **switches)) == expected


def test_exact_fractions_not_rounded_floats():
    assert service_level(GOLDEN, "abandons_penalised", ignores_short_abandons=True) == Fraction(
        70, 97
    )
    assert service_level(GOLDEN, "late_abandons_only") == Fraction(70, 92)


def test_abandonment_rate_is_abandoned_over_queued():
    assert percent(abandonment_rate(GOLDEN), places=0) == Decimal("20")


def test_flow_outs_count_only_when_switched_on():
    counts = Counts(queued=10, answered=8, answered_within=6, flowed_out=2)
    assert service_level(counts, "abandons_penalised") == Fraction(6, 8)
    assert service_level(counts, "abandons_penalised", counts_flow_outs=True) == Fraction(6, 10)


def test_callbacks_within_the_threshold_count_as_met_when_removed_within():
    counts = Counts(
        queued=10, answered=6, answered_within=5, abandoned=1, abandoned_within=1,
        callbacks_requested=3, callbacks_within=2,
    )  # fmt: skip
    assert service_level(counts, "removed_within") == Fraction(8, 10)


@pytest.mark.parametrize(
    "formula", ["removed_within", "abandons_penalised", "abandons_excluded", "late_abandons_only"]
)
def test_nothing_offered_has_no_service_level(formula):
    assert service_level(Counts(), formula) is None


def test_only_short_abandons_ignored_leaves_no_service_level():
    counts = Counts(queued=2, abandoned=2, abandoned_within=2, abandoned_short=2)
    assert service_level(counts, "abandons_penalised", ignores_short_abandons=True) is None
    assert service_level(counts, "abandons_penalised") == 0


def test_zero_denominators_give_none_for_every_figure():
    empty = Counts()
    assert abandonment_rate(empty) is None
    assert average_speed_of_answer(empty) is None
    assert average_handle_time(empty) is None
    assert occupancy(on_contact_ms=0, available_ms=0) is None
    assert self_service_rate(self_served=0, queued=0) is None
    assert percent(None) is None


def test_times_and_shares():
    counts = Counts(
        queued=4, answered=4, answered_within=4, wait_answered_ms=50_000, handled=3,
        talk_ms=600_000, hold_ms=0, after_contact_ms=300_001,
    )  # fmt: skip
    assert average_speed_of_answer(counts) == Decimal("12.500")
    assert average_handle_time(counts) == Decimal("300.000")  # 900.001 s / 3, to the ms
    assert occupancy(on_contact_ms=3, available_ms=1) == Fraction(3, 4)
    assert self_service_rate(self_served=30, queued=70) == Fraction(3, 10)


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        Counts(answered=1, answered_within=2)
    with pytest.raises(ValueError):
        Counts(abandoned=3, abandoned_within=1, abandoned_short=2)


def test_unknown_formula_is_refused():
    with pytest.raises(ValueError):
        service_level(GOLDEN, "best_looking")
