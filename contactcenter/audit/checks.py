"""The disclosure log's chain key in production (DEBUG false).

``contactcenter check --deploy``, the check a production install runs before it starts, fails
without one (audit.E001): rows could not be sealed, and the log would not be tamper-evident.
Every other command says so as a warning (audit.W001) instead of stopping: rows are still
written without the key, and sealed once it is set, so migrations, linting and the
benchmarks' throw-away servers need none. The sealing job itself refuses to run without it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

_MESSAGE = "The disclosure log's chain key is not set."
_HINT = (
    "Set AUDIT_CHAIN_KEY_FILE to a file holding a long random key (or AUDIT_CHAIN_KEY), kept "
    "outside the database and backed up apart from it."
)


def _missing() -> bool:
    return not settings.DEBUG and not settings.AUDIT_CHAIN_KEY


@checks.register(checks.Tags.security, deploy=True)
def chain_key_set_for_deploy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(_MESSAGE, hint=_HINT, id="audit.E001")] if _missing() else []


@checks.register(checks.Tags.security)
def chain_key_set(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Warning(_MESSAGE, hint=_HINT, id="audit.W001")] if _missing() else []
