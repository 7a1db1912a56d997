"""The records app's periodic job: the retention purge, once a day by default."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from contactcenter.core.periodic import periodic_register
from contactcenter.records.services import retention_purge_job


def register() -> None:
    periodic_register(
        "records.retention_purge",
        every=dt.timedelta(hours=settings.RECORDS_PURGE_EVERY_HOURS),
        run=retention_purge_job,
    )
