"""Routing's periodic jobs, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.routing.services import work_items_expire_offers, work_items_flag_overdue


def register() -> None:
    periodic_register(
        "routing.expire_offers", every=dt.timedelta(seconds=5), run=work_items_expire_offers
    )
    periodic_register(
        "routing.flag_overdue", every=dt.timedelta(minutes=1), run=work_items_flag_overdue
    )
