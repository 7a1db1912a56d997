"""Where a caller waiting in line stands, and how long the wait may be (the one estimate every
channel gives, ``routing.wait_estimates``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from contactcenter.ivr.engine import QUEUED
from contactcenter.ivr.models import Call
from contactcenter.routing.models import WorkItem
from contactcenter.routing.wait_estimates import item_wait_estimate


def hold_estimate(item: WorkItem, *, now: dt.datetime | None = None) -> dict[str, int | None]:
    """Position in line and the estimated wait in minutes (None: cannot estimate)."""
    position, minutes = item_wait_estimate(item, now=now)
    return {"position": position, "minutes": minutes}


def call_hold(call: Call, state: dict[str, Any] | None) -> dict[str, int | None]:
    """The place and wait to tell a caller waiting in line; empty for any other turn."""
    if not state or state.get("node") != QUEUED or call.work_item_id is None:
        return {}
    item = WorkItem.objects.get(pk=call.work_item_id)
    return hold_estimate(item)
