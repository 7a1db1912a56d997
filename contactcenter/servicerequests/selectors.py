"""Reads of service requests. Office staff see their own office's requests only (anything else
is "not found", so nobody can probe for numbers); case data reaches them only through the
audited selectors; the public look-up carries nothing personal."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import CaseForWork, case_for_work
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.text_patterns import (
    SEPARATORS_RE,
    SERVICE_REQUEST_NUMBER_MAX_LENGTH,
    SERVICE_REQUEST_NUMBER_PATTERN,
)
from contactcenter.inquiries.models import Inquiry
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.routing.models import WorkItem
from contactcenter.servicerequests.creation import submitter_for
from contactcenter.servicerequests.models import (
    OPEN_STATES,
    WORKING_OFFICE_KINDS,
    EvidenceFile,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestState,
    ServiceRequestType,
)
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

_NUMBER_RE = re.compile(SERVICE_REQUEST_NUMBER_PATTERN)


class NotOfficeStaff(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


class ServiceRequestNotFound(NotFound):
    code = ErrorCode.SERVICE_REQUEST_NOT_FOUND


def _not_found() -> ServiceRequestNotFound:
    return ServiceRequestNotFound(_("No service request was found with that number."))


def number_parse(raw: object) -> str:
    """An 8-digit service request number, spaces and dashes allowed, or a clear error."""
    if not isinstance(raw, str):
        raise InvalidInput(_("A service request number must be text."))
    # Exactly what the published pattern says (SERVICE_REQUEST_NUMBER_PATTERN).
    if len(raw) > SERVICE_REQUEST_NUMBER_MAX_LENGTH or _NUMBER_RE.fullmatch(raw) is None:
        raise InvalidInput(_("A service request number has 8 digits, for example 41234567."))
    return SEPARATORS_RE.sub("", raw)


def inquiry_for_request_creation(*, viewer: User, reference_number: str) -> Inquiry:
    """The inquiry an agent opens a service request from: one they work or worked, or any
    for a supervisor. Missing and someone else's are the same "not found", as on the desk."""
    inquiry = Inquiry.objects.filter(reference_number=reference_number).first()
    if inquiry is not None and (
        user_roles(viewer) & {Role.SUPERVISOR, Role.ADMIN}
        or WorkItem.objects.filter(inquiry=inquiry, assigned_to__user_id=viewer.pk).exists()
    ):
        return inquiry
    raise NotFound(_("No inquiry with that reference number is in your work."))


def request_types_for_inquiry(*, viewer: User, inquiry: Inquiry) -> list[ServiceRequestType]:
    """The active kinds this agent may create from this inquiry's channel, in the file's
    order of codes; the service checks the same again when the request is created."""
    submitter = submitter_for(viewer)
    return [
        request_type
        for request_type in ServiceRequestType.objects.filter(active=True).order_by("code")
        if submitter in request_type.submitters and inquiry.channel in request_type.channels
    ]


def transfer_offices(*, request: ServiceRequest, language: str) -> list[Office]:
    """The offices a request may be sent to: every office that works requests except the
    one that has it now, by kind and then by name in ``language``."""
    offices = Office.objects.filter(kind__in=WORKING_OFFICE_KINDS).exclude(pk=request.office_id)
    order = {value: index for index, value in enumerate(OfficeKind.values)}
    return sorted(offices, key=lambda o: (order.get(o.kind, len(order)), o.name(language)))


def viewer_office_id(viewer: User | AnonymousUser) -> int:
    """The office whose queue ``viewer`` works; NotOfficeStaff for anyone else."""
    if Role.OFFICE_STAFF not in user_roles(viewer):
        raise NotOfficeStaff(_("The office work queue is for office staff."))
    profile = getattr(viewer, "staff_profile", None)
    if profile is None or profile.office_id is None:
        raise NotOfficeStaff(_("Your account is not attached to an office."))
    return int(profile.office_id)


@dataclass(frozen=True, slots=True)
class QueueRow:
    request: ServiceRequest
    breached: bool


def office_queue(*, viewer: User | AnonymousUser, now: dt.datetime | None = None) -> list[QueueRow]:
    """The open requests of the viewer's office, soonest due first (high priority first among
    those due at the same time); one query whatever the length."""
    office_id = viewer_office_id(viewer)
    now = now or timezone.now()
    rows = (
        ServiceRequest.objects.filter(office_id=office_id, state__in=OPEN_STATES)
        .select_related("type")
        .order_by("due_at", "-high_priority", "id")
    )
    return [QueueRow(request=row, breached=row.due_at < now) for row in rows]


def service_request_for_office(*, viewer: User | AnonymousUser, number: str) -> ServiceRequest:
    """One request of the viewer's office; the same "not found" for missing and forbidden."""
    office_id = viewer_office_id(viewer)
    try:
        parsed = number_parse(number)
    except InvalidInput:
        raise _not_found() from None
    request = (
        ServiceRequest.objects.select_related("type", "office", "inquiry")
        .filter(number=parsed, office_id=office_id)
        .first()
    )
    if request is None:
        raise _not_found()
    return request


def service_request_case_for_office(*, viewer: User, request: ServiceRequest) -> CaseForWork:
    """The request's case as the office may see it, read through the audited case selector."""
    return case_for_work(
        viewer=viewer, case_id=request.case_id, channel=DisclosureChannel.OFFICE_QUEUE,
        purpose=f"service request {request.number}",
    )  # fmt: skip


def service_request_history(*, request: ServiceRequest) -> list[ServiceRequestEvent]:
    return list(
        ServiceRequestEvent.objects.filter(request=request)
        .select_related("actor", "office")
        .order_by("created_at", "id")
    )


def service_request_evidence(*, request: ServiceRequest) -> list[EvidenceFile]:
    return list(EvidenceFile.objects.filter(request=request).order_by("id"))


@dataclass(frozen=True, slots=True)
class PublicServiceRequest:
    """What anyone holding both numbers may learn: nothing about the person."""

    number: str
    type: str
    type_title: str
    state: str
    state_text: str
    created_on: dt.date
    due_on: dt.date


def service_request_public(
    *, number: str, receipt_number: ReceiptNumber, language: str
) -> PublicServiceRequest:
    """A request by its number and its case's receipt number; a wrong pair is "not found"."""
    row = (
        ServiceRequest.objects.filter(
            number=number_parse(number), case__receipt_number=receipt_number.value
        )
        .select_related("type")
        .only(
            "number",
            "state",
            "created_at",
            "due_at",
            "type__code",
            "type__title_en",
            "type__title_es",
        )
        .first()
    )
    if row is None:
        raise _not_found()
    return PublicServiceRequest(
        number=row.number,
        type=row.type.code,
        type_title=row.type.title(language),
        state=row.state,
        state_text=str(ServiceRequestState(row.state).label),
        created_on=timezone.localdate(row.created_at),
        due_on=timezone.localdate(row.due_at),
    )
