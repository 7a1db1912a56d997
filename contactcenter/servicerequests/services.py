"""Every write to service requests: creation (by Tier 1 or Tier 2 from an inquiry, or by the
person online), routing, and the office's work on them.

A request is refused, with a message in the person's language and nothing written, when:
a "case outside normal processing time" request comes before the date from which it may be
made; a change of address comes online for a person with a VAWA, T or U case; or a request of
the same type is already open on the case (the person is given that one's number and state).

States: routed -> in_progress -> resolved; a request for a case held abroad is referred at
creation and never enters an office queue. Transfers put a request back to routed at the new
office with its due date unchanged: the person's clock does not restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.cases.models import Case
from contactcenter.cases.processing_times import inquiry_eligibility, processing_time_current
from contactcenter.cases.selectors import CaseNotFound
from contactcenter.cases.services import PersonDetails, case_status_record, person_upsert
from contactcenter.cases.statuses import FINAL_STATUSES, CaseStatus
from contactcenter.core.db_inserts import insert_with_children
from contactcenter.core.db_prepared import PreparedGet
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound, TryAgain
from contactcenter.inquiries.models import (
    Channel,
    Disposition,
    Inquiry,
    InquiryState,
    VerifiedAs,
)
from contactcenter.inquiries.services import (
    inquiry_open,
    inquiry_resolve,
    inquiry_verified_by_account,
)
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.offices.selectors import InvalidZipCode, field_office_for_zip
from contactcenter.people.models import Person
from contactcenter.routing.calendar import live_help_calendar
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
from contactcenter.staff.roles import (
    can_view_case_personal_data,
    person_is_protected,
    protected_annotation,
    user_roles,
)

logger = logging.getLogger(__name__)

NUMBER_ATTEMPTS = 8
# Offices that work requests; support centers take biometrics only, and requests are never
# sent abroad (they are referred there instead).
WORKING_OFFICE_KINDS = frozenset(
    {
        OfficeKind.SERVICE_CENTER,
        OfficeKind.BENEFITS_CENTER,
        OfficeKind.FIELD_OFFICE,
        OfficeKind.ASYLUM_OFFICE,
    }
)


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


@dataclass(frozen=True, slots=True)
class ServiceRequestCreated:
    request: ServiceRequest
    referred: bool
    # What to show or read to the person, in their language: the number and the due date, or
    # for a case held abroad the international office's contact details.
    message: str
    office_contact: str = ""


def number_spoken(number: str) -> str:
    """``12345678`` -> ``1 2 3 4, 5 6 7 8``: groups of four for text-to-speech and agents."""
    return f"{' '.join(number[:4])}, {' '.join(number[4:])}"


def _number_draw() -> str:
    return str(secrets.randbelow(90_000_000) + 10_000_000)


# --- Creation ----------------------------------------------------------------------------------


def _submitter_for(actor: User) -> str:
    roles = user_roles(actor)
    if roles & {Role.TIER2, Role.SUPERVISOR, Role.ADMIN}:
        return Submitter.TIER2
    if Role.TIER1 in roles:
        return Submitter.TIER1
    raise NotAllowed(_("Only Tier 1 and Tier 2 staff create service requests."))


_TYPES_CACHE: dict[str, tuple[float, dict[str, ServiceRequestType]]] = {}
_TYPES_TTL_SECONDS = 60.0


def service_request_types_cache_reset() -> None:
    _TYPES_CACHE.clear()


def _type_get(code: str) -> ServiceRequestType:
    """An active type by code. Types are reference data read on every creation, so each
    process keeps them for a minute (like the live-help calendar): a type changed in the admin
    or by a load reaches every process within that time."""
    cached = _TYPES_CACHE.get("types")
    if cached is None or time.monotonic() - cached[0] >= _TYPES_TTL_SECONDS:
        types = {t.code: t for t in ServiceRequestType.objects.filter(active=True)}
        cached = (time.monotonic(), types)
        _TYPES_CACHE["types"] = cached
    request_type = cached[1].get(code)
    if request_type is None:
        raise InvalidInput(_("That is not a kind of service request we take."))
    return request_type


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


def _route(
    *, request_type: ServiceRequestType, case: Case, applicant: Person
) -> tuple[Office, str]:
    """The office that will work the request, and how it was chosen."""
    if request_type.routing == Routing.FIELD_OFFICE_BY_ZIP and case.office.kind != (
        OfficeKind.INTERNATIONAL
    ):
        try:
            office = field_office_for_zip(applicant.zip_code) if applicant.zip_code else None
        except InvalidZipCode:
            office = None
        if office is not None:
            return office, "field_office_by_zip"
        # No field office serves the ZIP on file: the holding office can still reschedule.
        return case.office, "holding_office_no_field_office"
    return case.office, "holding_office"


def _reply_channel(inquiry: Inquiry, applicant: Person, wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in ReplyChannel.values:
            raise InvalidInput(_("Choose email or text message for the answer."))
        return wanted
    if inquiry.contact_email or applicant.email:
        return ReplyChannel.EMAIL
    if inquiry.contact_phone or applicant.phone:
        return ReplyChannel.SMS
    return ReplyChannel.NONE


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
    applicant = case.applicant
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
    office, how = (
        (case.office, "referred")
        if referred
        else _route(request_type=request_type, case=case, applicant=applicant)
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
        reply_channel=_reply_channel(inquiry, applicant, reply_channel),
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


def _create_with_number(**kwargs: Any) -> ServiceRequestCreated:
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


def _checked_input(
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
_CASE_FOR_REQUEST = PreparedGet(
    lambda: Case.objects.select_related("office", "applicant").annotate(**protected_annotation())
)


def service_request_create(
    *,
    inquiry: Inquiry,
    actor: User,
    type_code: str,
    details: Mapping[str, object],
    evidence: Sequence[EvidenceUpload] = (),
    reply_channel: str | None = None,
) -> ServiceRequestCreated:
    """Tier 1 or Tier 2 creates a request from an inquiry (the desk action).

    Preconditions: the inquiry is open, the person's identity was verified on it (which ties
    it to a case), and ``actor`` may work that case. Messages come in the inquiry's language,
    ready to read to the person. Raises ``ServiceRequestRefused`` when a rule applies,
    ``InvalidInput`` for bad details or files; either way nothing is written. The checks before
    the writes only read; every write (the request, its history, evidence, the note on the
    inquiry) is in one transaction, retried whole when the number drawn was taken.
    """
    with translation.override(inquiry.language):
        submitter = _submitter_for(actor)
        if inquiry.state == InquiryState.CLOSED:
            raise ForbiddenTransition(_("This inquiry is closed."))
        if not inquiry.is_verified or inquiry.case_id is None:
            raise InvalidInput(_("Verify the person's identity before creating a request."))
        case = _CASE_FOR_REQUEST.get(inquiry.case_id)
        if not can_view_case_personal_data(actor, case):
            raise CaseNotFound(_("No case was found with that receipt number."))
        request_type = _type_get(type_code)
        cleaned, checked = _checked_input(
            request_type=request_type,
            submitter=submitter,
            channel=inquiry.channel,
            details=details,
            evidence=evidence,
        )
        return _create_with_number(
            inquiry=inquiry,
            case=case,
            request_type=request_type,
            submitter=submitter,
            actor=actor,
            details=cleaned,
            evidence=checked,
            reply_channel=reply_channel,
        )


@transaction.atomic
def service_request_submit_online(
    *,
    person: Person,
    case: Case,
    type_code: str,
    details: Mapping[str, object],
    language: str,
    evidence: Sequence[EvidenceUpload] = (),
    reply_channel: str | None = None,
    verified_as: str = VerifiedAs.APPLICANT,
) -> ServiceRequestCreated:
    """The person submits a request from their online account (the portal calls this).

    Preconditions: the account has proved that ``person`` is the applicant on ``case`` (the
    account link or an Online Access Code); this is checked again here. An inquiry is opened on
    the secure-message channel and closed with the matching disposition, so every request has
    its inquiry, marked verified by the account (``verified_as``: the applicant, or their
    representative). On refusal nothing is written, not even the inquiry.
    """
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    with translation.override(language):
        if case.applicant_id != person.pk:
            raise CaseNotFound(_("No case was found with that receipt number."))
        request_type = _type_get(type_code)
        cleaned, checked = _checked_input(
            request_type=request_type,
            submitter=Submitter.PERSON,
            channel=Channel.SECURE_MESSAGE,
            details=details,
            evidence=evidence,
        )
        inquiry = inquiry_open(
            channel=Channel.SECURE_MESSAGE,
            language=language,
            topic=f"service request: {request_type.code}",
            person=person,
            case=case,
            contact_email=person.email,
            contact_phone=person.phone,
        )
        inquiry = inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as=verified_as)
        created = _create_with_number(
            inquiry=inquiry,
            case=_CASE_FOR_REQUEST.get(case.pk),
            request_type=request_type,
            submitter=Submitter.PERSON,
            actor=None,
            details=cleaned,
            evidence=checked,
            reply_channel=reply_channel,
        )
        inquiry_resolve(
            inquiry=inquiry,
            actor=None,
            disposition=(
                Disposition.REFERRED if created.referred else Disposition.SERVICE_REQUEST_CREATED
            ),
            note=f"Service request {created.request.number}",
        )
        return created


# --- Office work -------------------------------------------------------------------------------


def _lock(request: ServiceRequest, actor: User) -> ServiceRequest:
    """The request, locked, if ``actor`` works at its office; otherwise "not found"."""
    locked = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("type", "inquiry", "case")
        .get(pk=request.pk)
    )
    profile = getattr(actor, "staff_profile", None)
    if (
        Role.OFFICE_STAFF not in user_roles(actor)
        or profile is None
        or profile.office_id != locked.office_id
    ):
        raise NotFound(_("No service request was found with that number."))
    return locked


def _require_open(request: ServiceRequest) -> None:
    if request.state not in OPEN_STATES:
        raise AlreadyResolved(
            _("This request is %(state)s and can no longer be changed.")
            % {"state": str(ServiceRequestState(request.state).label).lower()}
        )


def _event(
    request: ServiceRequest,
    kind: str,
    *,
    actor: User | None,
    body: str = "",
    office: Office | None = None,
    data: dict | None = None,
) -> ServiceRequestEvent:
    return ServiceRequestEvent.objects.create(
        request=request, kind=kind, actor=actor, body=body, office=office, data=data or {}
    )


def _sync(target: ServiceRequest, source: ServiceRequest) -> ServiceRequest:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _notify(request: ServiceRequest) -> bool:
    """Tell the person there is news, by the channel they chose, in their language (sent after
    commit). The text itself waits in their account: messages carry no case details."""
    from contactcenter.notifications.services import notification_queue

    inquiry = request.inquiry
    if request.reply_channel == ReplyChannel.EMAIL:
        recipient = inquiry.contact_email or Person.objects.get(pk=request.case.applicant_id).email
    elif request.reply_channel == ReplyChannel.SMS:
        recipient = inquiry.contact_phone or Person.objects.get(pk=request.case.applicant_id).phone
    else:
        return False
    if not recipient:
        return False
    try:
        # TODO(notifications): a service_request_* message naming the request number.
        notification_queue(
            channel=request.reply_channel,
            recipient=recipient,
            template="inquiry_updated",
            language=request.language,
            inquiry=inquiry,
        )
    except InvalidInput:
        # A stored address that no longer passes the check must not block the office's work.
        logger.warning("servicerequest.notify_skipped", extra={"request_id": request.pk})
        return False
    return True


def _start(request: ServiceRequest, actor: User) -> None:
    if request.state == ServiceRequestState.ROUTED:
        request.state = ServiceRequestState.IN_PROGRESS
        request.opened_at = timezone.now()
        request.save(update_fields=["state", "opened_at", "updated_at"])
        _event(request, EventKind.OPENED, actor=actor, office=request.office)


def _finish(request: ServiceRequest, *, actor: User, outcome: str, note: str) -> None:
    request.state = ServiceRequestState.RESOLVED
    request.resolved_at = timezone.now()
    request.outcome = outcome
    request.save(update_fields=["state", "resolved_at", "outcome", "updated_at"])
    _event(request, EventKind.RESOLVED, actor=actor, body=note, data={"outcome": outcome})
    _notify(request)


@transaction.atomic
def service_request_open(*, request: ServiceRequest, actor: User) -> ServiceRequest:
    """An officer of the request's office takes it up (routed -> in progress)."""
    locked = _lock(request, actor)
    _require_open(locked)
    _start(locked, actor)
    return _sync(request, locked)


