import datetime as dt
from decimal import Decimal

from django.utils import translation

from contactcenter.cases.models import ProcessingTime
from contactcenter.cases.processing_times import inquiry_eligibility


def eligibility(today):
    figure = ProcessingTime(months=Decimal("6"), published_on=dt.date(2026, 10, 15))
    return inquiry_eligibility(
        receipt_date=dt.date(2026, 5, 20), status="received", processing_time=figure, today=today
    )


def test_eligibility_boundary_is_the_receipt_date_plus_the_posted_time():
    day_before = eligibility(dt.date(2026, 11, 19))
    on_the_day = eligibility(dt.date(2026, 11, 20))
    assert day_before.eligible_on == on_the_day.eligible_on == dt.date(2026, 11, 20)
    assert not day_before.allowed_now
    assert on_the_day.allowed_now


def test_the_date_is_written_the_way_each_language_writes_dates():
    with translation.override("es"):
        assert "20 de noviembre de 2026" in str(eligibility(dt.date(2026, 6, 1)).message)
    with translation.override("en"):
        assert "November 20, 2026" in str(eligibility(dt.date(2026, 6, 1)).message)


def test_a_decided_case_has_no_inquiry_date():
    decided = inquiry_eligibility(
        receipt_date=dt.date(2026, 5, 20),
        status="approved",
        processing_time=ProcessingTime(months=Decimal("6"), published_on=dt.date(2026, 10, 15)),
        today=dt.date(2027, 1, 1),
    )
    assert decided.eligible_on is None and not decided.allowed_now
