"""Online Access Codes: their settings, how a code is typed, stored (a keyed hash) and shown,
and the one refusal every failed attempt gets."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _

from contactcenter.portal.errors import AccessCodeRefused

# No 0/O or 1/I/L: the code is typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


# --- Settings with defaults (read from the environment in settings.py when set) -------------


def access_code_days() -> int:
    return int(getattr(settings, "PORTAL_ACCESS_CODE_DAYS", 90))


def access_code_max_attempts() -> int:
    return int(getattr(settings, "PORTAL_ACCESS_CODE_MAX_ATTEMPTS", 5))


# --- Online Access Codes ---------------------------------------------------------------------


def access_code_normalise(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def access_code_hash(code: str) -> str:
    """A keyed hash: a copy of the table alone does not let anyone try codes offline."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, access_code_normalise(code).encode(), hashlib.sha256).hexdigest()


def access_code_format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def access_code_refused() -> AccessCodeRefused:
    # One message for every failure: it must not tell whether the receipt number exists.
    return AccessCodeRefused(
        _(
            "That receipt number and access code do not match an active code. Check both, or "
            "ask for a new code if yours has expired or was used."
        )
    )
