""" "My work" (the left pane on every desk page) is read in one query: the live offer and the
items held, each only the agent's own, in the order the pane shows them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.desk.selectors import my_work, offer_for_agent, work_for_agent
from contactcenter.routing.models import Agent, WorkItem, WorkState
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db


def offered(item: WorkItem, agent, *, in_seconds: int) -> WorkItem:
    WorkItem.objects.filter(pk=item.pk).update(
        state=WorkState.OFFERED, offered_to=agent, assigned_to=None,
        offer_expires_at=timezone.now() + dt.timedelta(seconds=in_seconds),
    )  # fmt: skip
    item.refresh_from_db()
    return item


def held(item: WorkItem, agent, *, minutes_ago: int) -> WorkItem:
    WorkItem.objects.filter(pk=item.pk).update(
        state=WorkState.ASSIGNED, assigned_to=agent,
        assigned_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )  # fmt: skip
    item.refresh_from_db()
    return item


def test_the_offer_and_the_items_held_in_one_query(staff, queued_call, django_assert_num_queries):
    user, colleague = staff(Role.TIER1), staff(Role.TIER1)
    agent, other = agent_ensure_for_user(user=user), agent_ensure_for_user(user=colleague)
    # Room for all of them (PostgreSQL's trigger refuses an agent more than their capacity).
    Agent.objects.filter(pk__in=[agent.pk, other.pk]).update(capacity={"phone": 10})
    chat = held(queued_call(), agent, minutes_ago=1)
    call = held(queued_call(), agent, minutes_ago=5)
    theirs = held(queued_call(), other, minutes_ago=9)  # a colleague's is never in my work
    later = offered(queued_call(), agent, in_seconds=90)
    sooner = offered(queued_call(), agent, in_seconds=30)
    offered(queued_call(), agent, in_seconds=-1)  # lapsed: no longer theirs to accept
    offered(queued_call(), other, in_seconds=10)  # offered to someone else

    with django_assert_num_queries(1):
        mine = my_work(agent=agent)

    assert mine.offer == sooner and later != sooner
    assert [item.pk for item in mine.held] == [call.pk, chat.pk]  # assigned first, first
    assert theirs.pk not in {item.pk for item in mine.held}
    assert mine.held[0].inquiry.reference_number  # read with the item, not after
    assert offer_for_agent(agent=agent) == sooner
    assert [item.pk for item in work_for_agent(agent=agent)] == [call.pk, chat.pk]
    assert my_work(agent=agent, offers=False).offer is None


def test_no_offer_and_nothing_held(staff):
    agent = agent_ensure_for_user(user=staff(Role.TIER1))
    mine = my_work(agent=agent)
    assert mine.offer is None and mine.held == []
