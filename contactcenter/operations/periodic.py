"""Operations' periodic job, registered when the app is ready: the fold, twice a minute."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.operations.services import interval_facts_fold


def register() -> None:
    periodic_register("operations.fold", every=dt.timedelta(seconds=30), run=interval_facts_fold)
