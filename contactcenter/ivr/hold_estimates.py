"""Where a caller waiting in line stands, and how long the wait may be."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from contactcenter.ivr.engine import QUEUED
from contactcenter.ivr.models import Call
from contactcenter.routing.models import WorkItem, WorkState

DEFAULT_SECONDS_PER_CALLER = 180  # estimate when a queue has answered nobody in the last hour


def hold_estimate(item: WorkItem, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Position in line and an estimated wait in minutes, from how fast the queue has been
    answered in the last hour."""
    now = now or timezone.now()
    if item.state != WorkState.QUEUED:
        position = 1
    else:
        position = WorkItem.objects.filter(
            queue_id=item.queue_id, state=WorkState.QUEUED, enqueued_at__lte=item.enqueued_at
        ).count()
    answered = WorkItem.objects.filter(
        queue_id=item.queue_id, assigned_at__gte=now - dt.timedelta(hours=1)
    ).count()
    seconds_per_caller = 3600 / answered if answered else DEFAULT_SECONDS_PER_CALLER
    return {"position": max(position, 1),
            "minutes": max(1, math.ceil(max(position, 1) * seconds_per_caller / 60))}  # fmt: skip


def call_hold(call: Call, state: dict[str, Any] | None) -> dict[str, int]:
    """The place and wait to tell a caller waiting in line; empty for any other turn."""
    if not state or state.get("node") != QUEUED or call.work_item_id is None:
        return {}
    item = WorkItem.objects.get(pk=call.work_item_id)
    return hold_estimate(item)
