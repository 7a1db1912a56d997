"""The desk's periodic jobs, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.desk.services import desk_after_contact_end_due


def register() -> None:
    # Every few seconds, so a wrap-up ends close to when the page's timer says.
    periodic_register(
        "desk.end_after_contact", every=dt.timedelta(seconds=5), run=desk_after_contact_end_due
    )
