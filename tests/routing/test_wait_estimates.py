"""The one wait estimate every channel gives for a place in a queue."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Presence, Queue, WorkItem, WorkState
from contactcenter.routing.services import work_item_enqueue
from contactcenter.routing.wait_estimates import (
    agents_serving,
    item_wait_estimate,
    place_in_line,
    queue_wait_for_newcomer,
    rounded_wait_minutes,
    wait_estimate,
)
from tests.routing.wait_history import finished


@pytest.fixture
def general(queues):
    return Queue.objects.get(code="t1-general-en")


def enqueue(queue, *, urgent=False):
    inquiry = inquiry_open(channel="phone", language="en")
    return work_item_enqueue(inquiry=inquiry, kind="call", queue=queue, channel="phone",
                             urgent=urgent)  # fmt: skip


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(0, 1), (1, 1), (60, 1), (61, 2), (540, 9), (600, 10), (601, 15), (900, 15), (901, 20)],
)
def test_rounding_is_up_to_the_minute_then_to_five_above_ten(seconds, minutes):
    assert rounded_wait_minutes(seconds) == minutes


def test_no_history_cannot_be_estimated(general, make_agent):
    make_agent(presence=Presence.BUSY)
    assert wait_estimate(general, 1) is None


def test_history_older_than_two_hours_is_no_history(general, make_agent):
    make_agent(presence=Presence.BUSY)
    finished(general, [6], ago=dt.timedelta(hours=3))
    assert wait_estimate(general, 1) is None


def test_no_agent_serving_the_queue_cannot_be_estimated(general, make_agent):
    finished(general, [6, 6])
    assert wait_estimate(general, 1) is None
    make_agent(presence=Presence.OFFLINE)
    make_agent(presence=Presence.AWAY)
    make_agent(languages=["es"], presence=Presence.BUSY)  # not this queue's language
    make_agent(tiers=["tier2"], presence=Presence.BUSY)  # not its tier
    assert agents_serving(general) == 0
    assert wait_estimate(general, 1) is None


def test_skill_queue_counts_only_agents_with_the_skill(queues, make_agent):
    adoption = Queue.objects.get(code="t1-intercountry-adoption")
    make_agent(presence=Presence.BUSY)
    assert agents_serving(adoption) == 0
    make_agent(skills=["adoption"], presence=Presence.BUSY)
    assert agents_serving(adoption) == 1


def test_several_places_median_handle_time_shared_by_the_agents(general, make_agent):
    # Handle times 4, 6, 6, 8 and 60 minutes: the median, 6, ignores the one long call.
    finished(general, [4, 6, 6, 8, 60])
    make_agent(presence=Presence.BUSY)
    make_agent(presence=Presence.WRAP_UP)
    # place x 6 min / 2 agents = 3 min a place
    assert [wait_estimate(general, place) for place in (1, 2, 3, 4, 5)] == [3, 6, 9, 15, 15]
    assert wait_estimate(general, 10) == 30


def test_place_in_line_puts_urgent_and_earlier_work_first(general):
    first = enqueue(general)
    second = enqueue(general)
    urgent = enqueue(general, urgent=True)
    assert [place_in_line(i) for i in (urgent, first, second)] == [1, 2, 3]
    assert queue_wait_for_newcomer(general)[0] == 3
    second.state = WorkState.ASSIGNED
    assert place_in_line(second) == 1


def test_a_waiting_item_gets_the_estimate_of_its_place(general, make_agent):
    finished(general, [5])
    make_agent(presence=Presence.BUSY)
    enqueue(general)
    item = enqueue(general)
    assert item_wait_estimate(item) == (2, 10)
    assert queue_wait_for_newcomer(general) == (2, 15)
    assert WorkItem.objects.filter(state=WorkState.QUEUED).count() == 2
