"""Reads of a person's records for a Privacy Act or FOIA answer: the accounting of
disclosures and the whole export. Both start from ``cases.selectors.person_records_for_viewer``,
which checks the role and writes one disclosure-log row per case, so every look at the
accounting and every export is itself on record."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from contactcenter.appointments.models import Appointment, AppointmentRequest
from contactcenter.audit.models import DisclosureChannel, DisclosureOutcome
from contactcenter.audit.selectors import disclosures_for_cases
from contactcenter.cases.models import CaseStatusEvent
from contactcenter.cases.selectors import PersonRecords, person_records_for_viewer
from contactcenter.chat.models import Message as ChatMessage
from contactcenter.inquiries.models import Inquiry, InquiryEvent
from contactcenter.portal.models import Message as SecureMessage
from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestEvent

ACCOUNTING_PURPOSE = "Privacy Act accounting of disclosures"
ACCOUNTING_FIELDS = "disclosure_accounting"
EXPORT_PURPOSE = "Privacy Act/FOIA export of the person's records"
EXPORT_FIELDS = (
    "name,date_of_birth,a_number,address,contact,cases,inquiries,messages,service_requests,"
    "appointments,disclosure_accounting"
)


@dataclass(frozen=True, slots=True)
class AccountingRow:
    disclosed_at: dt.datetime
    receipt_number: str
    recipient: str
    recipient_kind: str  # "staff" or "service"
    channel: str
    purpose: str
    fields: str

    @property
    def channel_label(self) -> str:
        """The channel as staff read it, in the page's language (the CSV and JSON keep the
        code)."""
        try:
            return str(DisclosureChannel(self.channel).label)
        except ValueError:
            return self.channel


@dataclass(frozen=True, slots=True)
class Accounting:
    person_id: int
    person_name: str
    receipt_numbers: list[str]
    rows: list[AccountingRow]


def _accounting_rows(records: PersonRecords) -> list[AccountingRow]:
    receipts = {case.pk: case.receipt_number for case in records.cases}
    return [
        AccountingRow(
            disclosed_at=entry.disclosed_at,
            receipt_number=receipts[entry.case_id],
            recipient=entry.recipient,
            recipient_kind=entry.recipient_kind,
            channel=entry.channel,
            purpose=entry.purpose,
            fields=entry.fields,
        )
        for entry in disclosures_for_cases(case_ids=list(receipts))
        if entry.outcome == DisclosureOutcome.DISCLOSED
    ]


def disclosure_accounting_for_person(
    *, viewer: User | None, system_actor: str = "", person_id: int, channel: str
) -> Accounting:
    """Every disclosure of the person's records, oldest first: when, to whom (a member of
    staff or a service of the contact center), through which channel, why and which fields.
    Refused attempts are not disclosures and are left out; this look at the accounting is
    logged before it is read, so it is the last row."""
    records = person_records_for_viewer(
        viewer=viewer, system_actor=system_actor, person_id=person_id, channel=channel,
        purpose=ACCOUNTING_PURPOSE, fields=ACCOUNTING_FIELDS,
    )  # fmt: skip
    person = records.person
    return Accounting(
        person_id=person.pk,
        person_name=f"{person.given_name} {person.family_name}".strip(),
        receipt_numbers=[case.receipt_number for case in records.cases],
        rows=_accounting_rows(records),
    )


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person_records_export(
    *, viewer: User | None, system_actor: str = "", person_id: int, channel: str
) -> dict[str, object]:
    """Everything the contact center holds about one person, as plain data for JSON and PDF:
    the person, their cases with status history, inquiries with their history, chat and
    secure messages, service requests with their history, appointment requests and
    appointments, and the accounting of disclosures. The export is logged (one row per case)
    before anything is read."""
    records = person_records_for_viewer(
        viewer=viewer, system_actor=system_actor, person_id=person_id, channel=channel,
        purpose=EXPORT_PURPOSE, fields=EXPORT_FIELDS,
    )  # fmt: skip
    person, cases = records.person, records.cases
    case_ids = [case.pk for case in cases]
    history: dict[int, list[dict[str, object]]] = {}
    for event in CaseStatusEvent.objects.filter(case_id__in=case_ids).order_by("status_date", "id"):
        history.setdefault(event.case_id, []).append(
            {"status": event.status, "date": _when(event.status_date)}
        )
    inquiries = list(
        Inquiry.objects.filter(Q(person_id=person.pk) | Q(case_id__in=case_ids)).order_by(
            "created_at", "id"
        )
    )
    inquiry_ids = [inquiry.pk for inquiry in inquiries]
    events: dict[int, list[dict[str, object]]] = {}
    for inquiry_event in InquiryEvent.objects.filter(inquiry_id__in=inquiry_ids).order_by(
        "created_at", "id"
    ):
        events.setdefault(inquiry_event.inquiry_id, []).append(
            {
                "at": _when(inquiry_event.created_at),
                "kind": inquiry_event.kind,
                "text": inquiry_event.body,
            }
        )
    chats: dict[int, list[dict[str, object]]] = {}
    for message in (
        ChatMessage.objects.filter(conversation__inquiry_id__in=inquiry_ids)
        .select_related("conversation")
        .order_by("created_at", "id")
    ):
        chats.setdefault(message.conversation.inquiry_id or 0, []).append(
            {"at": _when(message.created_at), "from": message.sender,
             "text": message.body or message.notice}
        )  # fmt: skip
    receipts = {case.pk: case.receipt_number for case in cases}
    secure = [
        {"at": _when(message.created_at), "receipt_number": receipts[message.thread.case_id],
         "subject": message.thread.subject, "from": "staff" if message.from_staff else "person",
         "text": message.body}
        for message in SecureMessage.objects.filter(thread__case_id__in=case_ids)
        .select_related("thread").order_by("created_at", "pk")
    ]  # fmt: skip
    requests = list(
        ServiceRequest.objects.filter(case_id__in=case_ids)
        .select_related("type", "office")
        .order_by("created_at", "id")
    )
    request_events: dict[int, list[dict[str, object]]] = {}
    for request_event in ServiceRequestEvent.objects.filter(
        request_id__in=[request.pk for request in requests]
    ).order_by("created_at", "id"):
        request_events.setdefault(request_event.request_id, []).append(
            {
                "at": _when(request_event.created_at),
                "kind": request_event.kind,
                "text": request_event.body,
            }
        )
    appointment_requests = AppointmentRequest.objects.filter(inquiry_id__in=inquiry_ids).order_by(
        "created_at", "id"
    )
    appointments = (
        Appointment.objects.filter(Q(person_id=person.pk) | Q(case_id__in=case_ids))
        .select_related("slot", "office")
        .order_by("slot__starts_at", "id")
    )
    return {
        "person": {
            "given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": _when(person.date_of_birth), "a_number": person.a_number or "",
            "street": person.street, "city": person.city, "state": person.state,
            "zip_code": person.zip_code, "email": person.email, "phone": person.phone,
            "preferred_language": person.preferred_language,
        },
        "cases": [
            {"receipt_number": case.receipt_number, "form": case.form.code,
             "status": case.status, "status_date": _when(case.status_date),
             "office": case.office.code, "receipt_date": _when(case.receipt_date),
             "status_history": history.get(case.pk, [])}
            for case in cases
        ],
        "inquiries": [
            {"reference_number": inquiry.reference_number, "channel": inquiry.channel,
             "state": inquiry.state, "topic": inquiry.topic, "opened": _when(inquiry.created_at),
             "closed": _when(inquiry.closed_at), "disposition": inquiry.disposition,
             "receipt_number": receipts.get(inquiry.case_id or 0, ""),
             "events": events.get(inquiry.pk, []), "chat": chats.get(inquiry.pk, [])}
            for inquiry in inquiries
        ],
        "secure_messages": secure,
        "service_requests": [
            {"number": request.number, "type": request.type.code, "state": request.state,
             "receipt_number": receipts[request.case_id], "office": request.office.code,
             "submitted": _when(request.created_at), "resolved": _when(request.resolved_at),
             "outcome": request.outcome, "events": request_events.get(request.pk, [])}
            for request in requests
        ],
        "appointment_requests": [
            {"reason": item.reason, "state": item.state, "submitted": _when(item.created_at),
             "reviewed": _when(item.reviewed_at)}
            for item in appointment_requests
        ],
        "appointments": [
            {"number": item.number, "kind": item.kind, "state": item.state,
             "office": item.office.code, "starts_at": _when(item.slot.starts_at),
             "reason": item.reason}
            for item in appointments
        ],
        "disclosure_accounting": [
            {**asdict(row), "disclosed_at": _when(row.disclosed_at)}
            for row in _accounting_rows(records)
        ],
    }  # fmt: skip
