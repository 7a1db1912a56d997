"""One error base for the whole product, rendered the same way by every adapter."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_RECEIPT_NUMBER = "invalid_receipt_number"
    INVALID_A_NUMBER = "invalid_a_number"
    INVALID_INPUT = "invalid_input"
    CASE_NOT_FOUND = "case_not_found"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    PERMISSION_DENIED = "permission_denied"
    ALREADY_VERIFIED = "already_verified"


class ApplicationError(Exception):
    """An error whose ``message`` is safe to show to the person who caused it."""

    code: ErrorCode = ErrorCode.INVALID_INPUT
    http_status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        http_status: int | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.extra = extra or {}

    def as_dict(self) -> dict[str, object]:
        return {"code": str(self.code), "message": str(self.message), **self.extra}


class InvalidInput(ApplicationError):
    code = ErrorCode.INVALID_INPUT
    http_status = 400


class NotFound(ApplicationError):
    code = ErrorCode.NOT_FOUND
    http_status = 404


class RateLimited(ApplicationError):
    code = ErrorCode.RATE_LIMITED
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, extra={"retry_after": retry_after})
        self.retry_after = retry_after
