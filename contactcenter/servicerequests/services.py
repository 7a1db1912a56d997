"""Every write to service requests: creation (by Tier 1 or Tier 2 from an inquiry, or by the
person online; the rules and writes of a new request are in ``creation.py``), and the office's
work on them.

States: routed -> in_progress -> resolved; a request for a case held abroad is referred at
creation and never enters an office queue. Transfers put a request back to routed at the new
office with its due date unchanged: the person's clock does not restart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.access import can_view_case_personal_data
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import CaseNotFound, person_contact_for_service
from contactcenter.cases.services import PersonDetails, case_status_record, person_upsert
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.domain_events import ContactEventKind as Event
from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.inquiries.models import (
    Channel,
    DispositionCode,
    Inquiry,
    InquiryState,
    VerifiedAs,
)
from contactcenter.inquiries.services import (
    inquiry_open,
    inquiry_resolve,
    inquiry_verified_by_account,
)
from contactcenter.offices.models import Office
from contactcenter.people.models import Person
from contactcenter.servicerequests.contact_events import service_request_report
from contactcenter.servicerequests.creation import (
    CASE_FOR_REQUEST,
    ServiceRequestCreated,
    creation_input_check,
    service_request_create_numbered,
    submitter_for,
)
from contactcenter.servicerequests.errors import AlreadyResolved, ForbiddenTransition
from contactcenter.servicerequests.evidence import EvidenceUpload
from contactcenter.servicerequests.models import (
    OPEN_STATES,
    WORKING_OFFICE_KINDS,
    EventKind,
    Outcome,
    Rule,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestState,
    Submitter,
)
from contactcenter.servicerequests.notices import service_request_notify
from contactcenter.servicerequests.request_types import service_request_type_get
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

logger = logging.getLogger(__name__)


def number_spoken(number: str) -> str:
    """``12345678`` -> ``1 2 3 4, 5 6 7 8``: groups of four for text-to-speech and agents."""
    return f"{' '.join(number[:4])}, {' '.join(number[4:])}"


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
        submitter = submitter_for(actor)
        if inquiry.state == InquiryState.CLOSED:
            raise ForbiddenTransition(_("This inquiry is closed."))
        if not inquiry.is_verified or inquiry.case_id is None:
            raise InvalidInput(_("Verify the person's identity before creating a request."))
        case = CASE_FOR_REQUEST.get(inquiry.case_id)
        if not can_view_case_personal_data(actor, case):
            raise CaseNotFound(_("No case was found with that receipt number."))
        request_type = service_request_type_get(type_code)
        cleaned, checked = creation_input_check(
            request_type=request_type,
            submitter=submitter,
            channel=inquiry.channel,
            details=details,
            evidence=evidence,
        )
        return service_request_create_numbered(
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
        request_type = service_request_type_get(type_code)
        cleaned, checked = creation_input_check(
            request_type=request_type,
            submitter=Submitter.PERSON,
            channel=Channel.SECURE_MESSAGE,
            details=details,
            evidence=evidence,
        )
        # Where to answer: the contacts on the person's record, read through the audited path.
        contact = person_contact_for_service(
            person=person, case=case, fields=("email", "phone"), service="service requests",
            channel=DisclosureChannel.SECURE_MESSAGE,
            purpose=f"online {request_type.code} request", for_verified_person=True,
        )  # fmt: skip
        inquiry = inquiry_open(
            channel=Channel.SECURE_MESSAGE,
            language=language,
            topic=f"service request: {request_type.code}",
            person=person,
            case=case,
            contact_email=contact.email,
            contact_phone=contact.phone,
        )
        inquiry = inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as=verified_as)
        created = service_request_create_numbered(
            inquiry=inquiry,
            case=CASE_FOR_REQUEST.get(case.pk),
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
                DispositionCode.REFERRED
                if created.referred
                else DispositionCode.SERVICE_REQUEST_CREATED
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


def _start(request: ServiceRequest, actor: User) -> None:
    if request.state == ServiceRequestState.ROUTED:
        request.state = ServiceRequestState.IN_PROGRESS
        request.opened_at = timezone.now()
        request.save(update_fields=["state", "opened_at", "updated_at"])
        _event(request, EventKind.OPENED, actor=actor, office=request.office)
        waited = (request.opened_at - request.created_at).total_seconds()
        service_request_report(Event.ANSWERED, request, actor_user_id=actor.pk,
                               at=request.opened_at, waited_seconds=round(waited, 3))  # fmt: skip


def _finish(request: ServiceRequest, *, actor: User, outcome: str, note: str) -> None:
    request.state = ServiceRequestState.RESOLVED
    request.resolved_at = timezone.now()
    request.outcome = outcome
    request.save(update_fields=["state", "resolved_at", "outcome", "updated_at"])
    _event(request, EventKind.RESOLVED, actor=actor, body=note, data={"outcome": outcome})
    service_request_report(Event.RESOLVED, request, actor_user_id=actor.pk,
                           at=request.resolved_at, outcome=str(outcome))  # fmt: skip
    service_request_notify(request)


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
    notified = service_request_notify(locked)
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
    service_request_report(Event.TRANSFERRED, locked, actor_user_id=actor.pk,
                           from_office_id=from_office_id)  # fmt: skip
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
