"""The online account's errors, and the one "not found" every account read gives for a row that
is missing or someone else's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, NotFound


class AccessCodeRefused(ApplicationError):
    http_status = 400


class AlreadyLinked(ApplicationError):
    http_status = 409


class EventFull(ApplicationError):
    http_status = 409


def not_found() -> NotFound:
    return NotFound(_("Not found."))
