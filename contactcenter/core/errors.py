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
    # Bad input, by what was wrong with it.
    INVALID_REFERENCE_NUMBER = "invalid_reference_number"
    INVALID_ZIP_CODE = "invalid_zip_code"
    INVALID_DATA_FILE = "invalid_data_file"
    INVALID_ARTICLE = "invalid_article"
    UNKNOWN_MESSAGE = "unknown_message"
    # Refused at the edge: a body past the size cap, a file whose content is not acceptable,
    # text carrying control characters.
    REQUEST_TOO_LARGE = "request_too_large"
    UNACCEPTABLE_FILE = "unacceptable_file"
    CONTROL_CHARACTERS = "control_characters"
    # Nothing of that kind with that number (missing and forbidden alike).
    SERVICE_REQUEST_NOT_FOUND = "service_request_not_found"
    APPOINTMENT_NOT_FOUND = "appointment_not_found"
    LINE_NOT_FOUND = "line_not_found"
    # The record's state does not allow the change.
    FORBIDDEN_TRANSITION = "forbidden_transition"
    ALREADY_RESOLVED = "already_resolved"
    ALREADY_LINKED = "already_linked"
    ALREADY_HANDED_OFF = "already_handed_off"
    NOT_HANDED_OFF = "not_handed_off"
    CHAT_ENDED = "chat_ended"
    IDENTITY_LOCKED = "identity_locked"
    IDENTITY_NOT_VERIFIED = "identity_not_verified"
    # A rule of the service refuses the request.
    SERVICE_REQUEST_REFUSED = "service_request_refused"
    ACCESS_CODE_REFUSED = "access_code_refused"
    DUPLICATE_REQUEST = "duplicate_request"
    SLOT_FULL = "slot_full"
    SLOT_UNAVAILABLE = "slot_unavailable"
    EVENT_FULL = "event_full"
    LIVE_HELP_CLOSED = "live_help_closed"
    NO_QUEUE = "no_queue"
    ROUTING_REFUSED = "routing_refused"
    NO_EARLIER_VERSION = "no_earlier_version"
    STEP_OUT_OF_ORDER = "step_out_of_order"
    CALL_CHANGED = "call_changed"
    ADDRESS_UNDELIVERABLE = "address_undeliverable"
    NO_ADDRESS_ON_FILE = "no_address_on_file"
    UNUSABLE_ANSWER = "unusable_answer"
    # Staffing: more work offered than the agents can ever do, so the queue grows without end.
    UNSTABLE_QUEUE = "unstable_queue"
    # The agent's calls ring at a phone number, so the browser phone has nothing to do.
    VOICE_DEVICE_IS_PHONE = "voice_device_is_phone"
    # The installation or the moment: nothing the person did wrong.
    UNAVAILABLE = "unavailable"
    TRY_AGAIN = "try_again"


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


class UnacceptableFile(InvalidInput):
    """A file refused for its content (a PDF carrying script, an image that does not parse)."""

    code = ErrorCode.UNACCEPTABLE_FILE
    http_status = 400


class TryAgain(ApplicationError):
    """A write that lost a race it cannot win by waiting (a number drawn twice, say); asking
    again is expected to work."""

    code = ErrorCode.TRY_AGAIN
    http_status = 503


class RateLimited(ApplicationError):
    code = ErrorCode.RATE_LIMITED
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, extra={"retry_after": retry_after})
        self.retry_after = retry_after
