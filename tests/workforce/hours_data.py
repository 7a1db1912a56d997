"""History for the hours-of-live-help tests: queue contacts in open hours, and contacts that reach
self-service before and after them."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.operations.models import NO_QUEUE, IntervalFacts
from contactcenter.routing.models import Queue
from tests.workforce.forecast_series import CALENDAR
from tests.workforce.test_plan import MONDAY, QUEUE, open_starts

__all__ = ["MONDAY", "QUEUE", "arrivals_facts_write", "facts_with_arrivals"]


def arrivals_facts_write(queue: Queue) -> None:
    """Four weeks of 100 phone contacts per open half-hour in ``queue`` before MONDAY, and
    contacts reaching self-service round the clock: 200 per open half-hour (so half ask for a
    person) and 40 per half-hour from 6:00 to 8:00 and 20:00 to 22:00."""
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


@pytest.fixture
def facts_with_arrivals(queues, settings):
    """``arrivals_facts_write`` for the general English queue, at 30-minute intervals."""
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    queue = Queue.objects.get(code=QUEUE)
    arrivals_facts_write(queue)
    return queue
