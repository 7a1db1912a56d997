"""What a turn does beyond answering: a case looked up, a link sent, the caller put in line, a
callback booked. Each goes through the other apps' services; all but the look-up write, so
they run under the call's row lock."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import (
    CaseNotFound,
    case_contact_email_for_service,
    case_status_public,
)
from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.services import inquiry_schedule_callback
from contactcenter.ivr.call_inquiries import ensure_inquiry, post_transcript
from contactcenter.ivr.engine import Turn
from contactcenter.ivr.flows import Flow
from contactcenter.ivr.models import Call
from contactcenter.notifications.models import Notification
from contactcenter.notifications.recipients import is_e164
from contactcenter.notifications.services import notification_queue
from contactcenter.routing.models import WorkKind
from contactcenter.routing.services import NoQueue, QueueChoice, queue_for, work_item_enqueue

logger = logging.getLogger(__name__)

# Effects that only read: a turn whose effects are all of these needs no lock on the call.
READ_ONLY_EFFECTS = frozenset({"lookup_case"})


def _lookup_case(data: dict[str, Any]) -> dict[str, Any]:
    for candidate in data.get("candidates", []):
        try:
            status = case_status_public(
                receipt_number=ReceiptNumber.parse(candidate), language=data["language"]
            )
        except (CaseNotFound, ApplicationError):
            continue
        return {
            "found": True,
            "receipt": status.receipt_number,  # kept in the call's state until it ends
            "form": status.form,
            "status_text": status.status_text,
            "status_date": status.status_date.isoformat(),
        }
    return {"found": False}


def perform_effects(call: Call, flow: Flow, turn: Turn) -> dict[str, Any] | None:
    """Carry out a turn's effects; return the awaited effect's result, if any."""
    result: dict[str, Any] | None = None
    for effect in turn.effects:
        data = dict(effect.data)
        if effect.kind == "lookup_case":
            result = _lookup_case(data)
        elif effect.kind == "send_link":
            result = {"sent": _send_link(call, flow, turn.state, data)}
        elif effect.kind == "enqueue":
            inquiry = ensure_inquiry(call, flow, turn.state)
            choice = QueueChoice(
                tier=data["tier"], language=data["language"], channel=flow.channel,
                skill=data["skill"], topic=data["topic"],
            )  # fmt: skip
            try:
                queue = queue_for(choice)
            except NoQueue:  # the queues are not loaded, or none takes this work
                logger.error("ivr.no_queue", extra={"call_id": call.pk, "tier": data["tier"]})
                result = {"queue": ""}
                continue
            call.work_item = work_item_enqueue(
                inquiry=inquiry, kind=WorkKind.CALL, queue=queue, channel="phone"
            )
            call.queued_at = timezone.now()
            call.save(update_fields=["work_item", "queued_at", "updated_at"])
            result = {"queue": queue.code}
        elif effect.kind == "callback":
            result = {"scheduled": _callback(call, flow, turn.state)}
    return result


LINK_MESSAGE = "case_status_link"
# One emailed link per address a day: anyone who knows a receipt number can ask for one, and
# the person on file should not be flooded by repeated calls.
LINK_EMAIL_EVERY = dt.timedelta(days=1)


def _send_link(call: Call, flow: Flow, state: dict[str, Any], data: dict[str, Any]) -> bool:
    """Text the link to the number calling, or email it to the address on file for the case
    the call found (``data["case"]``); False when there is nowhere to send it."""

    language = state.get("language", "en")
    if data.get("via") == "email":
        recipient = _case_email(str(data.get("case") or ""))
        if not recipient:
            logger.info("ivr.link_not_emailed", extra={"call_id": call.pk})
            return False
        recent = Notification.objects.filter(
            channel="email", recipient__iexact=recipient, template=LINK_MESSAGE,
            created_at__gte=timezone.now() - LINK_EMAIL_EVERY,
        )  # fmt: skip
        if recent.exists():  # already on its way today: the caller hears it was sent
            logger.info("ivr.link_email_recent", extra={"call_id": call.pk})
            return True
        channel = "email"
    else:
        recipient, channel = call.from_number, "sms"
    inquiry = ensure_inquiry(call, flow, state)
    try:
        notification_queue(
            channel=channel, recipient=recipient, template=LINK_MESSAGE, language=language,
            inquiry=inquiry,
        )  # fmt: skip
    except InvalidInput:  # a withheld or non-E.164 caller id, or an address that cannot be used
        logger.info("ivr.link_not_sent", extra={"call_id": call.pk, "channel": channel})
        return False
    return True


def _case_email(receipt: str) -> str:
    """The email address on file for the applicant of the case, or "" when there is none (or
    the case is protected: the caller hears the same "cannot send" as for no address, so the
    answer does not tell anyone that a case is protected). Read through the case selector that
    writes the disclosure log, under the phone line's name."""
    if not receipt:
        return ""
    try:
        number = ReceiptNumber.parse(receipt)
    except ApplicationError:
        return ""
    return case_contact_email_for_service(
        receipt_number=number, service="ivr", channel=DisclosureChannel.PHONE,
        purpose="status link emailed to the address on file at the caller's request",
    )  # fmt: skip


def _callback(call: Call, flow: Flow, state: dict[str, Any]) -> bool:

    inquiry = ensure_inquiry(call, flow, state)
    if not is_e164(call.from_number):  # withheld ("anonymous") or not a dialable number
        logger.info("ivr.callback_without_number", extra={"call_id": call.pk})
        return False
    # The callback keeps the caller's place: their original arrival time, not now.
    arrived = call.work_item.enqueued_at if call.work_item else call.started_at
    post_transcript(call, flow, state)
    inquiry_schedule_callback(
        inquiry=inquiry, actor=None, phone=call.from_number, enqueued_at=arrived
    )
    return True
