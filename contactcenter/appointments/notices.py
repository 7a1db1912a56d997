"""What the person is told about their appointment or request, by every contact on file; the
messages are queued and sent after commit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from contactcenter.appointments.models import Appointment, AppointmentRequest
from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import person_contact_for_service
from contactcenter.inquiries.models import Inquiry
from contactcenter.notifications.services import notification_queue
from contactcenter.people.models import Person

# Message keys in the notifications catalogue, one per thing that happened to the person.
MESSAGE_CONFIRMED = "appointment_confirmed"
MESSAGE_MOVED = "appointment_moved"
MESSAGE_DECLINED = "appointment_request_declined"
MESSAGE_OFFICE_CLOSED = "appointment_office_closed"


def _contacts(
    *, inquiry: Inquiry | None, person: Person | None, case_id: int | None, template: str
) -> list[tuple[str, str]]:
    """Where to tell the person: the contacts of their inquiry, else those on their record
    (read through the audited path, which logs it)."""
    if inquiry is not None and (inquiry.contact_email or inquiry.contact_phone):
        pairs = [("email", inquiry.contact_email), ("sms", inquiry.contact_phone)]
    elif person is not None:
        contact = person_contact_for_service(
            person=person,
            case=Case.objects.filter(pk=case_id).first() if case_id else None,
            fields=("email", "phone"), service="appointments",
            channel=DisclosureChannel.NOTIFICATION, purpose=f"appointment notice ({template})",
            for_verified_person=True,
        )  # fmt: skip
        pairs = [("email", contact.email), ("sms", contact.phone)]
    else:
        pairs = []
    return [(channel, recipient) for channel, recipient in pairs if recipient]


def _queue(
    *,
    template: str,
    language: str,
    context: dict[str, object],
    inquiry: Inquiry | None,
    person: Person | None,
    case_id: int | None = None,
) -> int:
    """Queue one message by every contact (sent after commit); return how many were queued."""

    sent = 0
    contacts = _contacts(inquiry=inquiry, person=person, case_id=case_id, template=template)
    for channel, recipient in contacts:
        notification_queue(
            channel=channel,
            recipient=recipient,
            template=template,
            language=language,
            context=context,
            inquiry=inquiry,
        )
        sent += 1
    return sent


def notify_appointment(appointment: Appointment, *, template: str) -> int:
    """Tell the person their booking's date, time and place (``MESSAGE_CONFIRMED`` or
    ``MESSAGE_MOVED``). The appointment number is quoted, not the inquiry's: it is what the
    manage page asks for, and people booked by the agency have no inquiry."""
    local = timezone.localtime(appointment.slot.starts_at, ZoneInfo(appointment.office.time_zone))
    return _queue(
        template=template,
        language=appointment.language,
        context={
            "reference_number": appointment.number,
            "appointment_date": local.date(),
            "appointment_time": f"{local:%H:%M}",
            "office_code": appointment.office.code,
            "reason": appointment.reason,
        },
        inquiry=appointment.inquiry,
        person=appointment.person,
        case_id=appointment.case_id,
    )


def notify_office_closed(appointment: Appointment) -> int:
    """Tell a displaced person the office is closed on their day and to choose a new time."""
    return _queue(
        template=MESSAGE_OFFICE_CLOSED,
        language=appointment.language,
        context={"reference_number": appointment.number, "closed_on": appointment.slot.day},
        inquiry=appointment.inquiry,
        person=appointment.person,
        case_id=appointment.case_id,
    )


def notify_request_declined(request: AppointmentRequest) -> None:
    # No appointment number exists yet: the inquiry's reference number is the one to quote.
    _queue(
        template=MESSAGE_DECLINED,
        language=request.inquiry.language,
        context={"reference_number": request.inquiry.reference_number},
        inquiry=request.inquiry,
        person=None,
    )
