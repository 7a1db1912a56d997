"""Routing's periodic jobs, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from contactcenter.core.live_events import (
    KIND_BOARD,
    SUPERVISORS_GROUP,
    desk_event_send_on_commit,
)
from contactcenter.core.periodic import periodic_register
from contactcenter.routing.models import WorkItem, WorkState
from contactcenter.routing.services import work_items_expire_offers


def work_items_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark items past their due time (e.g. a Tier 2 callback's goal) and, when any newly
    broke its goal, tell the supervisors' board at once rather than at its next refresh."""
    now = now or timezone.now()
    flagged = WorkItem.objects.filter(
        Q(state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED]),
        due_at__lt=now,
        breached_at__isnull=True,
    ).update(breached_at=now)
    if flagged:
        desk_event_send_on_commit(
            SUPERVISORS_GROUP, {"kind": KIND_BOARD, "origin": None, "breached": flagged}
        )
    return flagged


def register() -> None:
    periodic_register(
        "routing.expire_offers", every=dt.timedelta(seconds=5), run=work_items_expire_offers
    )
    periodic_register(
        "routing.flag_overdue", every=dt.timedelta(minutes=1), run=work_items_flag_overdue
    )
