"""Tier 2 callbacks as an officer works them: first in, first out across the country, made
only in the calling window, two attempts and then the person is asked to get in touch again.

They live with the desk because working one touches three apps below it: the work item
(routing), the inquiry it resolves (inquiries) and the texts and emails to the person
(notifications). Routing only hands the callbacks out (``work_item_claim``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.domain_events import ContactEventKind
from contactcenter.inquiries.models import DispositionCode
from contactcenter.inquiries.services import inquiry_resolve
from contactcenter.notifications.services import notification_queue
from contactcenter.routing.calendar import calling_window_open
from contactcenter.routing.models import (
    Agent,
    CallbackAttempt,
    CallOutcome,
    WorkItem,
    WorkKind,
    WorkState,
)
from contactcenter.routing.services import RoutingError, work_item_report

logger = logging.getLogger(__name__)

TEXT_AHEAD_TEMPLATE = "callback_text_ahead"
FAILED_OUTCOMES = frozenset(
    {CallOutcome.NO_ANSWER, CallOutcome.VOICEMAIL, CallOutcome.BUSY, CallOutcome.WRONG_NUMBER}
)


def callbacks_for_officer(*, agent: Agent) -> QuerySet[WorkItem]:
    """The officer's own callbacks: those the person confirmed by text first, then the most
    overdue (the earliest due time), then the oldest."""
    return (
        WorkItem.objects.filter(assigned_to=agent, kind=WorkKind.CALLBACK, state=WorkState.ASSIGNED)
        .select_related("inquiry")
        .order_by(
            F("confirmed_at").desc(nulls_last=True),
            F("due_at").asc(nulls_last=True),
            "enqueued_at",
            "id",
        )
    )


@transaction.atomic
def _held_callback(item_id: int, agent: Agent) -> WorkItem | None:
    """The callback ``agent`` holds, locked; None when it is missing, not a callback, or not
    theirs (the callers refuse all of those with one message)."""
    item = (
        WorkItem.objects.select_for_update()
        .select_related("inquiry")
        .filter(pk=item_id, kind=WorkKind.CALLBACK)
        .first()
    )
    if item is None or item.state != WorkState.ASSIGNED or item.assigned_to_id != agent.pk:
        return None
    return item


def callback_record_attempt(
    *,
    agent: Agent,
    item_id: int,
    outcome: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> WorkItem:
    """Log a call attempt. Answered: the officer goes on with the inquiry. The second failed
    attempt closes the inquiry (disposition no answer) and asks the person to contact us."""
    now = now or timezone.now()
    if outcome not in CallOutcome.values:
        raise RoutingError(_("Choose how the call went."))
    item = _held_callback(item_id, agent)
    if item is None:
        # Missing and someone else's alike: nobody learns which callbacks exist.
        raise RoutingError(_("Only the officer holding this callback can log a call."))
    if not calling_window_open(now):
        raise RoutingError(_("Calls are made only within the calling window."))
    CallbackAttempt.objects.create(
        item=item, agent=agent, outcome=outcome, note=note[:500], attempted_at=now
    )
    failures = item.attempts.filter(outcome__in=FAILED_OUTCOMES).count()
    logger.info(
        "callback.attempt", extra={"item_id": item.pk, "outcome": outcome, "failures": failures}
    )
    work_item_report(
        ContactEventKind.CALLBACK_ATTEMPTED, item, at=now, agent_id=agent.pk,
        actor_user_id=agent.user_id, outcome=str(outcome), failed_attempts=failures,
    )  # fmt: skip
    if outcome in FAILED_OUTCOMES and failures >= settings.CALLBACK_MAX_FAILED_ATTEMPTS:
        inquiry_resolve(
            inquiry=item.inquiry,
            actor=agent.user,
            disposition=DispositionCode.NO_ANSWER,
            note=_("Two call attempts were not answered."),
        )
        item.state = WorkState.DONE
        item.completed_at = now
        item.save(update_fields=["state", "completed_at", "updated_at"])
        work_item_report(ContactEventKind.WRAPPED_UP, item, at=now, agent_id=agent.pk,
                         actor_user_id=agent.user_id)  # fmt: skip
        _notify_missed(item)
    return item


def _notify_missed(item: WorkItem) -> None:
    inquiry = item.inquiry
    context = {"reference_number": inquiry.reference_number}
    if inquiry.contact_phone:
        notification_queue(channel="sms", recipient=inquiry.contact_phone,
                           template="callback_missed", language=inquiry.language,
                           context=context, inquiry=inquiry)  # fmt: skip
    if inquiry.contact_email:
        notification_queue(channel="email", recipient=inquiry.contact_email,
                           template="callback_missed", language=inquiry.language,
                           context=context, inquiry=inquiry)  # fmt: skip


@transaction.atomic
def callback_text_ahead(*, agent: Agent, item_id: int, now: dt.datetime | None = None) -> WorkItem:
    """Text the person that a call is coming in the next 30 minutes; a YES moves the callback
    to the front of this officer's list."""
    now = now or timezone.now()
    item = _held_callback(item_id, agent)
    if item is None:
        raise RoutingError(_("Only the officer holding this callback can text ahead."))
    if not item.inquiry.contact_phone:
        raise RoutingError(_("There is no phone number to text."))
    notification_queue(
        channel="sms",
        recipient=item.inquiry.contact_phone,
        template=TEXT_AHEAD_TEMPLATE,
        language=item.inquiry.language,
        context={"reference_number": item.inquiry.reference_number},
        inquiry=item.inquiry,
    )
    item.text_ahead_sent_at = now
    item.save(update_fields=["text_ahead_sent_at", "updated_at"])
    return item


@transaction.atomic
def callback_confirm_by_text(*, from_phone: str, now: dt.datetime | None = None) -> bool:
    """A YES from a number we texted ahead within the last 30 minutes confirms its callback."""
    now = now or timezone.now()
    item = (
        WorkItem.objects.select_for_update()
        .filter(
            kind=WorkKind.CALLBACK,
            state=WorkState.ASSIGNED,
            inquiry__contact_phone=from_phone,
            text_ahead_sent_at__gte=now - dt.timedelta(minutes=30),
            confirmed_at__isnull=True,
        )
        .order_by("-text_ahead_sent_at")
        .first()
    )
    if item is None:
        return False
    item.confirmed_at = now
    item.save(update_fields=["confirmed_at", "updated_at"])
    return True


def callback_yes_reply(*, from_phone: str, body: str) -> str | None:
    """Inbound text handler for YES (and Spanish SI): confirm the callback texted ahead."""
    if callback_confirm_by_text(from_phone=from_phone):
        return _("Thank you. An officer will call you within 30 minutes.")
    return None
