"""Ask for a survey by link when a callback is resolved, a secure message is answered by a
member of staff, or a service request is resolved, inside the resolving transaction (connected
in ``apps.py`` to ``contact_event_recorded``): the survey and its email or text stand or fall
with the resolution, and nobody's service had to learn about surveys.

Not asked: contacts resolved as "no answer" (the callback never reached the person), contacts
closed by the system rather than by a member of staff, and any contact that already has a
survey (the unique constraint on the contact makes "never twice" hold under races too).
"""

from __future__ import annotations

from contactcenter.core.domain_events import ContactEvent, ContactEventKind
from contactcenter.inquiries.models import Channel, DispositionCode, Inquiry
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.servicerequests.contact_events import CHANNEL as SERVICE_REQUEST_CHANNEL
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.surveys.models import Survey, SurveyChannel
from contactcenter.surveys.services import (
    survey_invite_for_inquiry,
    survey_invite_for_service_request,
)


def _inquiry_channel(inquiry: Inquiry) -> str | None:
    if WorkItem.objects.filter(inquiry_id=inquiry.pk, kind=WorkKind.CALLBACK).exists():
        return SurveyChannel.CALLBACK
    if inquiry.channel == Channel.SECURE_MESSAGE:
        return SurveyChannel.SECURE_MESSAGE
    return None


def _answered_secure_message(event: ContactEvent) -> bool:
    """A member of staff replied to a secure message (the thread is answered; the inquiry may
    stay open for the person's next message, and its survey is still this one)."""
    return (
        event.kind == ContactEventKind.WRAPPED_UP
        and event.detail.get("work") == WorkKind.SECURE_MESSAGE
        and event.inquiry_id is not None
    )


def survey_invite_on_resolution(sender, *, event: ContactEvent, **kwargs) -> None:
    if event.actor_user_id is None:
        return
    if _answered_secure_message(event):
        assert event.inquiry_id is not None
        if Survey.objects.filter(inquiry_id=event.inquiry_id).exists():
            return
        inquiry = Inquiry.objects.filter(pk=event.inquiry_id).first()
        if inquiry is not None and inquiry.channel == Channel.SECURE_MESSAGE:
            survey_invite_for_inquiry(inquiry=inquiry, channel=SurveyChannel.SECURE_MESSAGE,
                                      agent_id=event.actor_user_id, now=event.at)  # fmt: skip
        return
    if event.kind != ContactEventKind.RESOLVED:
        return
    if event.channel == SERVICE_REQUEST_CHANNEL:
        if (
            event.record_id is None
            or Survey.objects.filter(service_request_id=event.record_id).exists()
        ):
            return
        request = (
            ServiceRequest.objects.select_related("inquiry").filter(pk=event.record_id).first()
        )
        if request is not None:
            survey_invite_for_service_request(
                request=request, agent_id=event.actor_user_id, now=event.at
            )
        return
    if event.channel not in Channel.values or event.inquiry_id is None:
        return  # an appointment's or another record's resolution: not an inquiry's
    if event.detail.get("disposition") == DispositionCode.NO_ANSWER:
        return
    if Survey.objects.filter(inquiry_id=event.inquiry_id).exists():
        return
    inquiry = Inquiry.objects.filter(pk=event.inquiry_id).first()
    if inquiry is None:
        return
    channel = _inquiry_channel(inquiry)
    if channel is not None:
        survey_invite_for_inquiry(
            inquiry=inquiry, channel=channel, agent_id=event.actor_user_id, now=event.at
        )
