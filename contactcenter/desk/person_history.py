"""A person's contacts across every channel, for the context pane of the desk's inquiry page.

Read only once the person on the inquiry proved who they are, and only through the audited
case read (``cases.selectors.case_get_for_viewer``): the viewer's right to the case is checked
there (Tier 1 never sees a person with a VAWA, T or U case; office staff only their office's
cases) and the read is one disclosure-log row with the purpose "contact history". The list is
then cut down to what that viewer may see of the person's other cases, and, when a
representative was verified, to the cases their G-28 covers.

Four queries read the list whatever its length (inquiries, service requests, appointment
requests, appointments booked without a request), each with its own total in the same
statement; the case read costs a fixed few more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from contactcenter.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentRequest,
    AppointmentState,
    RequestState,
)
from contactcenter.appointments.reasons import reason_get
from contactcenter.cases.access import visible_cases_q
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import CaseNotFound, case_get_for_viewer
from contactcenter.core.errors import ApplicationError, ErrorCode, NotFound
from contactcenter.core.languages import active_language
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.models import (
    Channel,
    Disposition,
    DispositionCode,
    Inquiry,
    InquiryState,
    VerifiedAs,
)
from contactcenter.inquiries.selectors import IdentityNotVerified
from contactcenter.ivr.models import Call
from contactcenter.ivr.models import Outcome as CallOutcome
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.servicerequests.models import Outcome as RequestOutcome
from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestState
from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES
from contactcenter.staff.roles import user_roles

# A page must stay fast for someone who has called a hundred times: the newest are shown,
# with the total.
PERSON_HISTORY_LIMIT = 50
HISTORY_PURPOSE = "contact history"
# What the history discloses of the person: their contacts, no field of the person record.
HISTORY_FIELDS = "contact_history"

# A mark for each kind of contact, beside its label: the name of an icon in USWDS's sprite (an
# image, not a character, so it shows whatever fonts the agent's computer has; hidden from
# screen readers).
CHANNEL_MARKS = {
    Channel.PHONE: "phone",
    Channel.TTY: "keyboard",
    Channel.VIRTUAL_ASSISTANT: "support_agent",
    Channel.CHAT: "chat",
    Channel.SECURE_MESSAGE: "mail",
    Channel.WEBFORM: "edit",
    Channel.EMAIL: "mail",
    Channel.MAIL: "mail_outline",
    Channel.FAX: "fax",
    Channel.IN_PERSON: "location_city",
    "callback": "autorenew",
    "service_request": "topic",
    "appointment": "event",
}


INQUIRY_FIELDS = ("reference_number", "channel", "state", "disposition", "created_at")
REQUEST_FIELDS = (
    "number", "inquiry_id", "state", "outcome", "created_at", "type__title_en", "type__title_es"
)  # fmt: skip
APPOINTMENT_FIELDS = ("number", "kind", "reason", "state", "created_at", "slot__starts_at")
APPOINTMENT_REQUEST_FIELDS = (
    "inquiry_id", "reason", "state", "created_at",
    *(f"appointment__{name}" for name in APPOINTMENT_FIELDS),
)  # fmt: skip


class PersonHistoryNotAvailable(NotFound):
    code = ErrorCode.NOT_FOUND


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One contact of the person: labels ready to show, in the active language."""

    kind: str  # "inquiry", "service_request", "appointment_request", "appointment"
    channel: str  # an inquiry's channel, "callback", "service_request" or "appointment"
    channel_label: str
    mark: str
    at: dt.datetime
    number: str  # the number the person or staff quote (reference, request, appointment)
    state_label: str
    # What happened: a disposition, an outcome, what was asked for, when the person is booked.
    details: tuple[str, ...] = ()
    # The inquiry to open from here, when this viewer may open it.
    inquiry_reference: str = ""
    is_current: bool = False


@dataclass(frozen=True, slots=True)
class PersonHistory:
    entries: list[HistoryEntry] = field(default_factory=list)
    total: int = 0
    # Set instead of entries when the history is refused to this viewer.
    error: str = ""

    @property
    def not_shown(self) -> int:
        return max(self.total - len(self.entries), 0)


def _may_open_inquiry(viewer: User) -> Exists | Value:
    """The rule of ``desk.selectors.inquiry_for_desk`` as an annotation: a supervisor may open
    any inquiry, anyone else one they were given work on."""
    if user_roles(viewer) & SUPERVISOR_ROLES:
        return Value(True, output_field=BooleanField())
    return Exists(
        WorkItem.objects.filter(inquiry_id=OuterRef("pk"), assigned_to__user_id=viewer.pk)
    )


