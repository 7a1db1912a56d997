"""Telling the person that their service request has news, by the channel they chose."""

from __future__ import annotations

import logging

from contactcenter.core.errors import InvalidInput
from contactcenter.notifications.services import notification_queue
from contactcenter.people.models import Person
from contactcenter.servicerequests.models import ReplyChannel, ServiceRequest

logger = logging.getLogger(__name__)


def service_request_notify(request: ServiceRequest) -> bool:
    """Tell the person there is news, by the channel they chose, in their language (sent after
    commit). The text itself waits in their account: messages carry no case details."""

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
