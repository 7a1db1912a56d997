"""Every error the product raises has a stable code of its own and an HTTP status."""

from __future__ import annotations

import importlib
import pkgutil

import contactcenter
from contactcenter.core.errors import ApplicationError, ErrorCode

# The codes clients already read (the public API and the chat socket); renaming one breaks them.
PUBLISHED = {
    "invalid_receipt_number",
    "invalid_a_number",
    "invalid_input",
    "case_not_found",
    "not_found",
    "rate_limited",
    "permission_denied",
    "unknown_message",
}

# Each error class by app and name (a class may move between an app's modules) with its code
# and status. A new error class is added here with a code that says what went wrong.
EXPECTED = {
    "intake.AddressUndeliverable": ("address_undeliverable", 409),
    "intake.CaseDetailsNotAllowed": ("permission_denied", 403),
    "intake.NoEmailAddress": ("invalid_input", 400),
    "intake.NotKeptAside": ("forbidden_transition", 409),
    "mailroom.FaxRefused": ("unacceptable_file", 400),
    "mailroom.NoAddressOnFile": ("no_address_on_file", 409),
    "mailroom.NotMailRoomStaff": ("not_found", 404),
    "mailroom.ScanRefused": ("unacceptable_file", 400),
    "desk.JourneyNotFound": ("not_found", 404),
    "workforce.ForecastInputInvalid": ("invalid_input", 400),
    "workforce.HistoryFileInvalid": ("invalid_data_file", 400),
    "workforce.SkillGroupsInvalid": ("invalid_data_file", 400),
    "surveys.SurveyClosed": ("already_resolved", 410),
    "surveys.SurveyNotFound": ("not_found", 404),
    "surveys.SurveyRefused": ("permission_denied", 403),
    "appointments.AppointmentError": ("invalid_input", 400),
    "appointments.AppointmentNotFound": ("appointment_not_found", 404),
    "appointments.DuplicateRequest": ("duplicate_request", 409),
    "appointments.NotAllowed": ("permission_denied", 403),
    "appointments.ReasonsFileError": ("invalid_data_file", 400),
    "appointments.SlotFull": ("slot_full", 409),
    "appointments.SlotUnavailable": ("slot_unavailable", 409),
    "appointments.WrongState": ("forbidden_transition", 409),
    "assistant.EvaluationFileError": ("invalid_data_file", 400),
    "assistant.InvalidQuestion": ("invalid_input", 400),
    "assistant.KnowledgeError": ("invalid_article", 400),
    "cases.CaseNotFound": ("case_not_found", 404),
    "cases.PersonNotFound": ("not_found", 404),
    "chat.ChatError": ("forbidden_transition", 409),
    "desk.CannedReplyInvalid": ("invalid_input", 400),
    "desk.PersonHistoryNotAvailable": ("not_found", 404),
    "desk.ReplyNotFillable": ("identity_not_verified", 409),
    "chat.LiveHelpClosed": ("live_help_closed", 409),
    "core.ControlCharacters": ("control_characters", 400),
    "core.InvalidANumber": ("invalid_a_number", 400),
    "core.InvalidInput": ("invalid_input", 400),
    "core.InvalidReceiptNumber": ("invalid_receipt_number", 400),
    "core.InvalidReferenceNumber": ("invalid_reference_number", 400),
    "core.NotFound": ("not_found", 404),
    "core.RateLimited": ("rate_limited", 429),
    "core.TryAgain": ("try_again", 503),
    "core.UnacceptableFile": ("unacceptable_file", 400),
    "inquiries.AlreadyVerified": ("already_verified", 409),
    "inquiries.DispositionRefused": ("forbidden_transition", 409),
    "inquiries.ForbiddenTransition": ("forbidden_transition", 409),
    "inquiries.IdentityLocked": ("identity_locked", 423),
    "inquiries.IdentityNotVerified": ("identity_not_verified", 403),
    "ivr.CallChanging": ("call_changed", 409),
    "ivr.IvrError": ("invalid_input", 400),
    "ivr.LineNotFound": ("line_not_found", 404),
    "ivr.StepOutOfOrder": ("step_out_of_order", 409),
    "ivr.Unusable": ("unusable_answer", 400),
    "offices.InvalidZipCode": ("invalid_zip_code", 400),
    "offices.ReferenceDataError": ("invalid_data_file", 400),
    "portal.AccessCodeRefused": ("access_code_refused", 400),
    "portal.AlreadyLinked": ("already_linked", 409),
    "portal.EventFull": ("event_full", 409),
    "routing.NoQueue": ("no_queue", 400),
    "routing.RoutingError": ("routing_refused", 400),
    "servicerequests.AlreadyResolved": ("already_resolved", 409),
    "servicerequests.ForbiddenTransition": ("forbidden_transition", 409),
    "servicerequests.NotAllowed": ("permission_denied", 403),
    "servicerequests.NotOfficeStaff": ("permission_denied", 403),
    "servicerequests.ServiceRequestNotFound": ("service_request_not_found", 404),
    "servicerequests.ServiceRequestRefused": ("service_request_refused", 409),
    "servicerequests.TypeDataError": ("invalid_data_file", 400),
    "records.RetentionFileError": ("invalid_data_file", 400),
    "workforce.StaffingInputInvalid": ("invalid_input", 400),
    "workforce.UnstableQueue": ("unstable_queue", 422),
    "workforce.ShiftPatternsInvalid": ("invalid_data_file", 400),
    "workforce.ScheduleInputInvalid": ("invalid_input", 400),
    "workforce.ScheduleRefused": ("forbidden_transition", 409),
}


def _error_classes() -> dict[str, type[ApplicationError]]:
    for module in pkgutil.walk_packages(contactcenter.__path__, "contactcenter."):
        if ".migrations" not in module.name and "management.commands" not in module.name:
            importlib.import_module(module.name)
    found: dict[str, type[ApplicationError]] = {}
    pending = list(ApplicationError.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("contactcenter."):
            found[f"{cls.__module__.split('.')[1]}.{cls.__name__}"] = cls
    return found


def test_every_error_class_has_the_code_and_status_listed():
    found = {name: (str(cls.code), cls.http_status) for name, cls in _error_classes().items()}
    assert found == EXPECTED


def test_only_bad_input_says_invalid_input():
    # A 409, 403 or 404 that says invalid_input tells the client to fix what it sent.
    for name, cls in _error_classes().items():
        if cls.code == ErrorCode.INVALID_INPUT:
            assert cls.http_status == 400, name


def test_the_published_codes_keep_their_names():
    assert {str(code) for code in ErrorCode} >= PUBLISHED


def test_no_two_codes_share_a_value():
    # A repeated value would make the second name an alias of the first (iteration skips it).
    assert len(ErrorCode.__members__) == len(ErrorCode)
