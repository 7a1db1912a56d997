"""Staff password sign-in (the desk's page and the admin's), throttled and locked like the
public's.

Failures are counted in the Django cache (shared by every server process when Redis backs it)
twice: per username typed and per client address. After ``STAFF_LOGIN_FAILURES`` wrong
passwords for one username, or ``STAFF_LOGIN_FAILURES_PER_IP`` from one address, sign-in is
refused for ``STAFF_LOCKOUT_SECONDS``, even with the right password. A username that belongs
to nobody is counted and locked exactly like a real one, so the answers never tell whether an
account exists. The username is hashed into the cache key; nothing typed is logged.
"""

from __future__ import annotations

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.core.client_addresses import client_address

logger = logging.getLogger(__name__)

LOCKED_MESSAGE = _(
    "Too many failed sign-in attempts. Sign-in is paused for %(minutes)d minutes; "
    "try again later or ask an administrator."
)


def _account_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"cc:staff-login:account:{digest}"


def _address_key(request: HttpRequest | None) -> str:
    address = client_address(request) if request is not None else "unknown"
    return f"cc:staff-login:ip:{address}"


def _failures(key: str) -> int:
    return int(cache.get(key) or 0)


def _failure_count(key: str) -> None:
    seconds = settings.STAFF_LOCKOUT_SECONDS
    if cache.add(key, 1, timeout=seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds)


def staff_sign_in_locked(*, username: str, request: HttpRequest | None) -> bool:
    """Whether sign-in is refused now for this username or from this client address."""
    return (
        _failures(_account_key(username)) >= settings.STAFF_LOGIN_FAILURES
        or _failures(_address_key(request)) >= settings.STAFF_LOGIN_FAILURES_PER_IP
    )


def staff_sign_in_failed(*, username: str, request: HttpRequest | None) -> None:
    """Count one wrong password for this username and this client address."""
    _failure_count(_account_key(username))
    _failure_count(_address_key(request))
    logger.info("staff.sign_in_failed")


def staff_sign_in_succeeded(*, username: str) -> None:
    """A right password before any lock-out clears the username's count."""
    cache.delete(_account_key(username))


class _Throttled:
    """Checks the lock-out before the password is even compared, and counts each failure."""

    error_messages: dict
    locked = False

    def clean(self):
        username = str(self.data.get("username") or "")  # type: ignore[attr-defined]
        request = self.request  # type: ignore[attr-defined]
        if staff_sign_in_locked(username=username, request=request):
            logger.info("staff.sign_in_locked")
            self.locked = True
            raise forms.ValidationError(
                LOCKED_MESSAGE % {"minutes": max(settings.STAFF_LOCKOUT_SECONDS // 60, 1)},
                code="locked",
            )
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            staff_sign_in_failed(username=username, request=request)
            raise
        staff_sign_in_succeeded(username=username)
        return cleaned


class StaffAuthenticationForm(_Throttled, AuthenticationForm):
    """The desk's sign-in form."""


class StaffAdminAuthenticationForm(_Throttled, AdminAuthenticationForm):
    """The admin's sign-in form (it also refuses people who are not staff)."""