def _counted(queryset: QuerySet) -> list:
    """The first rows with the whole count alongside (``total``), in one statement."""
    return list(queryset.annotate(total=Window(Count("pk")))[:PERSON_HISTORY_LIMIT])


def _total(rows: list) -> int:
    return int(getattr(rows[0], "total", 0)) if rows else 0


def person_history_for_viewer(
    *, viewer: User | AnonymousUser, inquiry: Inquiry, channel: str = "desk"
) -> PersonHistory:
    """Every contact of the person the inquiry is verified for, newest first, capped at
    ``PERSON_HISTORY_LIMIT`` with the total.

    Refused before the identity check passes (``IdentityNotVerified``), and when the viewer may
    not see the case (``PersonHistoryNotAvailable``, a "refused" row in the disclosure log, as
    every refused case read is)."""
    if not inquiry.is_verified or inquiry.case_id is None:
        raise IdentityNotVerified(
            _("Verify the person's identity before looking at their contact history.")
        )
    receipt = ReceiptNumber.parse(
        Case.objects.values_list("receipt_number", flat=True).get(pk=inquiry.case_id)
    )
    purpose = f"{HISTORY_PURPOSE}: inquiry {inquiry.reference_number} ({inquiry.verified_as})"
    try:
        case = case_get_for_viewer(
            viewer=viewer, receipt_number=receipt, channel=channel, purpose=purpose,
            fields=HISTORY_FIELDS,
        )  # fmt: skip
    except CaseNotFound:
        raise PersonHistoryNotAvailable(
            _("This person's contact history is not available to you.")
        ) from None
    assert isinstance(viewer, User)  # case_get_for_viewer lets only staff through
    person_id = case.applicant_id

    # The person's cases this viewer may see, and, for a representative, only those their
    # G-28 covers.
    cases = Case.objects.filter(applicant_id=person_id)
    seen = visible_cases_q(viewer)
    if seen is not None:
        cases = cases.filter(seen)
    representative = inquiry.verified_as == VerifiedAs.REPRESENTATIVE
    if representative:
        if case.representative_id is None:
            cases = cases.filter(pk=case.pk)
        else:
            cases = cases.filter(
                representative_id=case.representative_id, g28_accepted_on__isnull=False
            )
    case_ids = cases.values("pk")
    about_cases = Q(case__in=case_ids)
    # Contacts tied to the person but to no case (a general question from their signed-in
    # account) are for the desk's roles, never for a representative.
    if not representative and user_roles(viewer) & DESK_ROLES:
        about_cases |= Q(case__isnull=True, person_id=person_id)

    inquiries_in_view = Inquiry.objects.filter(about_cases)
    # Only what the list shows is read: never the contact details, notes or free text.
    inquiries = _counted(
        inquiries_in_view.only(*INQUIRY_FIELDS)
        .annotate(
            may_open=_may_open_inquiry(viewer),
            had_callback=Exists(
                WorkItem.objects.filter(inquiry_id=OuterRef("pk"), kind=WorkKind.CALLBACK)
            ),
            call_outcome=Subquery(
                Call.objects.filter(inquiry_id=OuterRef("pk"))
                .order_by("-started_at", "-id")
                .values("outcome")[:1]
            ),
            # The wrap-up code's label as the agency keeps it (its own codes included), in the
            # viewer's language, read in the same statement.
            disposition_label=Subquery(
                Disposition.objects.filter(code=OuterRef("disposition")).values(
                    "label_es" if active_language() == "es" else "label_en"
                )[:1]
            ),
        )
        .order_by("-created_at", "-id")
    )
    requests = _counted(
        ServiceRequest.objects.filter(case__in=case_ids)
        .select_related("type")
        .only(*REQUEST_FIELDS)
        .order_by("-created_at", "-id")
    )
    appointment_requests = _counted(
        AppointmentRequest.objects.filter(inquiry__in=inquiries_in_view.values("pk"))
        .select_related("appointment__slot")
        .only(*APPOINTMENT_REQUEST_FIELDS)
        .order_by("-created_at", "-id")
    )
    appointments = _counted(
        Appointment.objects.filter(about_cases, request__isnull=True)
        .select_related("slot")
        .only(*APPOINTMENT_FIELDS)
        .order_by("-created_at", "-id")
    )

    language = active_language()
    openable = {
        row.pk: row.reference_number for row in inquiries if getattr(row, "may_open", False)
    }
    openable.pop(inquiry.pk, None)
    entries = [
        *(_inquiry_entry(row, current=inquiry, openable=openable) for row in inquiries),
        *(_service_request_entry(row, language=language, openable=openable) for row in requests),
        *(
            _appointment_request_entry(row, language=language, openable=openable)
            for row in appointment_requests
        ),
        *(_appointment_entry(row, language=language) for row in appointments),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return PersonHistory(
        entries=entries[:PERSON_HISTORY_LIMIT],
        total=sum(
            _total(rows) for rows in (inquiries, requests, appointment_requests, appointments)
        ),
    )


def person_history_panel(*, viewer: User | AnonymousUser, inquiry: Inquiry) -> PersonHistory | None:
    """The history for the inquiry page: nothing (and nothing read) until the identity check
    passes; a refusal as its message."""
    if not inquiry.is_verified:
        return None
    try:
        return person_history_for_viewer(viewer=viewer, inquiry=inquiry)
    except ApplicationError as error:
        return PersonHistory(error=str(error.message))


def _label(choices, value: str) -> str:
    """The label of a stored choice in the active language (the code itself if unknown)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _reason(code: str, language: str) -> str:
    reason = reason_get(code)
    return reason.title(language) if reason is not None else code


def _inquiry_entry(row: Inquiry, *, current: Inquiry, openable: dict[int, str]) -> HistoryEntry:
    outcome = getattr(row, "call_outcome", None)
    had_callback = bool(getattr(row, "had_callback", False))
    details = []
    if outcome:
        details.append(_("Phone line: %(outcome)s") % {"outcome": _label(CallOutcome, outcome)})
    if had_callback:
        # Until Tier 2 has called, the callback is only promised.
        waiting = row.state in (InquiryState.ESCALATED, InquiryState.CALLBACK_SCHEDULED)
        details.append(
            _("Waiting for a Tier 2 callback") if waiting else _("Called back by Tier 2")
        )
    if row.disposition:
        details.append(
            getattr(row, "disposition_label", None) or _label(DispositionCode, row.disposition)
        )
    channel = "callback" if had_callback else row.channel
    return HistoryEntry(
        kind="inquiry",
        channel=channel,
        channel_label=(
            _("%(channel)s, callback") % {"channel": _label(Channel, row.channel)}
            if had_callback
            else _label(Channel, row.channel)
        ),
        mark=CHANNEL_MARKS.get(channel, "chat"),
        at=row.created_at,
        number=row.reference_number,
        state_label=_label(InquiryState, row.state),
        details=tuple(details),
        inquiry_reference=openable.get(row.pk, ""),
        is_current=row.pk == current.pk,
    )


def _service_request_entry(
    row: ServiceRequest, *, language: str, openable: dict[int, str]
) -> HistoryEntry:
    details = [row.type.title(language)]
    if row.outcome:
        details.append(_label(RequestOutcome, row.outcome))
    return HistoryEntry(
        kind="service_request",
        channel="service_request",
        channel_label=_("Service request"),
        mark=CHANNEL_MARKS["service_request"],
        at=row.created_at,
        number=row.number,
        state_label=_label(ServiceRequestState, row.state),
        details=tuple(details),
        inquiry_reference=openable.get(row.inquiry_id, ""),
    )


def _appointment_request_entry(
    row: AppointmentRequest, *, language: str, openable: dict[int, str]
) -> HistoryEntry:
    details = [_reason(row.reason, language)]
    booked = getattr(row, "appointment", None)
    if row.state == RequestState.BOOKED and booked is not None:
        details.append(
            _("Appointment on %(when)s (%(state)s)")
            % {
                "when": date_format(localtime(booked.slot.starts_at), "DATETIME_FORMAT"),
                "state": _label(AppointmentState, booked.state),
            }
        )
    return HistoryEntry(
        kind="appointment_request",
        channel="appointment",
        channel_label=_("Appointment request"),
        mark=CHANNEL_MARKS["appointment"],
        at=row.created_at,
        number=booked.number if booked is not None else "",
        state_label=_label(RequestState, row.state),
        details=tuple(details),
        inquiry_reference=openable.get(row.inquiry_id, ""),
    )


def _appointment_entry(row: Appointment, *, language: str) -> HistoryEntry:
    return HistoryEntry(
        kind="appointment",
        channel="appointment",
        channel_label=(
            _("Biometrics appointment")
            if row.kind == AppointmentKind.BIOMETRICS
            else _("Appointment")
        ),
        mark=CHANNEL_MARKS["appointment"],
        at=row.created_at,
        number=row.number,
        state_label=_label(AppointmentState, row.state),
        details=(
            _reason(row.reason, language),
            date_format(localtime(row.slot.starts_at), "DATETIME_FORMAT"),
        ),
    )
