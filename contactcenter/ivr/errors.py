"""The phone line's errors, raised by its services and by the reads beneath them."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, ErrorCode, NotFound


class IvrError(ApplicationError):
    pass


class LineNotFound(NotFound):
    code = ErrorCode.LINE_NOT_FOUND


class StepOutOfOrder(IvrError):
    code = ErrorCode.STEP_OUT_OF_ORDER
    http_status = 409


class CallChanging(IvrError):
    code = ErrorCode.CALL_CHANGED
    http_status = 409
