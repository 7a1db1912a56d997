import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.dates import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 1, 15), 6, dt.date(2024, 7, 15)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # leap year, clamped
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 11, 30), 3, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 1), Decimal("0.5"), dt.date(2024, 1, 16)),
        (dt.date(2024, 1, 1), Decimal("8.5"), dt.date(2024, 9, 16)),
        (dt.date(2024, 7, 15), -6, dt.date(2024, 1, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
    st.integers(min_value=0, max_value=240),
)
def test_whole_months_never_go_backwards_and_land_in_the_right_month(day, months):
    moved = add_months(day, months)
    assert moved >= day
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
