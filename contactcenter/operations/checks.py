"""The interval length is 15 or 30 minutes (operations.E001): counts folded at another length
would not line up with the agency's half hours or with the intervals already stored."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from contactcenter.operations.intervals import ALLOWED_MINUTES


def interval_minutes_allowed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    minutes = getattr(settings, "OPERATIONS_INTERVAL_MINUTES", None)
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes in ALLOWED_MINUTES:
        return []
    return [
        checks.Error(
            f"OPERATIONS_INTERVAL_MINUTES is {minutes!r}; it must be 15 or 30.",
            hint="Set OPERATIONS_INTERVAL_MINUTES to 15 (the default) or 30.",
            id="operations.E001",
        )
    ]
