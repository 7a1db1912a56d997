"""The one wait estimate for a place in a queue, said alike by the phone line, live chat and
the public contact page (each only words it in its own language).

Before this, each channel guessed on its own (the phone from how many the queue answered in
the last hour, chat from the median wait of its last chats, the contact page from the average
wait per channel), and the same place in the same queue was told 20 minutes on the phone and 3
in the chat.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

from django.db.models import Count, Min, Q
from django.utils import timezone

from contactcenter.routing.models import Agent, Presence, Queue, WorkItem, WorkState

# Handle times are learnt from the work this queue finished in this window ...
HANDLE_WINDOW = dt.timedelta(hours=2)
# ... at most this many of the latest, so one slow morning does not weigh on the afternoon.
HANDLE_SAMPLE = 20
# Agents who count as serving a queue: signed in, whether free or with someone.
STAFFED = (Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP)


def rounded_wait_minutes(seconds: float) -> int:
    """A wait in seconds as the minutes every channel says: up to 10 minutes, rounded up to the
    next whole minute (never less than 1); above 10, rounded up to the next 5 (11 -> 15)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes > 10:
        minutes = 5 * math.ceil(minutes / 5)
    return minutes


def place_in_line(item: WorkItem) -> int:
    """Where a work item stands in its queue, 1 being next: queued items of higher priority,
    or of the same priority queued earlier (ties by id), go first. An item no longer queued
    (offered, assigned) is 1."""
    if item.state != WorkState.QUEUED:
        return 1
    ahead = WorkItem.objects.filter(queue_id=item.queue_id, state=WorkState.QUEUED).filter(
        Q(priority__gt=item.priority)
        | Q(priority=item.priority, enqueued_at__lt=item.enqueued_at)
        | Q(priority=item.priority, enqueued_at=item.enqueued_at, id__lt=item.pk)
    )
    return ahead.count() + 1


def median_handle_seconds(queue_id: int, *, now: dt.datetime) -> float | None:
    """The median time an agent spent on one of this queue's contacts (accepted to finished),
    over the latest ``HANDLE_SAMPLE`` finished in the last ``HANDLE_WINDOW``; None if none."""
    rows = (
        WorkItem.objects.filter(
            queue_id=queue_id,
            assigned_at__isnull=False,
            completed_at__isnull=False,
            completed_at__gte=now - HANDLE_WINDOW,
            completed_at__lte=now,
        )
        .order_by("-completed_at")
        .values_list("assigned_at", "completed_at")[:HANDLE_SAMPLE]
    )
    handled = [
        max((done - assigned).total_seconds(), 0.0)
        for assigned, done in rows
        if assigned is not None and done is not None  # the filter's; for the type checker
    ]
    return statistics.median(handled) if handled else None


def agents_serving(queue: Queue) -> int:
    """How many signed-in agents (available, busy or in wrap-up) could take this queue's work:
    its tier, its language and, if it needs one, its skill."""
    count = 0
    for tiers, languages, skills in Agent.objects.filter(presence__in=STAFFED).values_list(
        "tiers", "languages", "skills"
    ):
        if queue.tier not in (tiers or []) or queue.language not in (languages or []):
            continue
        if queue.skill and queue.skill not in (skills or []):
            continue
        count += 1
    return count


def wait_estimate(queue: Queue | int, place: int, *, now: dt.datetime | None = None) -> int | None:
    """The estimated wait, in minutes as said to the public, for the person at ``place`` (1 =
    next) in ``queue``.

        wait = place × h ÷ n, rounded by ``rounded_wait_minutes``

    where h is the median handle time of the queue's recent contacts (``median_handle_seconds``)
    and n the agents serving the queue now (``agents_serving``): each of the n agents frees up
    about every h seconds, and the person at ``place`` waits for ``place`` of those.

    None means "cannot estimate", and every channel then says so instead of a number: when the
    queue finished nothing in the last two hours (no history to learn from) or when no agent who
    could take its work is signed in (the wait has no bound until one is).
    """
    if not isinstance(queue, Queue):
        queue = Queue.objects.get(pk=queue)
    now = now or timezone.now()
    handle = median_handle_seconds(queue.pk, now=now)
    if handle is None:
        return None
    agents = agents_serving(queue)
    if agents == 0:
        return None
    return rounded_wait_minutes(max(place, 1) * handle / agents)


def item_wait_estimate(item: WorkItem, *, now: dt.datetime | None = None) -> tuple[int, int | None]:
    """A waiting work item's place in line and its estimated wait (``wait_estimate``)."""
    place = place_in_line(item)
    return place, wait_estimate(item.queue_id, place, now=now)


def queue_wait_for_newcomer(
    queue: Queue, *, now: dt.datetime | None = None
) -> tuple[int, int | None]:
    """How many wait in ``queue`` now, and the estimated wait of someone who joins it now (the
    place after the last of them)."""
    waiting = WorkItem.objects.filter(queue_id=queue.pk, state=WorkState.QUEUED).count()
    return waiting, wait_estimate(queue, waiting + 1, now=now)


def queues_waiting() -> dict[int, tuple[int, dt.datetime | None]]:
    """Per queue with work waiting: how many wait and since when the oldest has. One query over
    the waiting items only (the partial index of queued work), however much finished work the
    queues have behind them; queues with nobody waiting are left out."""
    return {
        queue_id: (waiting, oldest)
        for queue_id, waiting, oldest in WorkItem.objects.filter(state=WorkState.QUEUED)
        .values("queue_id")
        .annotate(waiting=Count("id"), oldest=Min("enqueued_at"))
        .values_list("queue_id", "waiting", "oldest")
        .order_by()
    }
