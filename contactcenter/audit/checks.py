"""A production start refuses to run without the disclosure log's chain key: rows written
without one could never be sealed, and the log would not be tamper-evident."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def chain_key_set(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.AUDIT_CHAIN_KEY:
        return []
    return [
        checks.Error(
            "The disclosure log's chain key is not set.",
            hint="Set AUDIT_CHAIN_KEY_FILE to a file holding a long random key (or "
            "AUDIT_CHAIN_KEY), kept outside the database and backed up apart from it.",
            id="audit.E001",
        )
    ]
