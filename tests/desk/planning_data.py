"""Four weeks of interval facts for the what-if page's tests: 100 phone contacts in every open
half-hour of t1-general-en, handled in 180 s, with 40 abandons after 150 s of waiting (so the
plan takes Erlang A with a mean patience of 150 s). The same figures as tests/workforce/
test_plan.py, so the plan's answer is known: 12 agents an open half-hour at 80 % in 20 s."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.operations.models import IntervalFacts
from contactcenter.routing.models import Queue

MONDAY = dt.date(2026, 3, 2)
WEDNESDAY = dt.date(2026, 3, 4)
QUEUE = "t1-general-en"
PLAN_AGENTS = 12  # Erlang A, 10 Erlangs, patience 150 s, 80 % in 20 s


def facts_write(code: str = QUEUE) -> Queue:
    calendar = BusinessCalendar()
    queue = Queue.objects.get(code=code)
    starts = []
    day = MONDAY - dt.timedelta(weeks=4)
    while day < MONDAY:
        for slot in range(48):
            start = dt.datetime.combine(day, dt.time(slot // 2, 30 * (slot % 2)), calendar.zone)
            if calendar.is_open(start):
                starts.append(start)
        day += dt.timedelta(days=1)
    rows = [
        IntervalFacts(
            interval_start=start,
            queue_id=queue.pk,
            channel="phone",
            language=queue.language,
            queued=100,
        )
        for start in starts
    ]
    for row in rows[:40]:
        row.abandoned = 1
        row.wait_abandoned_ms = 150_000
        row.handled = 100
        row.talk_ms = 15_000_000
        row.after_contact_ms = 3_000_000
    IntervalFacts.objects.bulk_create(rows)
    return queue
