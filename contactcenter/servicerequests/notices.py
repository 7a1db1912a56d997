"""Telling the person that their service request has news, by the channel they chose."""

from __future__ import annotations

import logging

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import person_contact_for_service
from contactcenter.core.errors import InvalidInput
from contactcenter.notifications.services import notification_queue
from contactcenter.servicerequests.models import ReplyChannel, ServiceRequest

logger = logging.getLogger(__name__)


def _on_record(request: ServiceRequest, field: str) -> str:
    """The applicant's address or number on record, read through the audited path."""
    case = Case.objects.select_related("applicant").get(pk=request.case_id)
    contact = person_contact_for_service(
        person=case.applicant, case=case, fields=(field,), service="service requests",
        channel=DisclosureChannel.NOTIFICATION, purpose=f"news on service request {request.number}",
        for_verified_person=True,
    )  # fmt: skip
    return str(getattr(contact, field))


def service_request_notify(request: ServiceRequest) -> bool:
    """Tell the person there is news, by the channel they chose, in their language (sent after
    commit). The text itself waits in their account: messages carry no case details."""

    inquiry = request.inquiry
    if request.reply_channel == ReplyChannel.EMAIL:
        recipient = inquiry.contact_email or _on_record(request, "email")
    elif request.reply_channel == ReplyChannel.SMS:
        recipient = inquiry.contact_phone or _on_record(request, "phone")
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
