"""No item is ever given to two agents and none is lost, with many claimers at once.

Runs on PostgreSQL only (CI runs it there): SQLite serialises writers, so it cannot show the
row-lock behaviour this test is about.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue, WorkItem, WorkState
from contactcenter.routing.services import work_item_claim, work_item_offer_next

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE SKIP LOCKED); runs in CI",
)

ITEMS = 3000
CLAIMERS = 16


def make_backlog(count: int) -> None:
    queue = Queue.objects.get(code="t1-general-en")
    inquiry = inquiry_open(channel="phone")
    now = timezone.now()
    WorkItem.objects.bulk_create(
        WorkItem(
            queue=queue, inquiry=inquiry, kind="call", channel="phone", tier="tier1",
            language="en", priority=index % 3, enqueued_at=now, live_hours_only=False,
        )
        for index in range(count)
    )  # fmt: skip


def run_claimers(agents, claim):
    claimed: list[list[int]] = [[] for _ in agents]
    errors: list[BaseException] = []
    start = threading.Barrier(len(agents))

    def work(position, agent):
        try:
            start.wait()
            while True:
                item = claim(agent)
                if item is None:
                    break
                claimed[position].append(item.pk)
        except BaseException as error:  # surfaced to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return claimed


@pytest.mark.django_db(transaction=True)
def test_each_item_is_claimed_exactly_once(queues, make_agent):
    make_backlog(ITEMS)
    agents = [make_agent(capacity={"phone": ITEMS}) for _ in range(CLAIMERS)]
    claimed = run_claimers(agents, lambda agent: work_item_claim(agent=agent))
    all_ids = [pk for ids in claimed for pk in ids]
    counts = Counter(all_ids)
    assert [pk for pk, n in counts.items() if n > 1] == []  # no double claims
    assert len(all_ids) == ITEMS  # none lost
    assert WorkItem.objects.filter(state=WorkState.QUEUED).count() == 0
    # Every agent got some work: the claimers really ran side by side.
    assert sum(1 for ids in claimed if ids) > CLAIMERS // 2
    # The database agrees with what each agent was told.
    owners = dict(WorkItem.objects.values_list("pk", "assigned_to_id"))
    for agent, ids in zip(agents, claimed, strict=True):
        assert all(owners[pk] == agent.pk for pk in ids)


@pytest.mark.django_db(transaction=True)
def test_concurrent_offers_never_double_offer(queues, make_agent, settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True
    make_backlog(400)
    agents = [make_agent(capacity={"phone": 400}) for _ in range(8)]
    claimed = run_claimers(agents, lambda agent: work_item_offer_next(agent=agent))
    all_ids = [pk for ids in claimed for pk in ids]
    assert len(all_ids) == len(set(all_ids)) == 400
