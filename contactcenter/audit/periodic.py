"""The audit log's periodic job, registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from contactcenter.audit.services import disclosure_chain_seal
from contactcenter.core.periodic import periodic_register


def register() -> None:
    periodic_register(
        "audit.seal",
        every=dt.timedelta(seconds=settings.AUDIT_SEAL_EVERY_SECONDS),
        run=disclosure_chain_seal,
    )
