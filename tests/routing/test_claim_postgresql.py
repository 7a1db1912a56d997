"""The single-statement claim used on PostgreSQL outside a transaction follows the same rules
as the ORM path the other routing tests exercise."""

import datetime as dt

import pytest
from django.db import connection

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue, WorkItem, WorkState
from contactcenter.routing.services import work_item_claim, work_item_enqueue

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the prepared claim statement is PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]

MONDAY_10AM = (2026, 11, 23, 10, 0)


def enqueue(code, *, channel="phone", kind="call", urgent=False, not_before=None):
    return work_item_enqueue(
        inquiry=inquiry_open(channel=channel), kind=kind, queue=Queue.objects.get(code=code),
        channel=channel, urgent=urgent, not_before=not_before,
    )  # fmt: skip


def test_order_language_skill_and_capacity(queues, make_agent, at):
    now = at(*MONDAY_10AM)
    spanish = enqueue("t1-general-es")
    adoption = enqueue("t1-intercountry-adoption")
    plain = enqueue("t1-general-en")
    urgent = enqueue("t1-general-en", urgent=True)
    english = make_agent(capacity={"phone": 1})
    assert work_item_claim(agent=english, now=now).pk == urgent.pk
    assert work_item_claim(agent=english, now=now) is None  # phone capacity 1 is used
    skilled = make_agent(languages=["en", "es"], skills=["adoption"], capacity={"phone": 5})
    taken = [work_item_claim(agent=skilled, now=now) for _ in range(3)]
    assert {item.pk for item in taken} == {spanish.pk, adoption.pk, plain.pk}
    assert all(item.state == WorkState.ASSIGNED and item.assigned_to_id == skilled.pk
               for item in taken)  # fmt: skip


def test_hours_calling_window_and_not_before(queues, make_agent, at):
    agent = make_agent(tiers=["tier1"], capacity={"phone": 5})
    enqueue("t1-general-en", kind="callback", not_before=at(2026, 11, 23, 12, 0))
    assert work_item_claim(agent=agent, now=at(2026, 11, 22, 10, 0)) is None  # Sunday
    assert work_item_claim(agent=agent, now=at(*MONDAY_10AM)) is None  # not before noon
    assert work_item_claim(agent=agent, now=at(2026, 11, 23, 19, 0)) is None  # calls end 18:30
    assert work_item_claim(agent=agent, now=at(2026, 11, 23, 12, 0)) is not None


def test_the_load_trigger_follows_every_change(queues, make_agent, at):
    from collections import Counter

    from contactcenter.routing.models import AgentLoad, WorkItem
    from contactcenter.routing.services import (
        work_item_complete,
        work_item_decline,
        work_item_offer_next,
        work_item_reassign,
        work_items_cancel_for_inquiry,
        work_items_expire_offers,
    )

    def counted():
        held = Counter()
        for item in WorkItem.objects.all():
            holder = {"assigned": item.assigned_to_id, "offered": item.offered_to_id}.get(
                item.state
            )
            if holder:
                held[(holder, item.channel)] += 1
        return held

    def stored():
        return Counter({(r.agent_id, r.channel): r.held for r in AgentLoad.objects.all() if r.held})

    now = at(*MONDAY_10AM)
    first = make_agent(capacity={"phone": 5, "chat": 5})
    second = make_agent(capacity={"phone": 5, "chat": 5})
    items = [enqueue("t1-general-en") for _ in range(4)]
    items.append(enqueue("t1-general-en", channel="chat", kind="chat"))
    claimed = [work_item_claim(agent=first, now=now) for _ in range(3)]
    assert stored() == counted() == Counter({(first.pk, "phone"): 3})
    work_item_complete(agent=first, item_id=claimed[0].pk)
    work_item_reassign(item_id=claimed[1].pk, to_agent=second)
    assert stored() == counted()
    offered = work_item_offer_next(agent=second, now=now)
    assert stored() == counted()
    work_item_decline(agent=second, item_id=offered.pk, now=now)
    offered = work_item_offer_next(agent=second, now=now)
    work_items_expire_offers(now=now + dt.timedelta(minutes=5))
    assert stored() == counted()
    work_items_cancel_for_inquiry(inquiry=items[4].inquiry)
    WorkItem.objects.filter(pk=claimed[2].pk).delete()
    assert stored() == counted()


