import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from contactcenter.inquiries.services import inquiry_open
from contactcenter.operations.models import NO_QUEUE
from contactcenter.operations.selectors import queue_figures_for_days, self_served_for_days
from contactcenter.operations.service_level import percent
from contactcenter.operations.services import interval_facts_fold
from contactcenter.routing.models import Queue
from contactcenter.routing.services import (
    work_item_accept,
    work_item_complete,
    work_item_enqueue,
    work_item_offer_next,
    work_items_cancel_for_inquiry,
)
from tests.factories import interval_facts_create

EASTERN = ZoneInfo("America/New_York")


def facts_row(queue_id, start, **counts):
    return interval_facts_create(
        interval_start=start, queue_id=queue_id, channel="phone", language="en", **counts
    )


def eastern(*args):
    return dt.datetime(*args, tzinfo=EASTERN)


@pytest.fixture
def general(queues):
    return Queue.objects.get(code="t1-general-en")


def by_code(figures):
    return {figure.code: figure for figure in figures}


def test_figures_sum_the_days_asked_for_by_each_queue_s_formula(general):
    spanish = Queue.objects.get(code="t1-general-es")
    spanish.service_level_formula = "removed_within"
    spanish.service_level_seconds = 60
    spanish.save()
    # The golden counts, split over two intervals of 3 November and both queues.
    for queue in (general, spanish):
        facts_row(queue.pk, eastern(2026, 11, 3, 0, 0), queued=40, answered=30,
                  answered_within=25, abandoned=10, abandoned_within=4, abandoned_short=1,
                  wait_answered_ms=300_000, handled=30, talk_ms=5_400_000)  # fmt: skip
        facts_row(queue.pk, eastern(2026, 11, 3, 23, 45), queued=60, answered=50,
                  answered_within=45, abandoned=10, abandoned_within=4, abandoned_short=2,
                  wait_answered_ms=500_000, handled=50, talk_ms=9_000_000,
                  after_contact_ms=2_000_000, transferred=3)  # fmt: skip
        # Outside the range: the day before and the day after, in Eastern time.
        facts_row(queue.pk, eastern(2026, 11, 2, 23, 45), queued=999, answered=999)
        facts_row(queue.pk, eastern(2026, 11, 4, 0, 0), queued=999, abandoned=999)
    facts_row(NO_QUEUE, eastern(2026, 11, 3, 9, 0), self_served=7)

    figures = by_code(queue_figures_for_days(first=dt.date(2026, 11, 3), last=dt.date(2026, 11, 3)))

    english = figures["t1-general-en"]
    assert (english.counts.queued, english.counts.answered, english.counts.abandoned) == (
        100, 80, 20,
    )  # fmt: skip
    assert percent(english.service_level) == Decimal("70.00")  # abandons penalised, 20 s
    assert percent(english.abandonment_rate) == Decimal("20.00")
    assert english.average_speed_of_answer == Decimal("10.000")
    assert english.average_handle_time == Decimal("205.000")  # (14 400 + 2 000) s / 80
    assert english.transferred == 3
    assert percent(figures["t1-general-es"].service_level) == Decimal("78.00")
    assert figures["t1-general-es"].threshold_seconds == 60
    # A queue with nothing counted is listed, with no figures rather than wrong ones.
    quiet = figures["supervisor"]
    assert quiet.counts.queued == 0
    assert quiet.service_level is None and quiet.average_speed_of_answer is None
    assert list(figures)[:2] == ["t1-general-en", "t1-general-es"]  # busiest first
    assert self_served_for_days(first=dt.date(2026, 11, 3), last=dt.date(2026, 11, 3)) == {
        "phone": 7
    }


def test_the_day_clocks_go_back_has_twenty_five_hours(general):
    facts_row(general.pk, dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC), queued=1)  # 0:00 EDT
    facts_row(general.pk, dt.datetime(2026, 11, 2, 4, 45, tzinfo=dt.UTC), queued=1)  # 23:45 EST
    facts_row(general.pk, dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC), queued=1)  # the 2nd
    figures = by_code(queue_figures_for_days(first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 1)))
    assert figures["t1-general-en"].counts.queued == 2


def test_one_query_for_any_range(general, django_assert_num_queries):
    with django_assert_num_queries(2):  # the sums, the queues
        queue_figures_for_days(first=dt.date(2025, 11, 1), last=dt.date(2026, 10, 31))


def test_a_range_that_ends_before_it_starts_is_refused(general):
    with pytest.raises(ValueError):
        queue_figures_for_days(first=dt.date(2026, 11, 2), last=dt.date(2026, 11, 1))


def test_real_services_to_facts_an_answered_and_an_abandoned_call(
    general, make_agent, always_open, settings
):
    """Routing's own services emit the events; the log keeps them; the fold counts them."""
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 60
    agent = make_agent()
    now = timezone.now()
    answered = inquiry_open(channel="phone")
    item = work_item_enqueue(
        inquiry=answered, kind="call", queue=general, enqueued_at=now - dt.timedelta(seconds=12)
    )
    assert work_item_offer_next(agent=agent, now=now) == item
    work_item_accept(agent=agent, item_id=item.pk, now=now)
    work_item_complete(agent=agent, item_id=item.pk)
    left = inquiry_open(channel="phone")
    work_item_enqueue(inquiry=left, kind="call", queue=general)
    work_items_cancel_for_inquiry(inquiry=left, abandoned=True)

    # Nothing is counted until the rows have settled.
    assert interval_facts_fold().events == 0
    result = interval_facts_fold(now=timezone.now() + dt.timedelta(seconds=61))
    assert result.events >= 8  # 2 started, 2 queued, offered, answered, wrapped up, abandoned

    today = timezone.localdate()
    figures = by_code(queue_figures_for_days(first=today - dt.timedelta(days=1), last=today))
    counts = figures["t1-general-en"].counts
    assert (counts.queued, counts.answered, counts.answered_within) == (2, 1, 1)
    assert (counts.abandoned, counts.abandoned_within, counts.abandoned_short) == (1, 1, 1)
    assert counts.wait_answered_ms == 12_000
    assert counts.handled == 1
    assert percent(figures["t1-general-en"].service_level) == Decimal("50.00")
    assert interval_facts_fold(now=timezone.now() + dt.timedelta(seconds=61)).events == 0
