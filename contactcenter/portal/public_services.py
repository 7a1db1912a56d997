"""Every write of the public pages (``public_views.py``): account help and feedback, each an
inquiry in the right queue, and registration for an outreach event.

Keyword-only functions, one transaction each; nothing is written when a form is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import Channel, Inquiry
from contactcenter.inquiries.services import inquiry_open
from contactcenter.portal.errors import AlreadyLinked, EventFull
from contactcenter.portal.models import EventRegistration, OutreachEvent
from contactcenter.routing.models import QueueTier, WorkKind
from contactcenter.routing.services import QueueChoice, queue_for, work_item_enqueue

ACCOUNT_HELP_REPLY_HOURS = 48
ACCOUNT_HELP_TOPICS = ("password", "locked", "access_code", "other")
FEEDBACK_KINDS = (
    "compliment",
    "complaint_service",
    "complaint_officer",
    "misconduct",
    "fraud",
    "accessibility",
)
# Which queue tier each kind of feedback goes to: complaints about people, misconduct, fraud
# and accessibility complaints go to supervisors; compliments and service complaints to Tier 1.
FEEDBACK_TIER = {
    "compliment": QueueTier.TIER1,
    "complaint_service": QueueTier.TIER1,
    "complaint_officer": QueueTier.SUPERVISOR,
    "misconduct": QueueTier.SUPERVISOR,
    "fraud": QueueTier.SUPERVISOR,
    "accessibility": QueueTier.SUPERVISOR,
}
ANONYMOUS_ALLOWED = frozenset({"fraud", "misconduct"})


def _contact_clean(email: str, phone: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Give a valid email address.")) from None
    if phone:
        digits = phone.lstrip("+")
        if len(digits) == 10:
            phone = "+1" + digits
        elif len(digits) == 11 and digits.startswith("1"):
            phone = "+" + digits
        else:
            raise InvalidInput(_("Give a 10-digit U.S. phone number."))
    return email, phone


def _webform_inquiry(
    *,
    topic: str,
    tier: str,
    language: str,
    body: str,
    email: str,
    phone: str,
    due_at: dt.datetime | None = None,
) -> Inquiry:
    inquiry = inquiry_open(
        channel=Channel.WEBFORM,
        language=language,
        topic=topic,
        contact_email=email,
        contact_phone=phone,
        first_message=body,
    )
    queue = queue_for(QueueChoice(tier=tier, language=language, channel="webform"))
    work_item_enqueue(inquiry=inquiry, kind=WorkKind.WEBFORM_REPLY, queue=queue, due_at=due_at)
    return inquiry


@transaction.atomic
def account_help_submit(
    *, topic: str, description: str, email: str, phone: str, language: str
) -> Inquiry:
    """An account problem, sent without signing in: an inquiry answered within 48 hours by
    email or phone. No case information is given through it."""
    if topic not in ACCOUNT_HELP_TOPICS:
        raise InvalidInput(_("Choose what the problem is about."))
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the problem."))
    if len(description) > 2000:
        raise InvalidInput(_("Keep the description to at most 2,000 characters."))
    email, phone = _contact_clean(email, phone)
    if not (email or phone):
        raise InvalidInput(_("Give an email address or a phone number so we can answer."))
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    return _webform_inquiry(
        topic=f"account help: {topic}",
        tier=QueueTier.TIER1,
        language=language,
        body=description,
        email=email,
        phone=phone,
        due_at=timezone.now() + dt.timedelta(hours=ACCOUNT_HELP_REPLY_HOURS),
    )


@transaction.atomic
def feedback_submit(
    *, kind: str, body: str, email: str, phone: str, anonymous: bool, language: str
) -> Inquiry:
    if kind not in FEEDBACK_KINDS:
        raise InvalidInput(_("Choose what kind of feedback this is."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Tell us what happened."))
    if len(body) > 5000:
        raise InvalidInput(_("Keep it to at most 5,000 characters."))
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    if anonymous:
        if kind not in ANONYMOUS_ALLOWED:
            raise InvalidInput(_("Only fraud tips and misconduct reports may be anonymous."))
        email, phone = "", ""
    else:
        email, phone = _contact_clean(email, phone)
    return _webform_inquiry(
        topic=f"feedback: {kind}",
        tier=FEEDBACK_TIER[kind],
        language=language,
        body=body,
        email=email,
        phone=phone,
    )


@transaction.atomic
def event_register(
    *, event: OutreachEvent, name: str, email: str, language: str, now: dt.datetime | None = None
) -> EventRegistration:
    now = now or timezone.now()
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("Give your name (at most 120 characters)."))
    email, _phone = _contact_clean(email, "")
    if not email:
        raise InvalidInput(_("Give a valid email address."))
    locked = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    if locked.starts_at <= now:
        raise InvalidInput(_("Registration for this event has closed."))
    if EventRegistration.objects.filter(event=locked, email__iexact=email).exists():
        raise AlreadyLinked(_("This email address is already registered for this event."))
    if locked.registered >= locked.capacity:
        raise EventFull(_("This event is full."))
    registration = EventRegistration.objects.create(
        event=locked, name=name, email=email.lower(), language=language
    )
    OutreachEvent.objects.filter(pk=locked.pk).update(registered=F("registered") + 1)
    return registration
