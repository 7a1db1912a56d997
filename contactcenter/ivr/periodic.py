"""The phone line's periodic job, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from contactcenter.core.periodic import periodic_register
from contactcenter.ivr.services import calls_close_unreported


def register() -> None:
    periodic_register(
        "ivr.close_unreported_calls", every=dt.timedelta(minutes=5), run=calls_close_unreported
    )
