"""A queue's recent history for wait estimates: contacts finished with given handle times."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue, WorkItem, WorkState


def finished(queue: Queue, handle_minutes: list[float], *, ago=dt.timedelta(minutes=30)) -> None:
    """One finished contact of ``queue`` per handle time, each ended ``ago`` before now."""
    done = timezone.now() - ago
    for minutes in handle_minutes:
        assigned = done - dt.timedelta(minutes=minutes)
        WorkItem.objects.create(
            queue=queue, inquiry=inquiry_open(channel="phone", language=queue.language),
            kind="call", channel="phone", tier=queue.tier, language=queue.language,
            enqueued_at=assigned - dt.timedelta(minutes=1), state=WorkState.DONE,
            assigned_at=assigned, completed_at=done,
        )  # fmt: skip
