"""The fold on hand-built event sequences, against figures worked by hand.

Queue t1-general-en has a 20-second threshold; short abandons are under 5 seconds; intervals
are 15 minutes of Eastern time. Events go through ``contact_event_emit`` and the log like any
service's; the ids in them are plain numbers, as the log keeps them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.core.domain_events import contact_event_emit
from contactcenter.core.periodic import periodic_jobs
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentStateFacts,
    ContactEventRecord,
    DailyFacts,
    FoldWatermark,
    IntervalFacts,
)
from contactcenter.operations.receivers import contact_event_store
from contactcenter.operations.services import FACT_COLUMNS, interval_facts_fold
from contactcenter.routing.models import PresenceChange, Queue

EASTERN = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _settled_at_once(settings):
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 0
    settings.OPERATIONS_INTERVAL_MINUTES = 15
    settings.OPERATIONS_SHORT_ABANDON_SECONDS = 5


@pytest.fixture
def queue(queues):
    return Queue.objects.get(code="t1-general-en")


def eastern(*args, fold=0):
    return dt.datetime(*args, tzinfo=EASTERN).replace(fold=fold)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def emit(kind, at, *, queue=None, item=None, inquiry=None, channel="phone", **detail):
    return contact_event_emit(
        kind, channel=channel, at=at, language="en", inquiry_id=inquiry,
        queue_id=queue.pk if queue is not None else None, work_item_id=item,
        detail={"work": "call", **detail} if queue is not None else detail,
    )  # fmt: skip


def facts(**key) -> dict[dt.datetime, dict[str, int]]:
    """The facts rows matching ``key``, by interval start (UTC), without the zero columns."""
    found = {}
    for row in IntervalFacts.objects.filter(**key).order_by("interval_start"):
        values = {name: getattr(row, name) for name in FACT_COLUMNS if getattr(row, name)}
        found[row.interval_start.astimezone(dt.UTC)] = values
    return found


def days(**key) -> dict[dt.date, dict[str, int]]:
    """The agency-day rows matching ``key``, by day, without the zero columns."""
    return {
        row.day: {name: getattr(row, name) for name in FACT_COLUMNS if getattr(row, name)}
        for row in DailyFacts.objects.filter(**key).order_by("day")
    }


def fold():
    return interval_facts_fold(now=timezone.now())


def test_contacts_across_an_interval_boundary(queue):
    # Call 1: queued 10:14:50, answered 10:15:05 after 15 s (within T), talked until 10:25:05,
    # after-contact work until 10:31:05 (handle time counts where the wrap-up ends).
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 14, 50), queue=queue, item=1, inquiry=101)
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 15, 5), queue=queue, item=1, inquiry=101,
         waited_seconds=15.0, how="accepted")  # fmt: skip
    emit(Kind.ENDED, eastern(2026, 11, 4, 10, 25, 5), inquiry=101, answered=True)
    emit(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 31, 5), queue=queue, item=1, inquiry=101)
    # Call 2: queued 10:14:00, hung up 10:14:30 after 30 s (late abandon).
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 14), queue=queue, item=2, inquiry=102)
    emit(Kind.ABANDONED, eastern(2026, 11, 4, 10, 14, 30), queue=queue, item=2, inquiry=102,
         waited_seconds=30.0)  # fmt: skip
    # Call 3: queued 10:20:00, hung up after 3 s (a short abandon, within T).
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 20), queue=queue, item=3, inquiry=103)
    emit(Kind.ABANDONED, eastern(2026, 11, 4, 10, 20, 3), queue=queue, item=3, inquiry=103,
         waited_seconds=3.0)  # fmt: skip
    # Call 4: queued 10:21:00, answered after 60 s (late), exactly T counts as within below.
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 21), queue=queue, item=4, inquiry=104)
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 22), queue=queue, item=4, inquiry=104,
         waited_seconds=60.0)  # fmt: skip
    # Call 5: answered at exactly T.
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 22, 30), queue=queue, item=5, inquiry=105,
         waited_seconds=20.0)  # fmt: skip

    result = fold()

    assert result.events == 11
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 4, 15, 0): {"queued": 2, "abandoned": 1, "wait_abandoned_ms": 30_000},
        utc(2026, 11, 4, 15, 15): {
            "queued": 2, "answered": 3, "answered_within": 2, "wait_answered_ms": 95_000,
            "abandoned": 1, "abandoned_within": 1, "abandoned_short": 1,
            "wait_abandoned_ms": 3_000,
        },
        utc(2026, 11, 4, 15, 30): {"handled": 1, "talk_ms": 600_000, "after_contact_ms": 360_000},
    }  # fmt: skip


def test_midnight_in_the_agency_zone_splits_the_days(queue):
    # 23:59:50 Eastern on 4 November is 04:59:50 UTC on the 5th: counted in the 4th's last
    # interval; the answer 20 s later is in the 5th's first.
    emit(Kind.QUEUED, eastern(2026, 11, 4, 23, 59, 50), queue=queue, item=1, inquiry=1)
    emit(Kind.ANSWERED, eastern(2026, 11, 5, 0, 0, 10), queue=queue, item=1, inquiry=1,
         waited_seconds=20.0)  # fmt: skip
    fold()
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 5, 4, 45): {"queued": 1},
        utc(2026, 11, 5, 5, 0): {"answered": 1, "answered_within": 1, "wait_answered_ms": 20_000},
    }
    # The agency's days, not UTC's: both steps fall on 5 November in UTC.
    assert days(queue_id=queue.pk) == {
        dt.date(2026, 11, 4): {"queued": 1},
        dt.date(2026, 11, 5): {"answered": 1, "answered_within": 1, "wait_answered_ms": 20_000},
    }


def test_the_hour_lived_twice_when_clocks_go_back(queue):
    emit(Kind.QUEUED, eastern(2026, 11, 1, 1, 40), queue=queue, item=1, inquiry=1)
    emit(Kind.QUEUED, eastern(2026, 11, 1, 1, 40, fold=1), queue=queue, item=2, inquiry=2)
    emit(Kind.QUEUED, eastern(2026, 11, 1, 1, 50, fold=1), queue=queue, item=3, inquiry=3)
    fold()
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 1, 5, 30): {"queued": 1},  # 1:30 EDT
        utc(2026, 11, 1, 6, 30): {"queued": 1},  # 1:30 EST, an hour later
        utc(2026, 11, 1, 6, 45): {"queued": 1},
    }
    assert days(queue_id=queue.pk) == {dt.date(2026, 11, 1): {"queued": 3}}


def test_a_federal_holiday_is_counted_like_any_day(queue):
    # Thanksgiving: live help is closed, but what happened is counted where it happened.
    emit(Kind.QUEUED, eastern(2026, 11, 26, 9, 7), queue=queue, item=1, inquiry=1)
    emit(Kind.ABANDONED, eastern(2026, 11, 26, 9, 8), queue=queue, item=1, inquiry=1,
         waited_seconds=60.0)  # fmt: skip
    fold()
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 26, 14, 0): {"queued": 1, "abandoned": 1, "wait_abandoned_ms": 60_000},
    }


def test_events_delivered_twice_and_folds_run_twice_count_once(queue):
    first = emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    contact_event_store(None, event=first)  # the same event again
    fold()
    contact_event_store(None, event=first)  # and again after it was counted
    assert fold().events == 0
    assert facts(queue_id=queue.pk) == {utc(2026, 11, 4, 15, 0): {"queued": 1}}
    assert days(queue_id=queue.pk) == {dt.date(2026, 11, 4): {"queued": 1}}


def test_a_late_event_is_added_to_its_own_past_interval(queue):
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    emit(Kind.QUEUED, eastern(2026, 11, 4, 11, 0), queue=queue, item=2, inquiry=2)
    fold()
    # Reported after the fold, about 10:05 the same morning.
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 5), queue=queue, item=3, inquiry=3)
    assert fold().events == 1
    assert fold().events == 0
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 4, 15, 0): {"queued": 2},
        utc(2026, 11, 4, 16, 0): {"queued": 1},
    }


def test_rows_not_yet_settled_wait_and_none_is_passed_over(queue, settings):
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 60
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=2, inquiry=2)
    now = timezone.now()
    _first, second = ContactEventRecord.objects.order_by("id")
    # The first row (a lower id) was stored just now; the second a while ago.
    ContactEventRecord.objects.filter(pk=second.pk).update(
        recorded_at=now - dt.timedelta(minutes=5)
    )
    assert interval_facts_fold(now=now).events == 0  # the second must wait behind the first
    assert interval_facts_fold(now=now + dt.timedelta(seconds=61)).events == 2
    assert FoldWatermark.objects.get(name="events").last_id == second.pk
    assert facts(queue_id=queue.pk) == {utc(2026, 11, 4, 15, 0): {"queued": 2}}


def test_a_callback_chosen_while_waiting_counts_in_the_queue_waited_in(queue):
    callbacks = Queue.objects.get(code="t2-callbacks-en")
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    emit(Kind.CALLBACK_SCHEDULED, eastern(2026, 11, 4, 10, 0, 15), inquiry=1, tier=1)
    # The callback's own work item keeps the caller's arrival time; it is not a second arrival.
    contact_event_emit(
        Kind.QUEUED, channel="phone", at=eastern(2026, 11, 4, 10, 0), inquiry_id=1,
        queue_id=callbacks.pk, work_item_id=2, language="en", detail={"work": "callback"},
    )  # fmt: skip
    # A second caller asks after 45 s; a third was answered first, then arranged one.
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 1), queue=queue, item=3, inquiry=3)
    emit(Kind.CALLBACK_SCHEDULED, eastern(2026, 11, 4, 10, 1, 45), inquiry=3, tier=1)
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 2), queue=queue, item=4, inquiry=4)
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 2, 5), queue=queue, item=4, inquiry=4,
         waited_seconds=5.0)  # fmt: skip
    emit(Kind.CALLBACK_SCHEDULED, eastern(2026, 11, 4, 10, 5), inquiry=4, tier=1)
    fold()
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 4, 15, 0): {
            "queued": 3, "callbacks_requested": 2, "callbacks_within": 1, "answered": 1,
            "answered_within": 1, "wait_answered_ms": 5_000,
        },
    }  # fmt: skip
    assert facts(queue_id=callbacks.pk) == {}


def test_transfers_self_service_and_starts(queue):
    emit(Kind.STARTED, eastern(2026, 11, 4, 10, 0), inquiry=1)
    emit(Kind.SELF_SERVED, eastern(2026, 11, 4, 10, 3), inquiry=1, by="ivr")
    emit(Kind.SELF_SERVED, eastern(2026, 11, 4, 10, 4), channel="virtual_assistant", by="assistant")
    emit(Kind.TRANSFERRED, eastern(2026, 11, 4, 10, 6), queue=queue, item=5, inquiry=5,
         mode="cold", to="queue", step="done")  # fmt: skip
    emit(Kind.TRANSFERRED, eastern(2026, 11, 4, 10, 7), queue=queue, item=6, inquiry=6,
         mode="warm", to="agent", step="requested")  # fmt: skip
    fold()
    assert facts(queue_id=queue.pk) == {utc(2026, 11, 4, 15, 0): {"transferred": 1}}
    assert facts(queue_id=NO_QUEUE, channel="phone") == {
        utc(2026, 11, 4, 15, 0): {"started": 1, "self_served": 1}
    }
    assert facts(queue_id=NO_QUEUE, channel="virtual_assistant") == {
        utc(2026, 11, 4, 15, 0): {"self_served": 1}
    }


def test_work_never_answered_and_callbacks_placed_are_not_handled_contacts(queue):
    # A secure message closed by someone else's reply: wrapped up, never answered.
    emit(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    fold()
    assert facts(queue_id=queue.pk) == {}


def test_the_threshold_is_the_queue_s_own(queue):
    queue.service_level_seconds = 60
    queue.save()
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1,
         waited_seconds=45.0)  # fmt: skip
    fold()
    assert facts(queue_id=queue.pk)[utc(2026, 11, 4, 15, 0)]["answered_within"] == 1


def test_agent_seconds_by_state(make_agent, settings):
    settings.OPERATIONS_INTERVAL_MINUTES = 15
    agent = make_agent()
    for presence, moment in [
        ("available", eastern(2026, 11, 4, 10, 10)),
        ("busy", eastern(2026, 11, 4, 10, 20)),
        ("wrap_up", eastern(2026, 11, 4, 10, 25)),
        ("offline", eastern(2026, 11, 4, 10, 40)),
    ]:
        change = PresenceChange.objects.create(agent=agent, presence=presence)
        PresenceChange.objects.filter(pk=change.pk).update(changed_at=moment)
    result = interval_facts_fold(now=eastern(2026, 11, 4, 12, 0))
    assert result.presence_changes == 4
    seconds = {
        (row.interval_start.astimezone(dt.UTC), row.presence): row.milliseconds / 1000
        for row in AgentStateFacts.objects.filter(agent_id=agent.pk)
    }
    assert seconds == {
        (utc(2026, 11, 4, 15, 0), "available"): 300,
        (utc(2026, 11, 4, 15, 15), "available"): 300,
        (utc(2026, 11, 4, 15, 15), "busy"): 300,
        (utc(2026, 11, 4, 15, 15), "wrap_up"): 300,
        (utc(2026, 11, 4, 15, 30), "wrap_up"): 600,
    }
    # Folding again adds nothing; an agent still signed in is counted up to the fold.
    change = PresenceChange.objects.create(agent=agent, presence="available")
    PresenceChange.objects.filter(pk=change.pk).update(changed_at=eastern(2026, 11, 4, 13, 0))
    interval_facts_fold(now=eastern(2026, 11, 4, 13, 20))
    interval_facts_fold(now=eastern(2026, 11, 4, 13, 20))
    later = AgentStateFacts.objects.filter(agent_id=agent.pk, presence="available").order_by(
        "interval_start"
    )
    assert [row.milliseconds // 1000 for row in later] == [300, 300, 900, 300]


def test_the_command_and_the_periodic_job(queue, capsys):
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    call_command("operations_fold")
    out = capsys.readouterr().out
    assert "Folded 1 events into 1 interval rows" in out
    assert facts(queue_id=queue.pk) == {utc(2026, 11, 4, 15, 0): {"queued": 1}}
    assert "operations.fold" in {job.name for job in periodic_jobs()}


def test_small_batches_count_the_same_as_one(queue):
    for minute in range(5):
        emit(Kind.QUEUED, eastern(2026, 11, 4, 10, minute * 4), queue=queue, item=minute,
             inquiry=minute)  # fmt: skip
    heard = []
    result = interval_facts_fold(
        now=timezone.now(), batch_size=2, progress=lambda so_far: heard.append(so_far.events)
    )
    assert result.events == 5
    assert heard[:3] == [2, 4, 5]
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 4, 15, 0): {"queued": 4},
        utc(2026, 11, 4, 15, 15): {"queued": 1},
    }


@pytest.mark.django_db
def test_the_command_refuses_an_empty_batch():
    with pytest.raises(CommandError, match="batch-size"):
        call_command("operations_fold", "--batch-size", "0")


def test_a_wrap_up_folded_batches_after_its_answer_counts_the_same(queue):
    # The answer and the end fall in one batch, the wrap-up in a later one: its handle time is
    # paired from the log as if all had been folded at once.
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 0), queue=queue, item=1, inquiry=1)
    emit(Kind.ANSWERED, eastern(2026, 11, 4, 10, 0, 12), queue=queue, item=1, inquiry=1,
         waited_seconds=12.0)  # fmt: skip
    emit(Kind.QUEUED, eastern(2026, 11, 4, 10, 1), queue=queue, item=2, inquiry=2)
    emit(Kind.ENDED, eastern(2026, 11, 4, 10, 5, 12), inquiry=1, answered=True)
    emit(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 6, 12), queue=queue, item=1, inquiry=1)
    assert interval_facts_fold(now=timezone.now(), batch_size=2).events == 5
    assert facts(queue_id=queue.pk) == {
        utc(2026, 11, 4, 15, 0): {
            "queued": 2, "answered": 1, "answered_within": 1, "wait_answered_ms": 12_000,
            "handled": 1, "talk_ms": 300_000, "after_contact_ms": 60_000,
        },
    }  # fmt: skip
    assert days(queue_id=queue.pk)[dt.date(2026, 11, 4)]["talk_ms"] == 300_000