def _text(value: str, *, if_empty: str, limit: int = 4000) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(if_empty)
    if len(value) > limit:
        raise InvalidInput(_("Write at most %(count)d characters.") % {"count": limit})
    return value


@transaction.atomic
def service_request_reply(
    *, request: ServiceRequest, actor: User, body: str
) -> ServiceRequestEvent:
    """Answer the person. The answer is kept on the request for their account, and they are
    told by email or text, in their language, that there is news. ``data["notified"]`` says
    whether a message could be sent (False: no written contact; call them instead)."""
    text = _text(body, if_empty=_("Write the answer."))
    locked = _lock(request, actor)
    _require_open(locked)
    _start(locked, actor)
    notified = _notify(locked)
    _sync(request, locked)
    return _event(locked, EventKind.REPLY, actor=actor, body=text, data={"notified": notified})


@transaction.atomic
def service_request_resolve(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """Close a request as done. Expedites are closed by a decision instead."""
    text = _text(note, if_empty=_("Write the resolution."))
    locked = _lock(request, actor)
    _require_open(locked)
    if locked.type.rule == Rule.EXPEDITE:
        raise ForbiddenTransition(_("Approve or deny the expedite request instead."))
    _finish(locked, actor=actor, outcome=Outcome.DONE, note=text)
    return _sync(request, locked)


@transaction.atomic
def service_request_transfer(
    *, request: ServiceRequest, actor: User, to_office: Office, reason: str
) -> ServiceRequest:
    """Send the request to another office; the due date stays, the history keeps both."""
    text = _text(reason, if_empty=_("Give the reason for the transfer."), limit=500)
    locked = _lock(request, actor)
    _require_open(locked)
    if to_office.pk == locked.office_id:
        raise InvalidInput(_("The request is already at that office."))
    if to_office.kind not in WORKING_OFFICE_KINDS:
        raise InvalidInput(_("Requests can only go to an office that works them."))
    from_office_id = locked.office_id
    locked.office = to_office
    locked.state = ServiceRequestState.ROUTED
    locked.opened_at = None
    locked.save(update_fields=["office", "state", "opened_at", "updated_at"])
    _event(
        locked,
        EventKind.TRANSFERRED,
        actor=actor,
        office=to_office,
        body=text,
        data={"from_office_id": from_office_id, "to_office_id": to_office.pk},
    )
    logger.info("servicerequest.transferred", extra={"request_id": locked.pk})
    return _sync(request, locked)


@transaction.atomic
def service_request_expedite_decide(
    *, request: ServiceRequest, actor: User, approve: bool, reason: str
) -> ServiceRequest:
    """The office's decision on an expedite; the case status becomes "Expedite Request Was
    Approved" or "... Denied" and the person is told there is news."""
    text = _text(reason, if_empty=_("Give the reason for the decision."), limit=2000)
    locked = _lock(request, actor)
    _require_open(locked)
    if locked.type.rule != Rule.EXPEDITE:
        raise InvalidInput(_("Only expedite requests are approved or denied."))
    status = CaseStatus.EXPEDITE_APPROVED if approve else CaseStatus.EXPEDITE_DENIED
    case_status_record(
        case=locked.case, status=status, status_date=timezone.localdate(), office=locked.office
    )
    _event(locked, EventKind.EXPEDITE_DECIDED, actor=actor, body=text, data={"approved": approve})
    outcome = Outcome.EXPEDITE_APPROVED if approve else Outcome.EXPEDITE_DENIED
    _finish(locked, actor=actor, outcome=outcome, note=text)
    return _sync(request, locked)


@transaction.atomic
def service_request_address_verify(
    *, request: ServiceRequest, actor: User, note: str = ""
) -> ServiceRequest:
    """The office checked the new address: it becomes the person's address of record, the
    request's history (on the case) records that it changed, and the request is resolved."""
    locked = _lock(request, actor)
    _require_open(locked)
    if locked.type.rule != Rule.CHANGE_OF_ADDRESS:
        raise InvalidInput(_("Only a change of address updates the address."))
    applicant = Person.objects.get(pk=locked.case.applicant_id)
    details = locked.details
    result = person_upsert(
        details=PersonDetails(
            given_name=applicant.given_name,
            family_name=applicant.family_name,
            street=details["street"],
            city=details["city"],
            state=details["state"],
            zip_code=details["zip_code"],
        ),
        case=locked.case,
    )
    # The history says that the address changed, never what it was or became.
    _event(
        locked,
        EventKind.ADDRESS_UPDATED,
        actor=actor,
        data={"case_id": locked.case_id, "outcome": str(result.outcome)},
    )
    _finish(locked, actor=actor, outcome=Outcome.ADDRESS_UPDATED, note=note.strip()[:2000])
    return _sync(request, locked)