def test_the_claim_is_prepared_once_per_connection(queues, make_agent, at):
    """Django's own cursors never prepare; the claim must, or PostgreSQL plans it every time."""

    def prepared_runs():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE '%%FOR UPDATE SKIP LOCKED%%'"
            )
            rows = cursor.fetchall()
        assert len(rows) <= 1  # never more than one prepared statement for it
        return rows[0][0] if rows else 0

    now = at(*MONDAY_10AM)
    for _ in range(3):
        enqueue("t1-general-en")
    agent = make_agent(capacity={"phone": 5})
    connection.ensure_connection()
    before = prepared_runs()
    for _ in range(3):
        assert work_item_claim(agent=agent, now=now) is not None
    assert prepared_runs() - before == 3  # the same prepared statement ran three times


def test_a_full_channel_is_skipped_for_the_others(queues, make_agent, at):
    """The trigger refuses a claim past capacity; the claim then looks at the other channels."""
    now = at(*MONDAY_10AM)
    calls = [enqueue("t1-general-en", urgent=True) for _ in range(3)]  # always ranked first
    chats = [enqueue("t1-general-en", channel="chat", kind="chat") for _ in range(3)]
    agent = make_agent(capacity={"phone": 1, "chat": 2})
    taken = [work_item_claim(agent=agent, now=now) for _ in range(4)]
    assert [item.pk for item in taken[:3]] == [calls[0].pk, chats[0].pk, chats[1].pk]
    assert taken[3] is None
    assert set(WorkItem.objects.filter(assigned_to=agent).values_list("channel", flat=True)) == {
        "phone",
        "chat",
    }
    assert WorkItem.objects.filter(assigned_to=agent).count() == 3
    assert WorkItem.objects.filter(state=WorkState.QUEUED).count() == 3


def test_the_trigger_refuses_any_change_past_capacity(queues, make_agent, at):
    from django.db import DatabaseError, transaction

    from contactcenter.routing.models import AgentLoad
    from contactcenter.routing.services import work_item_reassign

    now = at(*MONDAY_10AM)
    first, second = enqueue("t1-general-en"), enqueue("t1-general-en")
    agent = make_agent(capacity={"phone": 1})
    assert work_item_claim(agent=agent, now=now).pk == first.pk
    with pytest.raises(DatabaseError, match="no room on channel phone"), transaction.atomic():
        WorkItem.objects.filter(pk=second.pk).update(state=WorkState.ASSIGNED, assigned_to=agent)
    second.refresh_from_db()
    assert second.state == WorkState.QUEUED and second.assigned_to_id is None
    assert AgentLoad.objects.get(agent=agent, channel="phone").held == 1
    # A supervisor may go past it on purpose, for that one transaction only.
    work_item_reassign(item_id=second.pk, to_agent=agent)
    assert AgentLoad.objects.get(agent=agent, channel="phone").held == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('routing.capacity_override', true)")
        assert cursor.fetchone()[0] in (None, "")


def test_one_agent_claiming_from_many_connections_never_goes_past_capacity(queues, make_agent, at):
    import threading

    now = at(*MONDAY_10AM)
    for _ in range(12):
        enqueue("t1-general-en")
    agent = make_agent(capacity={"phone": 3})
    start = threading.Barrier(6)
    results = []

    def claim_some():
        try:
            start.wait()
            for _ in range(4):
                results.append(work_item_claim(agent=agent, now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_some) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(item is not None for item in results) == 3
    assert WorkItem.objects.filter(assigned_to=agent).count() == 3
    assert WorkItem.objects.filter(state=WorkState.QUEUED).count() == 9
