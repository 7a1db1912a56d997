"""The errors of service requests; each message is safe to show to the person or the officer."""

from __future__ import annotations

from contactcenter.core.errors import ApplicationError, ErrorCode


class ServiceRequestRefused(ApplicationError):
    """A rule stops the request; ``message`` is written for the person, in their language,
    and ``rule`` (also in the rendered error) names the rule."""

    code = ErrorCode.SERVICE_REQUEST_REFUSED
    http_status = 409

    def __init__(self, message: str, *, rule: str, **extra: object) -> None:
        super().__init__(message, extra={"rule": rule, **extra})
        self.rule = rule


class ForbiddenTransition(ApplicationError):
    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class AlreadyResolved(ForbiddenTransition):
    """The request is finished (resolved, or referred abroad) and can no longer change."""

    code = ErrorCode.ALREADY_RESOLVED


class NotAllowed(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403
