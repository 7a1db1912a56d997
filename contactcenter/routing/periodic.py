"""Routing's periodic jobs, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from contactcenter.core.periodic import periodic_register
from contactcenter.routing.models import WorkItem, WorkState


def work_items_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark items past their due time (e.g. a Tier 2 callback's goal) so dashboards show them."""
    now = now or timezone.now()
    return WorkItem.objects.filter(
        Q(state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED]),
        due_at__lt=now,
        breached_at__isnull=True,
    ).update(breached_at=now)


def register() -> None:
    from contactcenter.routing.services import work_items_expire_offers

    periodic_register(
        "routing.expire_offers", every=dt.timedelta(seconds=5), run=work_items_expire_offers
    )
    periodic_register(
        "routing.flag_overdue", every=dt.timedelta(minutes=1), run=work_items_flag_overdue
    )
