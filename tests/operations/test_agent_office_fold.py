"""The fold's facts per agent and per office, on hand-built event sequences, against figures
worked by hand. Intervals are 15 minutes of Eastern time (4 November 2026 is EST, UTC-5).
Agents 7 and 8 and offices 5, 6 and 9 are plain numbers, as the log keeps them."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.core.domain_events import contact_event_emit
from contactcenter.inquiries.services import inquiry_open
from contactcenter.operations.models import (
    AgentContactFacts,
    AgentDailyFacts,
    AgentStateFacts,
    IntervalFacts,
    OfficeFacts,
)
from contactcenter.operations.receivers import contact_event_store
from contactcenter.operations.services import AGENT_COLUMNS, OFFICE_COLUMNS, interval_facts_fold
from contactcenter.routing.models import PresenceChange, Queue
from contactcenter.routing.services import (
    work_item_accept,
    work_item_complete,
    work_item_enqueue,
    work_item_offer_next,
    work_item_transfer,
)

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
ALICE, BOB = 7, 8
NOV_4 = dt.date(2026, 11, 4)


@pytest.fixture(autouse=True)
def _settled_at_once(settings):
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 0
    settings.OPERATIONS_INTERVAL_MINUTES = 15
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def queue(queues):
    return Queue.objects.get(code="t1-general-en")


def eastern(*args):
    return dt.datetime(*args, tzinfo=EASTERN)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def call(kind, at, *, queue=None, item=None, inquiry, agent=None, **detail):
    return contact_event_emit(
        kind, channel="phone", at=at, language="en", inquiry_id=inquiry,
        queue_id=queue.pk if queue is not None else None, work_item_id=item, agent_id=agent,
        detail={"work": "call", **detail} if queue is not None else detail,
    )  # fmt: skip


def request(kind, at, *, record, inquiry, office, channel="service_request", **detail):
    return contact_event_emit(
        kind, channel=channel, at=at, language="en", inquiry_id=inquiry, record_id=record,
        detail={"office_id": office, **detail},
    )  # fmt: skip


def agent_facts() -> dict[tuple[int, dt.datetime], dict[str, int]]:
    found = {}
    for row in AgentContactFacts.objects.order_by("agent_id", "interval_start"):
        assert row.channel == "phone"
        key = (row.agent_id, row.interval_start.astimezone(dt.UTC))
        found[key] = {name: getattr(row, name) for name in AGENT_COLUMNS if getattr(row, name)}
    return found


def office_facts() -> dict[tuple[int, str, dt.date], dict[str, int]]:
    found = {}
    for row in OfficeFacts.objects.order_by("office_id", "channel", "day"):
        key = (row.office_id, row.channel, row.day)
        found[key] = {name: getattr(row, name) for name in OFFICE_COLUMNS if getattr(row, name)}
    return found


def fold():
    return interval_facts_fold(now=timezone.now())


def two_calls_and_a_transfer(queue):
    """Alice answers call 1 at 10:14:30 (the 10:00 interval) and wraps it up at 10:22 (the
    10:15 one): 6 minutes' talk to the hang-up at 10:20:30, 90 s after. She answers call 2 at
    10:28 and sends it cold to Bob at 10:33; Bob accepts at 10:33:20, talks 7 minutes, wraps
    up at 10:41. At 10:50 a supervisor gives call 3's item to Bob (no step: not his transfer).
    """
    events = [
        call(Kind.QUEUED, eastern(2026, 11, 4, 10, 13), queue=queue, item=11, inquiry=201),
        call(Kind.ANSWERED, eastern(2026, 11, 4, 10, 14, 30), queue=queue, item=11,
             inquiry=201, agent=ALICE, waited_seconds=90.0),
        call(Kind.ENDED, eastern(2026, 11, 4, 10, 20, 30), inquiry=201, answered=True),
        call(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 22), queue=queue, item=11, inquiry=201,
             agent=ALICE),
        call(Kind.QUEUED, eastern(2026, 11, 4, 10, 27, 55), queue=queue, item=12, inquiry=202),
        call(Kind.ANSWERED, eastern(2026, 11, 4, 10, 28), queue=queue, item=12, inquiry=202,
             agent=ALICE, waited_seconds=5.0),
        call(Kind.TRANSFERRED, eastern(2026, 11, 4, 10, 33), queue=queue, item=12,
             inquiry=202, agent=ALICE, mode="cold", to="agent", step="done"),
        call(Kind.ANSWERED, eastern(2026, 11, 4, 10, 33, 20), queue=queue, item=13,
             inquiry=202, agent=BOB, waited_seconds=325.0),
        call(Kind.ENDED, eastern(2026, 11, 4, 10, 40, 20), inquiry=202, answered=True),
        call(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 41), queue=queue, item=13, inquiry=202,
             agent=BOB),
        call(Kind.TRANSFERRED, eastern(2026, 11, 4, 10, 50), queue=queue, item=14,
             inquiry=203, agent=BOB, from_user_id=1, to_user_id=2),
    ]  # fmt: skip
    return events


EXPECTED_AGENTS = {
    (ALICE, utc(2026, 11, 4, 15, 0)): {"answered": 1},
    (ALICE, utc(2026, 11, 4, 15, 15)): {
        "answered": 1, "handled": 1, "talk_ms": 360_000, "after_contact_ms": 90_000,
    },
    (ALICE, utc(2026, 11, 4, 15, 30)): {"transferred_out": 1},
    (BOB, utc(2026, 11, 4, 15, 30)): {
        "answered": 1, "handled": 1, "talk_ms": 420_000, "after_contact_ms": 40_000,
    },
}  # fmt: skip


def test_two_calls_across_an_interval_boundary_and_a_transfer_between_agents(queue):
    two_calls_and_a_transfer(queue)
    result = fold()
    assert result.events == 11
    assert result.agent_rows == 4
    assert agent_facts() == EXPECTED_AGENTS
    # The agents' handled and handle time add up to the queue's.
    queue_rows = IntervalFacts.objects.filter(queue_id=queue.pk)
    assert sum(row.handled for row in queue_rows) == 2
    assert sum(row.talk_ms for row in queue_rows) == 780_000
    assert sum(row.transferred for row in queue_rows) == 2  # the reassignment counts there
    assert set(AgentContactFacts.objects.values_list("queue_id", flat=True)) == {queue.pk}


def test_each_agent_s_day_sums_their_intervals(queue):
    two_calls_and_a_transfer(queue)
    fold()
    days = {
        row.agent_id: (row.day, row.answered, row.handled, row.talk_ms, row.after_contact_ms,
                       row.transferred_out)
        for row in AgentDailyFacts.objects.all()
    }  # fmt: skip
    assert days == {
        ALICE: (NOV_4, 2, 1, 360_000, 90_000, 1),
        BOB: (NOV_4, 1, 1, 420_000, 40_000, 0),
    }


def test_time_by_state_is_summed_into_the_agent_s_day(make_agent):
    agent = make_agent()
    for presence, moment in [
        ("available", eastern(2026, 11, 4, 10, 10)),
        ("busy", eastern(2026, 11, 4, 10, 20)),
        ("wrap_up", eastern(2026, 11, 4, 10, 25)),
        ("offline", eastern(2026, 11, 4, 10, 40)),
        ("available", eastern(2026, 11, 4, 13, 0)),
    ]:
        change = PresenceChange.objects.create(agent=agent, presence=presence)
        PresenceChange.objects.filter(pk=change.pk).update(changed_at=moment)
    interval_facts_fold(now=eastern(2026, 11, 4, 13, 20))
    interval_facts_fold(now=eastern(2026, 11, 4, 13, 20))  # nothing twice
    [day] = AgentDailyFacts.objects.filter(agent_id=agent.pk)
    # Available 10:10-10:20 and 13:00-13:20 (still signed in at the fold), busy 10:20-10:25,
    # wrap-up 10:25-10:40; signed out in between counts for nothing.
    assert (day.day, day.available_ms, day.busy_ms, day.wrap_up_ms, day.away_ms) == (
        NOV_4, 1_800_000, 300_000, 900_000, 0,
    )  # fmt: skip
    assert day.handled == 0


def test_agent_events_delivered_twice_and_folds_run_twice_change_nothing(queue):
    events = two_calls_and_a_transfer(queue)
    for event in events:
        contact_event_store(None, event=event)  # every event a second time
    fold()
    for event in events:
        contact_event_store(None, event=event)  # and a third, after it was counted
    assert fold().events == 0
    assert agent_facts() == EXPECTED_AGENTS


def test_agent_facts_in_small_batches_match_one_batch(queue):
    two_calls_and_a_transfer(queue)
    interval_facts_fold(now=timezone.now(), batch_size=2)
    assert agent_facts() == EXPECTED_AGENTS


def test_a_late_wrap_up_goes_to_its_own_interval(queue):
    call(Kind.ANSWERED, eastern(2026, 11, 4, 9, 0), queue=queue, item=1, inquiry=1,
         agent=ALICE, waited_seconds=1.0)  # fmt: skip
    fold()
    # Reported after the fold, about 9:05 that morning, with no end (talk to the wrap-up).
    call(Kind.WRAPPED_UP, eastern(2026, 11, 4, 9, 5), queue=queue, item=1, inquiry=1,
         agent=ALICE)  # fmt: skip
    fold()
    assert agent_facts() == {
        (ALICE, utc(2026, 11, 4, 14, 0)): {"answered": 1, "handled": 1, "talk_ms": 300_000},
    }


def test_after_a_supervisor_s_reassignment_the_new_agent_s_time_starts_with_it(queue):
    # Alice answers at 10:00; at 10:04 a supervisor gives the call to Bob; it ends at 10:06
    # and Bob wraps up at 10:07. The queue counts 6 minutes' talk, Bob 2 of them.
    call(Kind.ANSWERED, eastern(2026, 11, 4, 10, 0), queue=queue, item=21, inquiry=221,
         agent=ALICE, waited_seconds=4.0)  # fmt: skip
    call(Kind.TRANSFERRED, eastern(2026, 11, 4, 10, 4), queue=queue, item=21, inquiry=221,
         agent=BOB, from_user_id=1, to_user_id=2)  # fmt: skip
    call(Kind.ENDED, eastern(2026, 11, 4, 10, 6), inquiry=221, answered=True)
    call(Kind.WRAPPED_UP, eastern(2026, 11, 4, 10, 7), queue=queue, item=21, inquiry=221,
         agent=BOB)  # fmt: skip
    fold()
    assert agent_facts() == {
        (ALICE, utc(2026, 11, 4, 15, 0)): {"answered": 1},
        (BOB, utc(2026, 11, 4, 15, 0)): {
            "handled": 1, "talk_ms": 120_000, "after_contact_ms": 60_000,
        },
    }  # fmt: skip
    [row] = IntervalFacts.objects.filter(queue_id=queue.pk)
    assert (row.handled, row.talk_ms, row.after_contact_ms, row.transferred) == (
        1, 360_000, 60_000, 1,
    )  # fmt: skip


def office_work():
    """Request 301 (inquiry 401) received at office 5 at 9:00, opened, sent to office 6 at
    11:00 and resolved there at 14:30: 5 h 30 min after receipt. Request 302 is referred on
    receipt to office 9 abroad. Appointment request 501 is received at office 5 at 9:10 and
    settled at 11:10. Request 303 is resolved at office 6, its receipt no longer in the log."""
    return [
        request(Kind.STARTED, eastern(2026, 11, 4, 9, 0), record=301, inquiry=401, office=5,
                type_id=1),
        request(Kind.QUEUED, eastern(2026, 11, 4, 9, 0), record=301, inquiry=401, office=5),
        request(Kind.ANSWERED, eastern(2026, 11, 4, 10, 0), record=301, inquiry=401, office=5,
                waited_seconds=3600.0),
        request(Kind.TRANSFERRED, eastern(2026, 11, 4, 11, 0), record=301, inquiry=401,
                office=6, from_office_id=5),
        request(Kind.RESOLVED, eastern(2026, 11, 4, 14, 30), record=301, inquiry=401,
                office=6, outcome="done"),
        request(Kind.STARTED, eastern(2026, 11, 4, 9, 20), record=302, inquiry=402, office=9),
        request(Kind.TRANSFERRED, eastern(2026, 11, 4, 9, 20), record=302, inquiry=402,
                office=9, to="abroad"),
        request(Kind.RESOLVED, eastern(2026, 11, 4, 9, 20), record=302, inquiry=402, office=9,
                outcome="referred"),
        request(Kind.STARTED, eastern(2026, 11, 4, 9, 10), record=501, inquiry=403, office=5,
                channel="appointment"),
        request(Kind.RESOLVED, eastern(2026, 11, 4, 11, 10), record=501, inquiry=403, office=5,
                channel="appointment", outcome="booked"),
        request(Kind.RESOLVED, eastern(2026, 11, 4, 15, 0), record=303, inquiry=404, office=6,
                outcome="done"),
    ]  # fmt: skip


EXPECTED_OFFICES = {
    (5, "appointment", NOV_4): {
        "received": 1, "resolved": 1, "resolved_timed": 1, "resolve_ms": 7_200_000,
    },
    (5, "service_request", NOV_4): {"received": 1, "transferred_out": 1},
    # Request 301 after its 5 h 30 min, and 303 whose receipt is no longer in the log.
    (6, "service_request", NOV_4): {
        "transferred_in": 1, "resolved": 2, "resolved_timed": 1, "resolve_ms": 19_800_000,
    },
    (9, "service_request", NOV_4): {"received": 1, "resolved": 1, "resolved_timed": 1},
}  # fmt: skip


def test_office_work_received_transferred_and_resolved():
    office_work()
    result = fold()
    assert result.office_rows == len(EXPECTED_OFFICES)
    assert office_facts() == EXPECTED_OFFICES


def test_office_events_delivered_twice_change_nothing():
    events = office_work()
    for event in events:
        contact_event_store(None, event=event)
    fold()
    for event in events:
        contact_event_store(None, event=event)
    assert fold().events == 0
    assert office_facts() == EXPECTED_OFFICES


def test_the_resolution_in_a_later_batch_still_finds_its_receipt():
    request(Kind.STARTED, eastern(2026, 11, 4, 9, 0), record=301, inquiry=401, office=5)
    fold()
    request(Kind.RESOLVED, eastern(2026, 11, 5, 9, 0), record=301, inquiry=401, office=5)
    fold()
    assert office_facts()[(5, "service_request", dt.date(2026, 11, 5))] == {
        "resolved": 1, "resolved_timed": 1, "resolve_ms": 86_400_000,
    }  # fmt: skip


def test_office_events_without_an_office_are_not_counted():
    contact_event_emit(Kind.STARTED, channel="service_request", at=eastern(2026, 11, 4, 9, 0),
                       inquiry_id=1, record_id=1, detail={"type_id": 3})  # fmt: skip
    fold()
    assert office_facts() == {}


def test_an_answer_a_cold_transfer_and_a_wrap_up_through_routing(queue, make_agent, at):
    """The events routing's services emit name the agents the fold needs: Alice takes a call
    and sends it cold to Bob, who takes it and finishes it."""
    alice, bob = make_agent(), make_agent()
    item = work_item_enqueue(inquiry=inquiry_open(channel="phone", language="en"), kind="call",
                             queue=queue, channel="phone")  # fmt: skip
    now = at(2026, 11, 23, 10, 0)
    work_item_offer_next(agent=alice, now=now)
    work_item_accept(agent=alice, item_id=item.pk, now=now + dt.timedelta(seconds=5))
    handed = work_item_transfer(agent=alice, item_id=item.pk, mode="cold", to_agent=bob,
                                now=now + dt.timedelta(minutes=3))  # fmt: skip
    work_item_accept(agent=bob, item_id=handed.pk, now=now + dt.timedelta(minutes=3, seconds=4))
    work_item_complete(agent=bob, item_id=handed.pk)
    interval_facts_fold(now=timezone.now() + dt.timedelta(seconds=1))

    def summed(agent) -> dict[str, int]:
        rows = AgentContactFacts.objects.filter(agent_id=agent.pk)
        return {name: sum(getattr(row, name) for row in rows)
                for name in ("answered", "handled", "transferred_out")}  # fmt: skip

    assert summed(alice) == {"answered": 1, "handled": 0, "transferred_out": 1}
    assert summed(bob) == {"answered": 1, "handled": 1, "transferred_out": 0}


def test_the_fold_s_queries_do_not_grow_with_the_events(queue):
    """The agent and office facts are added in memory and written with one upsert statement
    each per batch: three times the events, the same number of queries."""

    def busy_hour(first_inquiry: int, calls: int) -> None:
        for number in range(first_inquiry, first_inquiry + calls):
            minute = number % 50
            call(Kind.ANSWERED, eastern(2026, 11, 4, 9, minute), queue=queue, item=number,
                 inquiry=number, agent=ALICE + number % 3, waited_seconds=3.0)  # fmt: skip
            call(Kind.WRAPPED_UP, eastern(2026, 11, 4, 9, minute, 40), queue=queue,
                 item=number, inquiry=number, agent=ALICE + number % 3)  # fmt: skip
            request(Kind.STARTED, eastern(2026, 11, 4, 9, minute), record=number,
                    inquiry=number, office=5 + number % 2)  # fmt: skip
            request(Kind.RESOLVED, eastern(2026, 11, 4, 9, minute, 50), record=number,
                    inquiry=number, office=5 + number % 2)  # fmt: skip

    fold()  # the watermarks' rows are made once, on the first fold
    counts = []
    for first, calls in ((1, 10), (1000, 30)):
        busy_hour(first, calls)
        with CaptureQueriesContext(connection) as queries:
            assert fold().events == calls * 4
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sum(row.handled for row in AgentContactFacts.objects.all()) == 40
    assert sum(row.resolved_timed for row in OfficeFacts.objects.all()) == 40


def test_the_migration_sums_time_by_state_already_folded_into_agents_days():
    module = importlib.import_module("contactcenter.operations.migrations.0004_agent_office_facts")
    for start, presence, milliseconds in (
        (eastern(2026, 11, 4, 9, 0), "available", 600_000),
        (eastern(2026, 11, 4, 23, 45), "busy", 900_000),  # 04:45 UTC on the 5th: still the 4th
        (eastern(2026, 11, 5, 0, 0), "busy", 300_000),
        (eastern(2026, 11, 4, 9, 15), "offline", 900_000),  # never counted, but not a day's
    ):
        AgentStateFacts.objects.create(
            interval_start=start, agent_id=ALICE, presence=presence, milliseconds=milliseconds
        )
    module.agent_days_from_states(django_apps, None)
    days = {
        row.day: (row.available_ms, row.busy_ms)
        for row in AgentDailyFacts.objects.filter(agent_id=ALICE)
    }
    assert days == {NOV_4: (600_000, 900_000), dt.date(2026, 11, 5): (0, 300_000)}
