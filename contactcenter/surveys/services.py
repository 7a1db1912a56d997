"""Every write to a survey: inviting (once per contact) and answering (once per survey).

Link surveys are invited by ``receivers.py`` when a callback, a secure-message thread or a
service request is resolved; phone and chat surveys by their channels, which then take the
answer in the call or the chat. Bad input and closed surveys are refused with a clear message
and change nothing. Comments are never logged: they are the person's own words.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput
from contactcenter.inquiries.models import Inquiry
from contactcenter.notifications.services import notification_queue
from contactcenter.routing.models import WorkItem
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.surveys.links import INVITATION_TEMPLATE, token_for, token_hash, token_salt_new
from contactcenter.surveys.models import (
    COMMENT_MAX,
    SCORE_MAX,
    SCORE_MIN,
    InvitedBy,
    Survey,
    SurveyChannel,
)

logger = logging.getLogger(__name__)

# How long a survey can be answered, from the invitation (Zendesk's 28 days, for every channel:
# a phone or chat survey not answered in the call or chat is simply never answered).
ANSWER_DAYS = 28


class SurveyNotFound(ApplicationError):
    code = ErrorCode.NOT_FOUND
    http_status = 404


class SurveyClosed(ApplicationError):
    """Answered already, or past its 28 days. ``reason`` says which, for the page's words."""

    code = ErrorCode.ALREADY_RESOLVED
    http_status = 410

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class SurveyRefused(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


def score_parse(value: object) -> int:
    """A score from a form, a key press or a word already turned into digits: 1 to 5 only."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or not SCORE_MIN <= int(text) <= SCORE_MAX:
        raise InvalidInput(_("Choose a score from 1 to 5."))
    return int(text)


def comment_clean(value: object) -> str:
    text = str(value or "").strip()
    if len(text) > COMMENT_MAX:
        raise InvalidInput(
            _("A comment can be at most %(count)d characters.") % {"count": COMMENT_MAX}
        )
    if any(ord(character) < 32 and character not in "\n\r\t" for character in text):
        raise InvalidInput(_("The comment contains characters that cannot be saved."))
    return text


def _latest_item(inquiry_id: int) -> WorkItem | None:
    return (
        WorkItem.objects.filter(inquiry_id=inquiry_id)
        .select_related("assigned_to")
        .order_by("-created_at", "-pk")
        .first()
    )


def _create(**fields: object) -> Survey | None:
    """The survey, or None when the contact already has one (asked once, whatever asked)."""
    try:
        with transaction.atomic():
            return Survey.objects.create(**fields)
    except IntegrityError:
        return None


def _link_recipient(*, email: str, phone: str, prefer: str = "") -> tuple[str, str] | None:
    if prefer == InvitedBy.SMS and phone:
        return InvitedBy.SMS, phone
    if email:
        return InvitedBy.EMAIL, email
    if phone:
        return InvitedBy.SMS, phone
    return None


@transaction.atomic
def survey_invite_by_link(
    *,
    channel: str,
    language: str,
    recipient_channel: str,
    recipient: str,
    inquiry: Inquiry | None = None,
    service_request: ServiceRequest | None = None,
    agent_id: int | None = None,
    queue_id: int | None = None,
    now: dt.datetime | None = None,
) -> Survey | None:
    """Create the contact's survey and queue its email or text (sent after commit).

    Returns None, sending nothing, when the contact already has a survey (never sent twice) or
    the address is refused by notifications (a resolution must not fail over a survey).
    """
    if channel not in SurveyChannel.values:
        raise InvalidInput(_("Unknown survey channel."))
    if recipient_channel not in (InvitedBy.EMAIL, InvitedBy.SMS):
        raise InvalidInput(_("A survey link goes by email or text."))
    now = now or timezone.now()
    survey = _create(
        inquiry=inquiry, service_request=service_request, channel=channel,
        invited_by=recipient_channel, language=language if language in ("en", "es") else "en",
        queue_id=queue_id, agent_id=agent_id, invited_at=now,
        expires_at=now + dt.timedelta(days=ANSWER_DAYS), token_salt=token_salt_new(),
    )  # fmt: skip
    if survey is None:
        return None
    survey.token_hash = token_hash(token_for(survey_id=survey.pk, salt=survey.token_salt))
    survey.save(update_fields=["token_hash", "updated_at"])
    try:
        with transaction.atomic():
            notification_queue(
                channel=recipient_channel, recipient=recipient, template=INVITATION_TEMPLATE,
                language=survey.language, context={"survey": str(survey.pk)},
                inquiry=inquiry or getattr(service_request, "inquiry", None),
            )  # fmt: skip
    except InvalidInput:
        # The address on file no longer passes the check: the survey stays, unsent, so the
        # contact is still never asked twice.
        logger.warning("survey.invitation_skipped", extra={"survey_id": survey.pk})
        return survey
    logger.info(
        "survey.invited",
        extra={"survey_id": survey.pk, "channel": channel, "invited_by": recipient_channel},
    )
    return survey


def survey_invite_for_inquiry(
    *, inquiry: Inquiry, channel: str, agent_id: int | None, now: dt.datetime | None = None
) -> Survey | None:
    """A link survey for a resolved callback or secure-message thread, to the email (else the
    phone) the person gave. None when there is nowhere to send it or it was asked before."""
    recipient = _link_recipient(email=inquiry.contact_email, phone=inquiry.contact_phone)
    if recipient is None:
        return None
    item = _latest_item(inquiry.pk)
    if agent_id is None and item is not None and item.assigned_to is not None:
        agent_id = item.assigned_to.user_id
    return survey_invite_by_link(
        channel=channel, language=inquiry.language, recipient_channel=recipient[0],
        recipient=recipient[1], inquiry=inquiry, agent_id=agent_id,
        queue_id=item.queue_id if item is not None else None, now=now,
    )  # fmt: skip


def survey_invite_for_service_request(
    *, request: ServiceRequest, agent_id: int | None, now: dt.datetime | None = None
) -> Survey | None:
    """A link survey for a resolved service request, by the reply channel the person chose
    (email unless they chose texts), to the address they gave with the request."""
    inquiry = request.inquiry
    recipient = _link_recipient(
        email=inquiry.contact_email, phone=inquiry.contact_phone, prefer=request.reply_channel
    )
    if recipient is None:
        return None
    return survey_invite_by_link(
        channel=SurveyChannel.SERVICE_REQUEST, language=request.language,
        recipient_channel=recipient[0], recipient=recipient[1], service_request=request,
        agent_id=agent_id, now=now,
    )  # fmt: skip


@transaction.atomic
def survey_invite_in_channel(
    *,
    inquiry: Inquiry,
    invited_by: str,
    queue_id: int | None = None,
    agent_id: int | None = None,
    now: dt.datetime | None = None,
) -> Survey | None:
    """A survey the call or the chat itself asks (the caller opted in; the chat ended). None
    when the contact already has one."""
    if invited_by not in (InvitedBy.IVR, InvitedBy.CHAT):
        raise InvalidInput(_("Only the phone line and the chat ask surveys themselves."))
    now = now or timezone.now()
    channel = SurveyChannel.PHONE if invited_by == InvitedBy.IVR else SurveyChannel.CHAT
    if queue_id is None or agent_id is None:
        item = _latest_item(inquiry.pk)
        if item is not None:
            queue_id = queue_id if queue_id is not None else item.queue_id
            if agent_id is None and item.assigned_to is not None:
                agent_id = item.assigned_to.user_id
    survey = _create(
        inquiry=inquiry, channel=channel, invited_by=invited_by, language=inquiry.language,
        queue_id=queue_id, agent_id=agent_id, invited_at=now,
        expires_at=now + dt.timedelta(days=ANSWER_DAYS),
    )  # fmt: skip
    if survey is not None:
        logger.info("survey.invited", extra={"survey_id": survey.pk, "invited_by": invited_by})
    return survey


def _still_open(survey: Survey, now: dt.datetime) -> None:
    if survey.answered_at is not None:
        raise SurveyClosed(
            _("This survey has already been answered. Thank you."), reason="answered"
        )
    if now >= survey.expires_at:
        raise SurveyClosed(
            _("This survey closed %(days)d days after it was sent.") % {"days": ANSWER_DAYS},
            reason="expired",
        )


def _answer(survey: Survey, *, score: object, comment: object, now: dt.datetime) -> Survey:
    _still_open(survey, now)
    survey.score = score_parse(score)
    survey.comment = comment_clean(comment)
    survey.answered_at = now
    survey.save(update_fields=["score", "comment", "answered_at", "updated_at"])
    logger.info("survey.answered", extra={"survey_id": survey.pk, "channel": survey.channel})
    return survey


def _by_token(token: str, *, lock: bool = True) -> Survey:
    token = str(token or "")
    if not token or len(token) > 100:
        raise SurveyNotFound(_("This survey link is not one we sent."))
    rows = Survey.objects.select_for_update() if lock else Survey.objects.all()
    survey = rows.filter(token_hash=token_hash(token)).first()
    if survey is None:
        raise SurveyNotFound(_("This survey link is not one we sent."))
    return survey


def _refuse_handler(survey: Survey, user_id: int | None) -> None:
    if user_id is not None and survey.agent_id is not None and user_id == survey.agent_id:
        raise SurveyRefused(
            _("You handled this contact, so you cannot answer its survey. Only the person who "
              "contacted us can.")
        )  # fmt: skip


@transaction.atomic
def survey_answer_by_link(
    *,
    token: str,
    score: object,
    comment: object = "",
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> Survey:
    """Record the answer given through a survey link. ``user_id`` is the signed-in user, if any:
    the member of staff who handled the contact is refused. Raises SurveyNotFound (unknown
    token), SurveyClosed (answered, expired), SurveyRefused or InvalidInput; each changes
    nothing."""
    survey = _by_token(token)
    _refuse_handler(survey, user_id)
    return _answer(survey, score=score, comment=comment, now=now or timezone.now())


def survey_check_link(
    *, token: str, user_id: int | None = None, now: dt.datetime | None = None
) -> Survey:
    """The survey behind a link, if it can still be answered by this visitor (same refusals as
    answering, without answering)."""
    survey = _by_token(token, lock=False)
    _refuse_handler(survey, user_id)
    _still_open(survey, now or timezone.now())
    return survey


@transaction.atomic
def survey_answer_in_channel(
    *,
    inquiry: Inquiry,
    score: object,
    comment: object = "",
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> Survey:
    """Record the answer given in the call or the chat to the survey that contact asked."""
    survey = Survey.objects.select_for_update().filter(inquiry=inquiry).first()
    if survey is None or survey.invited_by not in (InvitedBy.IVR, InvitedBy.CHAT):
        raise SurveyNotFound(_("There is no survey to answer for this contact."))
    _refuse_handler(survey, user_id)
    return _answer(survey, score=score, comment=comment, now=now or timezone.now())
