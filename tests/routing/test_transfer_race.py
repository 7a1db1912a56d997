"""Transfers under real concurrency: an acceptance and a cancellation at the same instant, two
agents taking the same warm transfer, two transfers of one contact at once. Exactly one wins
each time, and the database agrees with what each side was told.

Runs on PostgreSQL only (CI runs it there): SQLite serialises writers, so it cannot show the
row-lock behaviour this test is about.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, connections

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import (
    RoutingError,
    work_item_accept,
    work_item_claim,
    work_item_enqueue,
    work_item_offer_next,
    work_item_transfer,
    work_item_transfer_cancel,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE); SQLite serialises writers",
)

ROUNDS = 12


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads released together; each one's result or exception."""
    results: list[object] = [None] * len(actions)
    start = threading.Barrier(len(actions))

    def run(position: int, action: Callable[[], object]) -> None:
        try:
            start.wait()
            results[position] = action()
        except BaseException as error:  # what each side was told, checked by the test
            results[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def held_call(agent) -> WorkItem:
    """A call in the English Tier 1 queue, claimed by ``agent``."""
    inquiry = inquiry_open(channel="phone")
    queue = Queue.objects.get(code="t1-general-en")
    work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)
    item = work_item_claim(agent=agent)
    assert item is not None and item.assigned_to_id == agent.pk
    return item


@pytest.mark.django_db(transaction=True)
def test_accept_and_cancel_at_once_exactly_one_wins(queues, make_agent, always_open):
    outcomes = []
    for _round in range(ROUNDS):
        sender, receiver = make_agent(), make_agent()
        source = held_call(sender)
        transfer = work_item_transfer(
            agent=sender, item_id=source.pk, mode="warm", to_agent=receiver, note="Over to you."
        )
        accepted, cancelled = race(
            partial(work_item_accept, agent=receiver, item_id=transfer.pk),
            partial(work_item_transfer_cancel, agent=sender, item_id=source.pk),
        )
        errors = [r for r in (accepted, cancelled) if isinstance(r, BaseException)]
        assert len(errors) == 1 and isinstance(errors[0], RoutingError), (accepted, cancelled)
        source.refresh_from_db()
        transfer.refresh_from_db()
        if isinstance(cancelled, BaseException):  # the colleague took it
            assert transfer.state == WorkState.ASSIGNED and transfer.assigned_to_id == receiver.pk
            assert source.state == WorkState.DONE
            outcomes.append("accepted")
        else:  # the sender took it back
            assert transfer.state == WorkState.CANCELLED and transfer.offered_to_id is None
            assert source.state == WorkState.ASSIGNED and source.assigned_to_id == sender.pk
            outcomes.append("cancelled")
    assert len(outcomes) == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_one_warm_transfer_at_once(queues, make_agent, always_open):
    spanish = Queue.objects.get(code="t1-general-es")
    for take in (work_item_claim, work_item_offer_next):
        for _round in range(ROUNDS // 2):
            sender = make_agent()
            source = held_call(sender)
            transfer = work_item_transfer(
                agent=sender, item_id=source.pk, mode="warm", to_queue=spanish, note="Spanish."
            )
            first, second = make_agent(languages=("es",)), make_agent(languages=("es",))
            got = race(partial(take, agent=first), partial(take, agent=second))
            assert not [r for r in got if isinstance(r, BaseException)], got
            taken = [r for r in got if r is not None]
            assert len(taken) == 1 and taken[0].pk == transfer.pk  # type: ignore[attr-defined]
            winner = first if got[0] is not None else second
            transfer.refresh_from_db()
            if take is work_item_offer_next:
                assert transfer.state == WorkState.OFFERED and transfer.offered_to_id == winner.pk
                # The other agent's accept is refused; the winner's goes through.
                loser = second if winner is first else first
                results = race(
                    partial(work_item_accept, agent=winner, item_id=transfer.pk),
                    partial(work_item_accept, agent=loser, item_id=transfer.pk),
                )
                assert isinstance(results[1], RoutingError), results
                transfer.refresh_from_db()
            assert transfer.state == WorkState.ASSIGNED and transfer.assigned_to_id == winner.pk
            source.refresh_from_db()
            assert source.state == WorkState.DONE


@pytest.mark.django_db(transaction=True)
def test_two_transfers_of_one_contact_at_once_leave_one(queues, make_agent, always_open):
    spanish = Queue.objects.get(code="t1-general-es")
    for _round in range(ROUNDS // 2):
        sender, receiver = make_agent(), make_agent()
        source = held_call(sender)
        transfer = partial(work_item_transfer, agent=sender, item_id=source.pk, mode="warm")
        results = race(
            partial(transfer, to_agent=receiver, note="One."),
            partial(transfer, to_queue=spanish, note="Two."),
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == 1 and isinstance(errors[0], RoutingError), results
        assert "already being transferred" in str(errors[0])
        pending = WorkItem.objects.filter(
            transferred_from=source, state__in=[WorkState.QUEUED, WorkState.OFFERED]
        )
        assert pending.count() == 1
