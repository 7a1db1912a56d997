"""The errors of appointment requests, bookings and moves; each message is safe to show."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, ErrorCode


class AppointmentError(ApplicationError):
    code = ErrorCode.INVALID_INPUT
    http_status = 400


class SlotFull(AppointmentError):
    code = ErrorCode.SLOT_FULL
    http_status = 409


class SlotUnavailable(AppointmentError):
    code = ErrorCode.SLOT_UNAVAILABLE
    http_status = 409


class DuplicateRequest(AppointmentError):
    code = ErrorCode.DUPLICATE_REQUEST
    http_status = 409


class WrongState(AppointmentError):
    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class NotAllowed(AppointmentError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403
