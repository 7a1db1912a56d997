"""The phone line's errors, raised by its services and by the reads beneath them."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, NotFound


class IvrError(ApplicationError):
    pass


class LineNotFound(NotFound):
    pass


class StepOutOfOrder(IvrError):
    http_status = 409


class CallChanging(IvrError):
    http_status = 409
