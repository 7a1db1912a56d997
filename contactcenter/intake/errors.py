"""Refusals of the email services, each with a message safe to show to staff."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, ErrorCode


class AddressUndeliverable(ApplicationError):
    """The person's address bounced for good: nothing more is sent to it."""

    code = ErrorCode.ADDRESS_UNDELIVERABLE
    http_status = 409


class CaseDetailsNotAllowed(ApplicationError):
    """Case details by email need a verified person and the agency's setting."""

    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


class NoEmailAddress(ApplicationError):
    code = ErrorCode.INVALID_INPUT
    http_status = 400
