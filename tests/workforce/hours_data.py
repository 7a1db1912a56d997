"""History for the hours-of-live-help tests: queue contacts in open hours, and contacts that reach
self-service before and after them."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.operations.models import NO_QUEUE, IntervalFacts
from contactcenter.routing.models import Queue
from tests.workforce.forecast_series import CALENDAR
from tests.workforce.test_plan import MONDAY, QUEUE, open_starts

__all__ = ["MONDAY", "QUEUE", "facts_with_arrivals"]


@pytest.fixture
def facts_with_arrivals(queues, settings):
    """Four weeks of 100 phone contacts per open half-hour in the general queue, and contacts
    reaching the agency's self-service round the clock: 200 per open half-hour (so half ask for
    a person) and 40 per half-hour from 6:00 to 8:00 and 20:00 to 22:00."""
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    queue = Queue.objects.get(code=QUEUE)
    rows = [
        IntervalFacts(
            interval_start=start,
            queue_id=queue.pk,
            channel="phone",
            language="en",
            queued=100,
            handled=100,
            talk_ms=15_000_000,
            after_contact_ms=3_000_000,
        )
        for start in open_starts(4)
    ]
    day = MONDAY - dt.timedelta(weeks=4)
    while day < MONDAY:
        if CALENDAR.is_business_day(day):
            for slot in range(12, 44):  # 6:00 to 22:00
                start = dt.datetime.combine(day, dt.time(slot // 2, 30 * (slot % 2)), CALENDAR.zone)
                rows.append(
                    IntervalFacts(
                        interval_start=start,
                        queue_id=NO_QUEUE,
                        channel="phone",
                        language="en",
                        started=200 if CALENDAR.is_open(start) else 40,
                    )
                )
        day += dt.timedelta(days=1)
    IntervalFacts.objects.bulk_create(rows)
    return queue
