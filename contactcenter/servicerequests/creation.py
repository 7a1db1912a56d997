"""A new service request: who may submit it and how, the rules that refuse it, the office that
will work it, and its writes (the request, its history and evidence in one statement or one
transaction, retried with a new number when the one drawn was taken).

A request is refused, with a message in the person's language and nothing written, when:
a "case outside normal processing time" request comes before the date from which it may be
made; a change of address comes online for a person with a VAWA, T or U case; or a request of
the same type is already open on the case (the person is given that one's number and state).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.access import person_is_protected, protected_annotation
from contactcenter.cases.models import Case
from contactcenter.cases.processing_times import inquiry_eligibility, processing_time_current
from contactcenter.cases.selectors import ContactOnFile, person_contact_for_service
from contactcenter.cases.services import case_status_record
from contactcenter.cases.statuses import FINAL_STATUSES, CaseStatus
from contactcenter.core.db_inserts import insert_with_children
from contactcenter.core.db_prepared import PreparedGet
from contactcenter.core.domain_events import ContactEventKind as Event
from contactcenter.core.errors import InvalidInput, TryAgain
from contactcenter.inquiries.models import Inquiry
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.offices.selectors import InvalidZipCode, field_office_for_zip
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.servicerequests.contact_events import service_request_report
from contactcenter.servicerequests.errors import NotAllowed, ServiceRequestRefused
from contactcenter.servicerequests.evidence import (
    EvidenceUpload,
    evidence_check,
    evidence_path,
    evidence_write,
)
from contactcenter.servicerequests.models import (
    OPEN_STATES,
    EventKind,
    EvidenceFile,
    ExpediteCriterion,
    Outcome,
    PriorityRule,
    ReplyChannel,
    Routing,
    Rule,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestState,
    ServiceRequestType,
    Submitter,
)
from contactcenter.servicerequests.request_types import details_clean
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

logger = logging.getLogger(__name__)

NUMBER_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class ServiceRequestCreated:
    request: ServiceRequest
    referred: bool
    # What to show or read to the person, in their language: the number and the due date, or
    # for a case held abroad the international office's contact details.
    message: str
    office_contact: str = ""


def _number_draw() -> str:
    return str(secrets.randbelow(90_000_000) + 10_000_000)


def submitter_for(actor: User) -> str:
    roles = user_roles(actor)
    if roles & {Role.TIER2, Role.SUPERVISOR, Role.ADMIN}:
        return Submitter.TIER2
    if Role.TIER1 in roles:
        return Submitter.TIER1
    raise NotAllowed(_("Only Tier 1 and Tier 2 staff create service requests."))


def _date_text(moment: dt.datetime | dt.date) -> str:
    from django.utils.formats import date_format

    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return date_format(day)


def _refuse_duplicate(case: Case, request_type: ServiceRequestType) -> None:
    existing = (
        ServiceRequest.objects.filter(case=case, type=request_type, state__in=OPEN_STATES)
        .only("number", "state", "due_at")
        .first()
    )
    if existing is not None:
        raise ServiceRequestRefused(
            _(
                "A request of this kind is already open for this case: number %(number)s, "
                "%(state)s. We will answer it by %(date)s, so there is no need for another."
            )
            % {
                "number": existing.number,
                "state": str(ServiceRequestState(existing.state).label).lower(),
                "date": _date_text(existing.due_at),
            },
            rule="duplicate",
            existing_number=existing.number,
            existing_state=existing.state,
        )


def _refuse_before_processing_time(case: Case) -> None:
    eligibility = inquiry_eligibility(
        receipt_date=case.receipt_date,
        status=case.status,
        processing_time=processing_time_current(
            form_id=case.form_id, category_id=case.category_id, office_id=case.office_id
        ),
    )
    if not eligibility.allowed_now:
        raise ServiceRequestRefused(
            str(eligibility.message),
            rule="within_processing_time",
            eligible_on=eligibility.eligible_on.isoformat() if eligibility.eligible_on else None,
        )


def _routes_by_zip(request_type: ServiceRequestType, case: Case) -> bool:
    return request_type.routing == Routing.FIELD_OFFICE_BY_ZIP and (
        case.office.kind != OfficeKind.INTERNATIONAL
    )


def _route(
    *, request_type: ServiceRequestType, case: Case, contact: ContactOnFile
) -> tuple[Office, str]:
    """The office that will work the request, and how it was chosen."""
    if _routes_by_zip(request_type, case):
        try:
            office = field_office_for_zip(contact.zip_code) if contact.zip_code else None
        except InvalidZipCode:
            office = None
        if office is not None:
            return office, "field_office_by_zip"
        # No field office serves the ZIP on file: the holding office can still reschedule.
        return case.office, "holding_office_no_field_office"
    return case.office, "holding_office"


def _reply_channel(inquiry: Inquiry, contact: ContactOnFile, wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in ReplyChannel.values:
            raise InvalidInput(_("Choose email or text message for the answer."))
        return wanted
    if inquiry.contact_email or contact.email:
        return ReplyChannel.EMAIL
    if inquiry.contact_phone or contact.phone:
        return ReplyChannel.SMS
    return ReplyChannel.NONE


def _contact_needed(
    *, inquiry: Inquiry, case: Case, request_type: ServiceRequestType, reply_channel: str | None
) -> ContactOnFile:
    """What of the applicant's record the request needs, read once through the audited path:
    the ZIP code to route by, an address or number to answer by when the inquiry gave none."""
    fields = ["zip_code"] if _routes_by_zip(request_type, case) else []
    if reply_channel is None and not (inquiry.contact_email or inquiry.contact_phone):
        fields += ["email", "phone"]
    if not fields:
        return ContactOnFile()
    return person_contact_for_service(
        person=case.applicant, case=case, fields=fields, service="service requests",
        channel=inquiry.channel if inquiry.channel in DisclosureChannel.values
        else DisclosureChannel.OFFICE_QUEUE,
        purpose=f"new {request_type.code} request, inquiry {inquiry.reference_number}",
        for_verified_person=True,
    )  # fmt: skip


def _office_contact(office: Office, language: str) -> str:
    note = office.public_contact_note_es if language == "es" else office.public_contact_note_en
    if note:
        return note
    parts = [office.name(language), office.phone, office.email]
    return " · ".join(part for part in parts if part)


def _create(
    *,
    inquiry: Inquiry,
    case: Case,
    request_type: ServiceRequestType,
    submitter: str,
    actor: User | None,
    details: dict[str, str],
    evidence: Sequence,
    reply_channel: str | None,
    number: str,
    check_duplicate: bool,
) -> ServiceRequestCreated:
    language = inquiry.language
    if check_duplicate:
        _refuse_duplicate(case, request_type)
    if (
        request_type.rule == Rule.CHANGE_OF_ADDRESS
        and submitter == Submitter.PERSON
        and person_is_protected(case)
    ):
        raise ServiceRequestRefused(
            _(
                "For your safety, we cannot take a change of address online for this case. "
                "Please call us and an agent will take it after checking who you are."
            ),
            rule="address_not_online",
        )
    if request_type.rule == Rule.PROCESSING_TIME:
        _refuse_before_processing_time(case)
    if request_type.rule == Rule.EXPEDITE and case.status in FINAL_STATUSES:
        raise ServiceRequestRefused(
            _("A decision has already been made on this case, so it cannot be expedited."),
            rule="decided",
        )

    now = timezone.now()
    referred = case.office.kind == OfficeKind.INTERNATIONAL
    on_record = _contact_needed(
        inquiry=inquiry, case=case, request_type=request_type, reply_channel=reply_channel
    )
    office, how = (
        (case.office, "referred")
        if referred
        else _route(request_type=request_type, case=case, contact=on_record)
    )
    high = request_type.priority_rule == PriorityRule.HIGH or (
        request_type.priority_rule == PriorityRule.HIGH_WHEN_URGENT
        and (
            inquiry.urgency == "urgent"
            or details.get("criterion") == ExpediteCriterion.URGENT_HUMANITARIAN
        )
    )
    request = ServiceRequest(
        number=number,
        type=request_type,
        inquiry=inquiry,
        case=case,
        office=office,
        state=ServiceRequestState.REFERRED if referred else ServiceRequestState.ROUTED,
        submitted_by=submitter,
        submitted_by_user=actor,
        language=language,
        reply_channel=_reply_channel(inquiry, on_record, reply_channel),
        high_priority=high,
        details=details,
        due_at=live_help_calendar().add_business_days(now, request_type.response_business_days),
        resolved_at=now if referred else None,
        outcome=Outcome.REFERRED if referred else Outcome.NONE,
    )
    insert_with_children(
        request,
        [
            ServiceRequestEvent(
                kind=EventKind.CREATED,
                actor=actor,
                data={"type": request_type.code, "by": submitter, "channel": inquiry.channel},
            ),
            ServiceRequestEvent(
                kind=EventKind.REFERRED if referred else EventKind.ROUTED,
                office=office,
                data={"how": how},
            ),
        ],
        link="request",
    )
    _evidence_store(request, evidence)
    if request_type.rule == Rule.EXPEDITE and not referred:
        case_status_record(
            case=case, status=CaseStatus.EXPEDITE_RECEIVED, status_date=timezone.localdate()
        )
    logger.info(
        "servicerequest.created",
        extra={"request_id": request.pk, "type": request_type.code, "referred": referred},
    )
    actor_id = actor.pk if actor is not None else None
    service_request_report(Event.STARTED, request, actor_user_id=actor_id, at=now,
                           by=submitter, high_priority=high)  # fmt: skip
    if referred:  # the office abroad answers it: nothing waits here
        service_request_report(Event.TRANSFERRED, request, at=now, to="abroad")
        service_request_report(Event.RESOLVED, request, at=now, outcome=str(Outcome.REFERRED))
    else:
        service_request_report(Event.QUEUED, request, at=now, how=how)
    if referred:
        contact = _office_contact(office, language)
        message = _(
            "Your case is held by our office abroad, so we have referred your request to it "
            "(number %(number)s). Contact that office directly: %(contact)s"
        ) % {"number": number, "contact": contact}
        return ServiceRequestCreated(request, True, message, contact)
    message = _(
        "Your service request number is %(number)s. The office that holds your case will "
        "answer by %(date)s. An officer who calls you will quote this number."
    ) % {"number": number, "date": _date_text(request.due_at)}
    return ServiceRequestCreated(request, False, message)


def _evidence_store(request: ServiceRequest, evidence: Sequence) -> None:
    written: list[str] = []
    try:
        for item in evidence:
            relative = evidence_write(number=request.number, evidence=item)
            written.append(relative)
            EvidenceFile.objects.create(
                request=request,
                path=relative,
                content_type=item.content_type,
                size=len(item.content),
                sha256=item.sha256,
            )
    except BaseException:
        for relative in written:
            Path(evidence_path(relative)).unlink(missing_ok=True)
        raise


def _needs_transaction(*, evidence: Sequence, request_type: ServiceRequestType, **_: Any) -> bool:
    """Whether this creation needs an explicit transaction around it.

    The usual request (no evidence files, no case-status change) is written by one statement
    on PostgreSQL, atomic by itself, so BEGIN and COMMIT would only cost two round trips.
    Inside a caller's transaction a savepoint is still needed, so a refused attempt (a number
    already taken) can be retried without spoiling the caller's work.
    """
    return (
        bool(evidence)
        or request_type.rule == Rule.EXPEDITE
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    )


def service_request_create_numbered(**kwargs: Any) -> ServiceRequestCreated:
    """Create in one transaction, drawing numbers until one is free.

    The database decides duplicates: the first attempt inserts without asking, and the partial
    unique index on open requests refuses a second open request of the type on the case. Any
    refusal (that, a number already taken, or a duplicate committed by someone else at the
    same moment) rolls back only this attempt; the next one looks for the open request first
    and, if there is one, refuses with its number. This keeps the usual path to the writes.
    """
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic() if _needs_transaction(**kwargs) else nullcontext():
                return _create(number=_number_draw(), check_duplicate=attempt > 0, **kwargs)
        except IntegrityError:
            continue
    raise TryAgain(_("We could not create the request just now; please try again."))


def creation_input_check(
    *,
    request_type: ServiceRequestType,
    submitter: str,
    channel: str,
    details: Mapping[str, object],
    evidence: Sequence[EvidenceUpload],
) -> tuple[dict[str, str], list]:
    if submitter not in request_type.submitters:
        raise NotAllowed(_("This kind of request cannot be submitted this way."))
    if channel not in request_type.channels:
        raise InvalidInput(_("This kind of request is not taken through this channel."))
    cleaned = details_clean(request_type=request_type, details=details)
    checked = evidence_check(evidence)
    if request_type.rule == Rule.EXPEDITE and not checked:
        raise InvalidInput(_("An expedite request needs at least one evidence file."))
    if request_type.rule != Rule.EXPEDITE and checked:
        raise InvalidInput(_("Only expedite requests take evidence files."))
    return cleaned, checked


# The case behind a new request, with its office, its applicant and whether the applicant is
# protected, in one statement compiled once and prepared on each connection: creation is a hot
# path, and compiling this three-table query cost more than running it.
CASE_FOR_REQUEST = PreparedGet(
    lambda: Case.objects.select_related("office", "applicant").annotate(**protected_annotation())
)
