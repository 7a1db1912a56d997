"""The secure inbox's parts: a message checked, the inquiry a message opens or extends, and the
one work item that waits for an answer."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import person_contact_for_service
from contactcenter.core.errors import InvalidInput
from contactcenter.core.text_input import control_characters_refuse
from contactcenter.inquiries.models import Channel, Inquiry, InquiryState
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_verified_by_account,
)
from contactcenter.people.models import Person
from contactcenter.portal.models import Thread
from contactcenter.portal.selectors import account_verified_as
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import QueueChoice, queue_for, work_item_enqueue


def secure_message_queue(inquiry: Inquiry) -> WorkItem | None:
    """One waiting work item per inquiry: a second message while the first waits adds none."""
    waiting = WorkItem.objects.filter(
        inquiry=inquiry,
        kind=WorkKind.SECURE_MESSAGE,
        state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED],
    ).exists()
    if waiting:
        return None
    queue = queue_for(
        QueueChoice(tier=QueueTier.TIER1, language=inquiry.language, channel="secure_message")
    )
    return work_item_enqueue(inquiry=inquiry, kind=WorkKind.SECURE_MESSAGE, queue=queue)


def message_body_clean(body: str) -> str:
    body = control_characters_refuse((body or "").strip(), multiline=True)
    if not body:
        raise InvalidInput(_("Write a message."))
    if len(body) > 5000:
        raise InvalidInput(_("A message can be at most 5,000 characters."))
    return body


def message_inquiry(*, thread: Thread, user: User, body: str, language: str, case: Case) -> Inquiry:
    inquiry = thread.inquiry
    if inquiry is not None and inquiry.state != InquiryState.CLOSED:
        inquiry_add_message(inquiry=inquiry, body=body)
        return inquiry
    inquiry = inquiry_open(
        channel=Channel.SECURE_MESSAGE,
        language=language,
        topic="secure message",
        person=case.applicant,
        case=case,
        contact_email=user.email,
        first_message=body,
    )
    return inquiry_verified_by_account(
        inquiry=inquiry, case=case, verified_as=account_verified_as(user, case)
    )


def thread_person_phone(thread: Thread) -> str:
    """The number on record of the person whose account holds the thread, to text that an
    answer waits; read through the audited path, so it is logged against the thread's case."""
    person = Person.objects.filter(portal_account_link__user_id=thread.user_id).first()
    if person is None:
        return ""
    case = Case.objects.filter(pk=thread.case_id).first() if thread.case_id else None
    return person_contact_for_service(
        person=person, case=case, fields=("phone",), service="secure messages",
        channel=DisclosureChannel.NOTIFICATION, purpose="text that an answer waits",
        for_verified_person=True,
    ).phone  # fmt: skip
