"""The demo's four weeks of operations counts: business days only, inside live-help hours,
counts that add up, the same for the same seed, and a report that reads them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from contactcenter.operations.intervals import interval_minutes
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentContactFacts,
    AgentDailyFacts,
    AgentStateFacts,
    DailyFacts,
    IntervalFacts,
    OfficeFacts,
)
from contactcenter.operations.reports import ReportSpec, report_rows
from contactcenter.operations.wallboard import wallboard_today
from contactcenter.routing.reference_data import queues_load
from contactcenter.setup.demo.operations import (
    agent_office_history_write,
    operations_history_write,
)
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)  # a Monday; the four weeks before take in Veterans Day


@pytest.fixture
def queues_ready(settings):
    settings.TIME_ZONE = "America/New_York"
    queues_load()


def test_counts_fall_on_business_days_in_live_hours_and_add_up(queues_ready):
    written = operations_history_write(today=TODAY, seed=7)
    assert written == IntervalFacts.objects.count() > 1000
    zone = ZoneInfo("America/New_York")
    days = set()
    for row in IntervalFacts.objects.exclude(queue_id=NO_QUEUE):
        local = row.interval_start.astimezone(zone)
        days.add(local.date())
        assert 8 <= local.hour < 20
        assert row.answered_within <= row.answered and row.abandoned_short <= row.abandoned_within
        assert row.abandoned_within <= row.abandoned
        assert row.answered + row.abandoned == row.queued
    # TODAY is in the past when the tests run, so the whole of it is counted too.
    assert max(days) == TODAY and min(days) >= TODAY - dt.timedelta(days=28)
    assert all(day.weekday() < 5 for day in days)
    assert dt.date(2026, 11, 11) not in days  # Veterans Day
    assert dt.date(2026, 11, 26) not in days  # Thanksgiving


def test_today_is_counted_up_to_the_moment_of_seeding_and_no_further(queues_ready):
    zone = ZoneInfo("America/New_York")
    morning = dt.datetime.combine(TODAY, dt.time(11, 7), tzinfo=zone)
    operations_history_write(today=TODAY, seed=7, now=morning)
    today = [
        (row.interval_start.astimezone(zone), row.queue_id, row.channel, row.queued)
        for row in IntervalFacts.objects.all()
        if row.interval_start.astimezone(zone).date() == TODAY
    ]
    length = dt.timedelta(minutes=interval_minutes())
    assert today and sum(queued for _s, queue, _c, queued in today if queue != NO_QUEUE) > 50
    assert all(
        start + (dt.timedelta(hours=1) if queue == NO_QUEUE else length) <= morning
        for start, queue, _channel, _queued in today
    )
    assert dt.time(8) <= min(start.time() for start, queue, _c, _q in today if queue != NO_QUEUE)
    # Seeding the same day later adds the intervals since, with the counts of a full day's draw.
    IntervalFacts.objects.all().delete()
    DailyFacts.objects.all().delete()
    operations_history_write(today=TODAY, seed=7, now=morning + dt.timedelta(hours=6))
    later = {
        (row.interval_start.astimezone(zone), row.queue_id, row.channel): row.queued
        for row in IntervalFacts.objects.all()
    }
    assert all(later[(start, queue, channel)] == queued for start, queue, channel, queued in today)
    assert len([key for key in later if key[0].date() == TODAY]) > len(today)


def test_the_same_seed_gives_the_same_counts_and_a_report_reads_them(queues_ready):
    operations_history_write(today=TODAY, seed=7)
    first = list(IntervalFacts.objects.order_by("interval_start", "queue_id", "channel")
                 .values_list("queued", "answered_within"))  # fmt: skip
    IntervalFacts.objects.all().delete()
    DailyFacts.objects.all().delete()
    operations_history_write(today=TODAY, seed=7)
    again = list(IntervalFacts.objects.order_by("interval_start", "queue_id", "channel")
                 .values_list("queued", "answered_within"))  # fmt: skip
    assert first == again
    rows = report_rows(ReportSpec.parse(first="2026-11-02", last="2026-11-27", grain="week"))
    assert len(rows) == 4
    assert all(row.counts.queued > 0 and row.service_level is not None for row in rows)
    assert all(row.self_served > 0 for row in rows)


def test_each_day_sums_its_intervals_and_a_second_load_adds_nothing(queues_ready):
    operations_history_write(today=TODAY, seed=7)
    columns = ("queued", "answered_within", "self_served", "talk_ms")
    by_interval = IntervalFacts.objects.aggregate(*(Sum(name) for name in columns))
    by_day = DailyFacts.objects.aggregate(*(Sum(name) for name in columns))
    assert list(by_interval.values()) == list(by_day.values())
    assert by_interval["queued__sum"] > 1000
    zone = ZoneInfo("America/New_York")
    per_day: dict = {}
    for start, queued in IntervalFacts.objects.values_list("interval_start", "queued"):
        day = start.astimezone(zone).date()
        per_day[day] = per_day.get(day, 0) + queued
    daily = dict(DailyFacts.objects.values("day").annotate(q=Sum("queued")).values_list("day", "q"))
    assert daily == per_day
    assert operations_history_write(today=TODAY, seed=7) == 0
    assert DailyFacts.objects.aggregate(*(Sum(name) for name in columns)) == by_day


def test_agents_shifts_and_offices_work_add_up_and_report_by_agent_and_office(
    queues_ready, make_agent
):
    agents = [make_agent(), make_agent(languages=("es",)), make_agent(tiers=("tier2",))]
    OfficeFactory(code="D01")
    written = agent_office_history_write(today=TODAY, seed=7)
    assert written == (
        AgentStateFacts.objects.count() + AgentContactFacts.objects.count()
        + OfficeFacts.objects.count()
    ) > 0  # fmt: skip
    counted = set(AgentStateFacts.objects.values_list("agent_id", flat=True))
    assert counted == {agents[0].pk, agents[1].pk}  # Tier 1 agents only
    minutes = interval_minutes()
    for start, total in (
        (row["interval_start"], row["total"])
        for row in AgentStateFacts.objects.values("interval_start", "agent_id").annotate(
            total=Sum("milliseconds")
        )
    ):
        assert total == minutes * 60_000, start  # each interval of a shift is accounted for
    # Each agent's days sum their intervals.
    handled = AgentContactFacts.objects.aggregate(Sum("handled"))["handled__sum"]
    assert AgentDailyFacts.objects.aggregate(Sum("handled"))["handled__sum"] == handled > 0
    busy = AgentStateFacts.objects.filter(presence="busy").aggregate(Sum("milliseconds"))
    assert (
        AgentDailyFacts.objects.aggregate(Sum("busy_ms"))["busy_ms__sum"]
        == (busy["milliseconds__sum"])
    )
    assert agent_office_history_write(today=TODAY, seed=7) == 0  # a second load adds nothing
    rows = report_rows(ReportSpec.parse(first="2026-11-02", last="2026-11-27", by="agent"))
    assert rows and all(row.agent is not None and row.agent.occupancy is not None for row in rows)
    offices = report_rows(ReportSpec.parse(first="2026-11-02", last="2026-11-27", by="office"))
    assert offices and {row.key for row in offices} == {"D01"}


def test_the_wallboard_opens_on_a_day_in_progress(queues_ready, make_agent):
    make_agent()
    make_agent(languages=("es",))
    zone = ZoneInfo("America/New_York")
    morning = dt.datetime.combine(TODAY, dt.time(11, 7), tzinfo=zone)
    operations_history_write(today=TODAY, seed=7, now=morning)
    agent_office_history_write(today=TODAY, seed=7, now=morning)
    today = AgentStateFacts.objects.filter(interval_start__gte=morning.replace(hour=0, minute=0))
    length = dt.timedelta(minutes=interval_minutes())
    assert today.exists() and all(row.interval_start + length <= morning for row in today)
    board = wallboard_today(now=morning)
    assert board.day == TODAY
    assert sum(queue.counts.queued for queue in board.queues) > 50
    assert board.occupancy is not None and board.self_served > 0
    assert any(queue.service_level is not None for queue in board.queues)


def test_requests_sent_on_by_one_demo_office_arrive_at_another(queues_ready):
    for code in ("D01", "D02", "D03"):
        OfficeFactory(code=code)
    agent_office_history_write(today=TODAY, seed=7)
    totals = OfficeFacts.objects.aggregate(out=Sum("transferred_out"), came=Sum("transferred_in"))
    assert totals["out"] == totals["came"] > 0
