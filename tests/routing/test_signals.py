"""work_item_accepted: sent once after the accepting transaction commits, never on a failed
accept, and a failing receiver does not undo the acceptance."""

import pytest

from contactcenter.routing import services
from contactcenter.routing.models import WorkKind, WorkState
from contactcenter.routing.signals import work_item_accepted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received():
    seen: list[tuple[int, int]] = []

    def receiver(sender, item, agent, **kwargs):
        seen.append((item.pk, agent.pk))

    def broken(sender, item, agent, **kwargs):
        raise RuntimeError("receiver failure")

    work_item_accepted.connect(receiver, weak=False)
    work_item_accepted.connect(broken, weak=False)
    yield seen
    work_item_accepted.disconnect(receiver)
    work_item_accepted.disconnect(broken)


def offered_call(queues, make_agent, at):
    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import Queue

    agent = make_agent(capacity={"phone": 1})
    item = services.work_item_enqueue(
        inquiry=inquiry_open(channel="phone", language="en"),
        kind=WorkKind.CALL,
        queue=Queue.objects.get(code="t1-general-en"),
        channel="phone",
    )
    now = at(2026, 11, 23, 10, 0)
    offered = services.work_item_offer_next(agent=agent, now=now)
    assert offered is not None and offered.pk == item.pk
    return agent, item, now


def test_accept_announces_once_after_commit(queues, make_agent, at, received):
    agent, item, now = offered_call(queues, make_agent, at)
    accepted = services.work_item_accept(agent=agent, item_id=item.pk, now=now)
    assert accepted.state == WorkState.ASSIGNED
    # The broken receiver raised, yet the item stays accepted and the good one ran once.
    item.refresh_from_db()
    assert item.state == WorkState.ASSIGNED
    assert received == [(item.pk, agent.pk)]


def test_a_refused_accept_announces_nothing(queues, make_agent, at, received):
    _agent, item, now = offered_call(queues, make_agent, at)
    other = make_agent(capacity={"phone": 1})
    with pytest.raises(services.RoutingError):
        services.work_item_accept(agent=other, item_id=item.pk, now=now)
    assert received == []
