"""The wallboard's figures: folded facts plus the log rows still settling, counted once.

Queue t1-general-en: 20-second threshold, abandons penalised, target 80 %. Events go through
``contact_event_emit`` and the log, as any service's do.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.core.domain_events import contact_event_emit
from contactcenter.operations.models import FoldWatermark, IntervalFacts
from contactcenter.operations.services import interval_facts_fold
from contactcenter.operations.wallboard import clock, wallboard_today
from contactcenter.routing.models import Presence, PresenceChange, Queue

EASTERN = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 4, 10, 40, tzinfo=EASTERN)


@pytest.fixture(autouse=True)
def _intervals(settings):
    settings.OPERATIONS_INTERVAL_MINUTES = 15
    settings.OPERATIONS_SHORT_ABANDON_SECONDS = 5


@pytest.fixture
def queue(queues):
    return Queue.objects.get(code="t1-general-en")


def at(hour, minute, second=0):
    return dt.datetime(2026, 11, 4, hour, minute, second, tzinfo=EASTERN)


def emit(kind, when, *, queue=None, item=None, inquiry=None, channel="phone", **detail):
    return contact_event_emit(
        kind, channel=channel, at=when, language="en", inquiry_id=inquiry,
        queue_id=queue.pk if queue is not None else None, work_item_id=item,
        detail={"work": "call", **detail} if queue is not None else detail,
    )  # fmt: skip


def row(board, code):
    return next(queue for queue in board.queues if queue.code == code)


def fold_everything(settings):
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 0
    return interval_facts_fold(now=timezone.now())


def test_an_answer_and_an_abandon_show_before_the_fold_and_once_after_it(queue, settings):
    emit(Kind.QUEUED, at(10, 30), queue=queue, item=1, inquiry=1)
    emit(Kind.ANSWERED, at(10, 30, 10), queue=queue, item=1, inquiry=1, waited_seconds=10)
    emit(Kind.QUEUED, at(10, 31), queue=queue, item=2, inquiry=2)
    emit(Kind.ABANDONED, at(10, 31, 45), queue=queue, item=2, inquiry=2, waited_seconds=45)
    # Nothing folded yet: the rows are still settling.
    assert not IntervalFacts.objects.exists()

    def figures():
        general = row(wallboard_today(now=NOW), "t1-general-en")
        return (
            general.counts.queued, general.counts.answered, general.counts.abandoned,
            general.service_level_percent, general.abandonment_percent, general.asa_clock,
            general.below_target,
        )  # fmt: skip

    live = figures()
    # 1 of 2 answered within 20 s (the abandon counts against it): 50 %, below the 80 % target.
    assert live == (2, 1, 1, Decimal(50), Decimal(50), "0:10", True)

    result = fold_everything(settings)
    assert result.events == 4
    assert FoldWatermark.objects.get(name="events").last_id > 0
    assert IntervalFacts.objects.exists()
    assert figures() == live  # folded now, and not counted twice

    # A later answer, not yet folded, is added to what was folded.
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 60
    emit(Kind.QUEUED, at(10, 35), queue=queue, item=3, inquiry=3)
    emit(Kind.ANSWERED, at(10, 35, 5), queue=queue, item=3, inquiry=3, waited_seconds=5)
    general = row(wallboard_today(now=NOW), "t1-general-en")
    assert (general.counts.queued, general.counts.answered) == (3, 2)
    assert general.service_level_percent == Decimal(67)  # 2 of 3
    assert general.asa_clock == "0:08"  # (10 + 5) / 2 = 7.5 s, rounded half to even


def test_only_the_agency_s_today_is_counted(queue, settings):
    # 23:50 the evening before, in Eastern time (already the 4th in UTC): yesterday.
    emit(Kind.QUEUED, dt.datetime(2026, 11, 3, 23, 50, tzinfo=EASTERN), queue=queue, item=1)
    emit(Kind.QUEUED, at(0, 5), queue=queue, item=2)
    assert row(wallboard_today(now=NOW), "t1-general-en").counts.queued == 1
    fold_everything(settings)
    assert row(wallboard_today(now=NOW), "t1-general-en").counts.queued == 1


def test_handle_time_of_a_wrap_up_still_settling(queue):
    emit(Kind.QUEUED, at(10, 0), queue=queue, item=7, inquiry=7)
    emit(Kind.ANSWERED, at(10, 0, 30), queue=queue, item=7, inquiry=7, waited_seconds=30)
    emit(Kind.ENDED, at(10, 4, 30), inquiry=7)
    emit(Kind.WRAPPED_UP, at(10, 5, 30), queue=queue, item=7, inquiry=7)
    general = row(wallboard_today(now=NOW), "t1-general-en")
    assert general.counts.handled == 1
    assert general.aht_clock == "5:00"  # 4 minutes' talk and 1 of after-contact work
    assert general.service_level_percent == Decimal(0)  # answered after 30 s of a 20 s goal


def test_service_level_by_interval_and_the_queue_s_own_rule(queue, settings):
    spanish = Queue.objects.get(code="t1-general-es")
    spanish.service_level_formula = "abandons_excluded"
    spanish.service_level_target_percent = 50
    spanish.save()
    emit(Kind.ANSWERED, at(9, 50), queue=queue, item=1, waited_seconds=5)
    emit(Kind.ANSWERED, at(10, 20), queue=queue, item=2, waited_seconds=50)
    emit(Kind.ANSWERED, at(10, 21), queue=spanish, item=3, waited_seconds=5)
    emit(Kind.ABANDONED, at(10, 22), queue=spanish, item=4, waited_seconds=50)
    board = wallboard_today(now=NOW)
    # 9:45 (1 of 1), 10:00 (nothing: a gap), 10:15 (1 of 3: the Spanish abandon is excluded).
    assert [(p.start.strftime("%H:%M"), p.met, p.counted) for p in board.intervals] == [
        ("09:45", 1, 1), ("10:00", 0, 0), ("10:15", 1, 2), ("10:30", 0, 0),
    ]  # fmt: skip
    es = row(board, "t1-general-es")
    assert (es.service_level_percent, es.target_percent, es.below_target) == (100, 50, False)
    assert [q.code for q in board.below_target] == ["t1-general-en"]
    _first, x, top, height = board.chart_points[0]
    assert (x, top, height) == (0, 0, 100)  # a full bar from the top of the drawing


def test_waiting_now_and_agents_by_state(queue, make_agent):
    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.services import work_item_enqueue

    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550100")
    work_item_enqueue(inquiry=inquiry, kind="call", queue=queue)
    make_agent(presence=Presence.AVAILABLE)
    make_agent(presence=Presence.BUSY)
    make_agent(presence=Presence.WRAP_UP)
    make_agent(presence=Presence.AWAY)
    make_agent(presence=Presence.OFFLINE)
    make_agent(presence=Presence.AVAILABLE, languages=("es",))  # cannot take English work
    make_agent(presence=Presence.AVAILABLE, capacity={"phone": 0})  # takes no channel of it
    board = wallboard_today(now=timezone.now() + dt.timedelta(seconds=75))
    general = row(board, "t1-general-en")
    assert general.waiting == 1
    assert general.oldest_wait_clock in ("1:15", "1:16")
    assert (general.agents.available, general.agents.on_contact, general.agents.after_contact,
            general.agents.away) == (1, 1, 1, 1)  # fmt: skip
    spanish = row(board, "t1-general-es")
    assert (spanish.waiting, spanish.oldest_wait_seconds, spanish.agents.available) == (0, None, 1)


def test_occupancy_from_folded_and_unfolded_presence(make_agent, settings):
    agent = make_agent()
    for presence, moment in [("available", at(10, 0)), ("busy", at(10, 10))]:
        change = PresenceChange.objects.create(agent=agent, presence=presence)
        PresenceChange.objects.filter(pk=change.pk).update(changed_at=moment)
    # 10 minutes available, then busy until 10:40: 30 of 40 minutes on contact.
    assert wallboard_today(now=NOW).occupancy_percent == Decimal(75)
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 0
    interval_facts_fold(now=at(10, 20))  # folds both changes and the state up to 10:20
    assert wallboard_today(now=NOW).occupancy_percent == Decimal(75)


def test_self_service_overall_and_by_channel(queue):
    for _ in range(3):
        emit(Kind.SELF_SERVED, at(9, 0), channel="virtual_assistant")
    emit(Kind.SELF_SERVED, at(9, 0), channel="phone")
    emit(Kind.QUEUED, at(9, 1), queue=queue, item=1, channel="phone")
    emit(Kind.QUEUED, at(9, 1), queue=queue, item=2, channel="chat")
    board = wallboard_today(now=NOW)
    assert board.self_service_percent == Decimal(67)  # 4 of 6
    shares = {share.channel: (share.self_served, share.queued, share.percent)
              for share in board.self_service}  # fmt: skip
    assert shares == {
        "virtual_assistant": (3, 0, 100), "phone": (1, 1, 50), "chat": (0, 1, 0),
    }  # fmt: skip


def test_nothing_yet_is_no_figure_and_no_alert(queues):
    board = wallboard_today(now=NOW)
    assert board.intervals == [] and board.occupancy is None and board.self_service_percent is None
    assert all(q.service_level is None and not q.below_target for q in board.queues)


def test_clock():
    assert [clock(None), clock(0), clock(Decimal("7.5")), clock(65), clock(3725)] == [
        "—", "0:00", "0:08", "1:05", "1:02:05",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_read_outside_a_transaction_in_one_snapshot(settings):
    """Outside any transaction (as a request is), PostgreSQL reads in one repeatable-read
    snapshot; the figures are the same as inside one."""
    from contactcenter.routing.reference_data import queues_load

    queues_load()
    queue = Queue.objects.get(code="t1-general-en")
    emit(Kind.ANSWERED, at(10, 0), queue=queue, item=1, waited_seconds=3)
    fold_everything(settings)
    emit(Kind.ABANDONED, at(10, 1), queue=queue, item=2, waited_seconds=30)
    general = row(wallboard_today(now=NOW), "t1-general-en")
    assert (general.counts.answered, general.counts.abandoned) == (1, 1)
    assert general.service_level_percent == Decimal(50)
