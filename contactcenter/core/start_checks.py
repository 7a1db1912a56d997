"""What a production start (``DEBUG`` off) refuses to go without, beyond Django's own checks.

The disclosure log's rows are chained by a keyed hash whose key lives outside the database
(``AUDIT_CHAIN_KEY`` or ``AUDIT_CHAIN_KEY_FILE``). Without it the sealing job cannot run and
the log could be changed without trace, so ``serve``, ``web`` and ``worker`` stop at once with
a message that says what to set, rather than serving with an unsealed log."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def chain_key_required() -> None:
    if settings.DEBUG or settings.AUDIT_CHAIN_KEY:
        return
    raise CommandError(
        "The disclosure log's chain key is not set, so its rows could not be sealed. Put a "
        "long random key in a file readable only by the service (for example "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))' > audit_chain_key`), "
        "keep a copy apart from the database's backups, and set AUDIT_CHAIN_KEY_FILE to it."
    )
