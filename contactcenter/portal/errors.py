"""The online account's errors, and the one "not found" every account read gives for a row that
is missing or someone else's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode, NotFound


class AccessCodeRefused(ApplicationError):
    code = ErrorCode.ACCESS_CODE_REFUSED
    http_status = 400


class AlreadyLinked(ApplicationError):
    code = ErrorCode.ALREADY_LINKED
    http_status = 409


class EventFull(ApplicationError):
    code = ErrorCode.EVENT_FULL
    http_status = 409


def not_found() -> NotFound:
    return NotFound(_("Not found."))
