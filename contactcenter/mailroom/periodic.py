"""The mail room's periodic job: pages and faxes whose background task was lost go again."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.mailroom.services import mailroom_stalled_requeue


def register() -> None:
    periodic_register(
        "mailroom.stalled_requeue", every=dt.timedelta(minutes=5), run=mailroom_stalled_requeue
    )
