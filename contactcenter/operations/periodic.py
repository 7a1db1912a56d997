"""Operations' periodic jobs, registered when the app is ready: the fold, twice a minute, and
the scheduled reports, every minute."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.operations.schedules import report_schedules_send_due
from contactcenter.operations.services import interval_facts_fold


def register() -> None:
    periodic_register("operations.fold", every=dt.timedelta(seconds=30), run=interval_facts_fold)
    # Scheduled reports go at or after their minute of the agency's day.
    periodic_register(
        "operations.send_reports", every=dt.timedelta(seconds=60), run=report_schedules_send_due
    )
