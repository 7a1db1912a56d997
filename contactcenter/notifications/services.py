"""Every write about messages to the public: queue, deliver, retry, and texts coming back.

A notification is written in the caller's transaction and handed to the task queue only when
that transaction commits, so a rolled-back escalation never tells anyone it happened.
Delivery is exactly once as far as the provider lets us know: a worker that dies after the
provider took a text but before the row says "sent" leaves the row "sending"; once it has
stalled (``NOTIFICATIONS_STALLED_AFTER_SECONDS``) the provider is asked whether it took the
text (``SmsProvider.accepted_message_id``), for a few rounds, before it is sent again, and
Twilio's status callback settles the row as soon as Twilio has it. An email cannot be asked
about, so it goes again, under the same Message-ID, for the receiving side to recognise.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.core.redaction import redact
from contactcenter.notifications.catalogue import LANGUAGES as MESSAGE_LANGUAGES
from contactcenter.notifications.catalogue import (
    MESSAGES,
    context_clean,
    message_render,
    reply_render,
)
from contactcenter.notifications.inbound_keywords import (
    HELP_WORDS,
    START_WORDS,
    STOP_WORDS,
    inbound_handler_for,
    inbound_keyword_register,
    keyword_normalise,
)
from contactcenter.notifications.models import (
    InboundAction,
    InboundSms,
    Notification,
    NotificationChannel,
    NotificationState,
    SmsOptOut,
)
from contactcenter.notifications.providers.base import DeliveryError, RecipientOptedOut
from contactcenter.notifications.providers.django_email import email_domain, email_send
from contactcenter.notifications.providers.sms import sms_provider
from contactcenter.notifications.recipients import is_e164, is_email_address

if TYPE_CHECKING:
    from contactcenter.inquiries.models import Inquiry

__all__ = [
    "inbound_keyword_register",
    "notification_deliver",
    "notification_provider_status_record",
    "notification_queue",
    "notification_retry",
    "notifications_requeue_stalled",
    "retry_delay",
    "sms_inbound",
]

logger = logging.getLogger(__name__)

State = NotificationState
RETRY_FACTOR = 4  # 1, 4, 16 minutes with the default one-minute base
STALLED_BATCH = 100  # stalled sends looked into per run of the stalled-work job


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 4))


def stalled_after() -> dt.timedelta:
    """How long a row may stay pending past its time, or sending, before it counts as lost."""
    return dt.timedelta(
        seconds=float(getattr(settings, "NOTIFICATIONS_STALLED_AFTER_SECONDS", 600))
    )


def provider_checks_before_resend() -> int:
    """Rounds of asking the provider about a stalled text, finding nothing, before sending it
    again (a text Twilio still holds in its queue has no send date yet, so one look may miss
    it)."""
    return max(int(getattr(settings, "NOTIFICATIONS_PROVIDER_CHECKS", 2)), 1)


def notification_message_id(notification: Notification) -> str:
    """The email's Message-ID: the same for every try of one notification."""
    stamp = int(notification.created_at.timestamp()) if notification.created_at else 0
    return f"<notification.{notification.pk}.{stamp}@{email_domain()}>"


def sms_status_callback_url(notification_id: int) -> str:
    """Where Twilio reports a text's progress: the public base URL it calls, and our id."""
    base = (settings.TWILIO_WEBHOOK_BASE_URL or settings.PUBLIC_BASE_URL).rstrip("/")
    return f"{base}{reverse('twilio-sms-status', args=[notification_id])}"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try before the next one."""
    base = float(getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60))
    return dt.timedelta(seconds=base * RETRY_FACTOR ** max(attempts - 1, 0))


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    task = deliver_notification
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(notification_id)


def _backend_supports_defer() -> bool:
    return bool(deliver_notification.get_backend().supports_defer)


def _recipient_clean(channel: str, recipient: str) -> str:
    value = recipient.strip()
    if channel == NotificationChannel.EMAIL:
        if not is_email_address(value):
            raise InvalidInput("The recipient is not a valid email address.")
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    if not is_e164(value):
        raise InvalidInput("The recipient is not a phone number in E.164 form (+15555550142).")
    return value


def notification_queue(
    *,
    channel: str,
    recipient: str,
    template: str,
    language: str,
    context: Mapping[str, object] | None = None,
    inquiry: Inquiry | None = None,
) -> Notification:
    """Record a message and send it once the surrounding transaction commits.

    ``context`` holds exactly the values the template lists (see ``catalogue.MESSAGES``); when
    an inquiry is given its reference number fills ``reference_number``. A text to a phone
    that replied STOP is recorded as suppressed and never sent. Raises InvalidInput for an
    unknown channel, template or language, a bad recipient, or an unexpected context value.
    """
    if channel not in NotificationChannel.values:
        raise InvalidInput(f"Unknown channel {channel!r}.")
    if language not in MESSAGE_LANGUAGES:
        raise InvalidInput(f"Unknown language {language!r}; use one of {MESSAGE_LANGUAGES}.")
    address = _recipient_clean(channel, recipient)
    values = dict(context or {})
    spec = MESSAGES.get(template)
    if inquiry is not None and spec is not None and "reference_number" in spec.values:
        values.setdefault("reference_number", inquiry.reference_number)
    cleaned = context_clean(key=template, channel=channel, context=values)

    with transaction.atomic():
        suppressed = (
            channel == NotificationChannel.SMS and SmsOptOut.objects.filter(phone=address).exists()
        )
        notification = Notification.objects.create(
            channel=channel,
            recipient=address,
            template=template,
            language=language,
            context=cleaned,
            inquiry=inquiry,
            state=State.SUPPRESSED if suppressed else State.PENDING,
        )
        if not suppressed:
            # robust: a failed enqueue must not break the caller's committed work; the row
            # stays pending and notifications_requeue_stalled picks it up.
            transaction.on_commit(partial(_enqueue, notification.pk), robust=True)
    logger.info(
        "notification.queued",
        extra={
            "notification_id": notification.pk,
            "channel": channel,
            "template": template,
            "state": notification.state,
        },
    )
    return notification


def _error_text(error: BaseException, recipient: str) -> str:
    # Provider messages often quote the address or number they refused.
    text = f"{type(error).__name__}: {error}".replace(recipient, "[RECIPIENT]")
    return redact(text).text[:500]


def _claim(notification_id: int, now: dt.datetime) -> Notification | None:
    """Move a due, pending row to SENDING and return it; None if there is nothing to do."""
    with transaction.atomic():
        notification = Notification.objects.filter(pk=notification_id).first()
        if notification is None:
            raise NotFound("No such notification.")
        pending = Notification.objects.filter(pk=notification_id, state=State.PENDING)
        if (
            notification.channel == NotificationChannel.SMS
            and SmsOptOut.objects.filter(phone=notification.recipient).exists()
        ):
            # The person replied STOP after the text was queued.
            if pending.update(state=State.SUPPRESSED, next_attempt_at=None):
                logger.info("notification.suppressed", extra={"notification_id": notification_id})
            return None
        # A conditional UPDATE is the claim: of two workers given the same task, one wins.
        claimed = pending.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        ).update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            provider_checks=0,
        )
        if not claimed:
            logger.info(
                "notification.skipped",
                extra={"notification_id": notification_id, "state": notification.state},
            )
            return None
        notification.refresh_from_db()
        return notification


def _send(notification: Notification) -> str:
    message = message_render(
        key=notification.template,
        language=notification.language,
        channel=notification.channel,
        context=notification.context,
    )
    if notification.channel == NotificationChannel.EMAIL:
        return email_send(
            to=notification.recipient,
            subject=message.subject,
            body=message.body,
            message_id=notification_message_id(notification),
        )
    return sms_provider().send(
        notification.recipient,
        message.body,
        status_callback=sms_status_callback_url(notification.pk),
    )


def notification_deliver(*, notification_id: int) -> Notification:
    """Send one notification if it is pending and due; safe to call twice.

    Runs as three short transactions on purpose (claim, send, record) rather than one: the
    provider call must not happen inside a transaction, which on SQLite would hold the
    database's write lock for as long as the mail server or Twilio takes to answer.
    A failure is retried after ``retry_delay`` until ``NOTIFICATIONS_MAX_ATTEMPTS`` tries, then
    the row is failed. Raises NotFound for an unknown id.
    """
    now = timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return Notification.objects.get(pk=notification_id)
    log_extra = {
        "notification_id": notification.pk,
        "channel": notification.channel,
        "template": notification.template,
        "attempt": notification.attempts,
    }
    if notification.attempts > 1 and _provider_already_has(notification, now):
        # An earlier try reached the provider after all (it timed out on our side, or its
        # worker died before recording the send): that text stands, and none goes again.
        notification.refresh_from_db()
        return notification
    try:
        message_id = _send(notification)
    except RecipientOptedOut as error:
        return _record_provider_opt_out(notification, error)
    except DeliveryError as error:
        return _record_failure(notification, error, permanent=error.permanent, now=now)
    except Exception as error:  # a bug or an unexpected library error: retry like a time-out
        logger.warning(
            "notification.unexpected_error", extra={**log_extra, "error": type(error).__name__}
        )
        return _record_failure(notification, error, permanent=False, now=now)

    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(
            state=State.SENT,
            sent_at=timezone.now(),
            provider_message_id=message_id[:255],
            next_attempt_at=None,
            last_error="",
        )
    logger.info("notification.sent", extra=log_extra)
    notification.refresh_from_db()
    return notification


def _provider_accepted_message_id(notification: Notification, since: dt.datetime) -> str | None:
    """The provider's id for this text if it says it took one since ``since``; None when it
    has no record, cannot be asked (email, a provider without the look-up) or does not
    answer (logged)."""
    if notification.channel != NotificationChannel.SMS:
        return None
    ask = getattr(sms_provider(), "accepted_message_id", None)
    if ask is None:
        return None
    body = message_render(
        key=notification.template,
        language=notification.language,
        channel=notification.channel,
        context=notification.context,
    ).body
    try:
        found = ask(to=notification.recipient, body=body, since=since)
    except Exception as error:  # cannot be asked now: treated as no record found
        logger.warning(
            "notification.provider_check_failed",
            extra={"notification_id": notification.pk, "error": type(error).__name__},
        )
        return None
    return str(found) if found else None


def _provider_already_has(notification: Notification, now: dt.datetime) -> bool:
    """Before a retry: settle the row as sent if the provider took an earlier try."""
    found = _provider_accepted_message_id(notification, notification.created_at)
    if not found:
        return False
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(
            state=State.SENT,
            sent_at=now,
            provider_message_id=found[:255],
            next_attempt_at=None,
            last_error="",
        )
    logger.info(
        "notification.sent_confirmed_by_provider",
        extra={"notification_id": notification.pk, "attempt": notification.attempts},
    )
    return True


def _record_failure(
    notification: Notification, error: BaseException, *, permanent: bool, now: dt.datetime
) -> Notification:
    final = permanent or notification.attempts >= max_attempts()
    next_attempt_at: dt.datetime | None = None
    with transaction.atomic():
        if not final:
            if _backend_supports_defer():
                next_attempt_at = now + retry_delay(notification.attempts)
                transaction.on_commit(
                    partial(_enqueue, notification.pk, next_attempt_at), robust=True
                )
            else:
                # A backend that cannot delay (the immediate one, in development) retries at
                # once; a future next_attempt_at would make that run skip the row.
                next_attempt_at = now
                transaction.on_commit(partial(_enqueue, notification.pk), robust=True)
        Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(
            state=State.FAILED if final else State.PENDING,
            last_error=_error_text(error, notification.recipient),
            next_attempt_at=next_attempt_at,
        )
    logger.warning(
        "notification.failed" if final else "notification.retry_scheduled",
        extra={
            "notification_id": notification.pk,
            "channel": notification.channel,
            "attempt": notification.attempts,
            "permanent": permanent,
            "error": type(error).__name__,
        },
    )
    notification.refresh_from_db()
    return notification


def _record_provider_opt_out(notification: Notification, error: DeliveryError) -> Notification:
    with transaction.atomic():
        SmsOptOut.objects.get_or_create(
            phone=notification.recipient, defaults={"opted_out_at": timezone.now()}
        )
        Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(
            state=State.SUPPRESSED,
            last_error=_error_text(error, notification.recipient),
            next_attempt_at=None,
        )
    logger.info("notification.suppressed_by_provider", extra={"notification_id": notification.pk})
    notification.refresh_from_db()
    return notification


def notification_retry(*, notification_id: int) -> Notification:
    """Give a failed notification a fresh set of tries (an operator's "send again")."""
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification_id, state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=None
        )
        if not updated:
            raise InvalidInput("Only a failed notification can be sent again.")
        transaction.on_commit(partial(_enqueue, notification_id), robust=True)
    logger.info("notification.retry_requested", extra={"notification_id": notification_id})
    return Notification.objects.get(pk=notification_id)


def notifications_requeue_stalled(*, now: dt.datetime | None = None) -> int:
    """Hand lost work back to the queue; return how many notifications were re-enqueued.

    Pending rows overdue by ``NOTIFICATIONS_STALLED_AFTER_SECONDS`` lost their task (the
    process died between commit and enqueue). SENDING rows that old lost their worker
    mid-send: the provider is asked first whether it took the text (then the row is sent, and
    nothing goes twice); after ``NOTIFICATIONS_PROVIDER_CHECKS`` rounds without a record, or
    for an email (no mail server can be asked), the row goes back to pending and is sent again
    (at least once beats never). Each provider call is made outside any transaction.
    """
    now = now or timezone.now()
    cutoff = now - stalled_after()
    # A bounded batch: each may cost a provider round trip, and the next run takes the rest.
    stuck = list(
        Notification.objects.filter(state=State.SENDING, last_attempt_at__lt=cutoff).order_by("pk")[
            :STALLED_BATCH
        ]
    )
    resend = [notification.pk for notification in stuck if _stalled_send_settle(notification, now)]
    with transaction.atomic():
        overdue = list(
            Notification.objects.filter(state=State.PENDING)
            .filter(
                Q(next_attempt_at__lt=cutoff)
                | Q(next_attempt_at__isnull=True, created_at__lt=cutoff)
            )
            .values_list("pk", flat=True)
        )
        ids = sorted({*resend, *overdue})
        for notification_id in ids:
            transaction.on_commit(partial(_enqueue, notification_id), robust=True)
    if ids:
        logger.warning("notification.requeued", extra={"count": len(ids)})
    return len(ids)


def _stalled_send_settle(notification: Notification, now: dt.datetime) -> bool:
    """Settle one stalled send: True when it is to be sent again (the row is pending now)."""
    started = notification.last_attempt_at
    assert started is not None  # a SENDING row always has one (set by the claim)
    # Every write below holds only if nothing moved the row since it was read (a status
    # callback, another worker running this job, the worker itself coming back).
    unchanged = Notification.objects.filter(
        pk=notification.pk, state=State.SENDING, last_attempt_at=started
    )
    log_extra = {
        "notification_id": notification.pk,
        "channel": notification.channel,
        "attempt": notification.attempts,
    }
    if notification.channel == NotificationChannel.EMAIL:
        # No mail server answers "did you take it"; the copy carries the same Message-ID.
        return bool(unchanged.update(state=State.PENDING, next_attempt_at=None))
    ask = getattr(sms_provider(), "accepted_message_id", None)
    found = _provider_accepted_message_id(notification, started)
    if found:
        if unchanged.update(
            state=State.SENT,
            sent_at=now,
            provider_message_id=found[:255],
            next_attempt_at=None,
            last_error="",
            provider_checks=F("provider_checks") + 1,
        ):
            logger.info("notification.sent_confirmed_by_provider", extra=log_extra)
        return False
    checks = notification.provider_checks + 1
    if ask is not None and checks < provider_checks_before_resend():
        unchanged.update(provider_checks=checks)
        logger.info("notification.provider_has_no_record", extra={**log_extra, "round": checks})
        return False
    return bool(unchanged.update(state=State.PENDING, next_attempt_at=None, provider_checks=checks))


# Twilio's message statuses, in the order a text moves through them; a callback that arrives
# late (Twilio does not promise order) never moves the recorded status back.
PROVIDER_STATUS_ORDER = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "canceled": 5,
    "failed": 5,
    "undelivered": 5,
    "delivered": 5,
    "read": 6,
}
# The provider took the text: it must not be sent again, whatever the carrier does next.
PROVIDER_TOOK_IT = frozenset(PROVIDER_STATUS_ORDER) - {"canceled", "failed"}
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-f]{32}$")


def notification_provider_status_record(
    *, notification_id: int, provider_message_id: str, status: str
) -> Notification:
    """Record what the provider says about a text it was given (Twilio's status callback).

    A text the provider took settles a row still pending or sending (its worker may have died
    before recording the send) as sent, with the provider's id, so it is never sent again.
    Safe to call any number of times, in any order. Raises InvalidInput for an unknown status
    or a malformed message id, NotFound for an unknown text notification.
    """
    if status not in PROVIDER_STATUS_ORDER:
        raise InvalidInput("Unknown message status.")
    if not MESSAGE_SID.match(provider_message_id):
        raise InvalidInput("The message id is not a Twilio message id.")
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, channel=NotificationChannel.SMS)
            .first()
        )
        if notification is None:
            raise NotFound("No such text notification.")
        updates: dict[str, object] = {}
        ours = notification.provider_message_id in ("", provider_message_id)
        if status in PROVIDER_TOOK_IT and notification.state in (
            State.PENDING,
            State.SENDING,
            State.FAILED,
        ):
            updates = {
                "state": State.SENT,
                "sent_at": now,
                "provider_message_id": provider_message_id,
                "next_attempt_at": None,
                "last_error": "",
            }
            ours = True
        elif not ours and status in PROVIDER_TOOK_IT:
            # Two texts at the provider for one notification: say so, for whoever counts them.
            logger.warning(
                "notification.provider_has_second_copy", extra={"notification_id": notification_id}
            )
        rank = PROVIDER_STATUS_ORDER[status]
        if ours and rank > PROVIDER_STATUS_ORDER.get(notification.provider_status, 0):
            updates["provider_status"] = status
        if updates:
            Notification.objects.filter(pk=notification.pk).update(**updates)
    logger.info(
        "notification.provider_status",
        extra={"notification_id": notification_id, "status": status, "settled": "state" in updates},
    )
    notification.refresh_from_db()
    return notification


def sms_inbound(*, from_phone: str, body: str) -> str | None:
    """Act on a text someone sent us; return the reply to send back, or None for no reply.

    STOP words record an opt-out and drop texts still waiting; START lifts it; HELP answers
    with how to reach us; other keywords go to registered handlers. A handler's reply is not
    sent to someone who has opted out. Raises InvalidInput if ``from_phone`` is not E.164.
    """
    if not is_e164(from_phone):
        raise InvalidInput("The sender is not a phone number in E.164 form.")
    word = keyword_normalise(body)
    now = timezone.now()
    reply: str | None = None
    with transaction.atomic():
        opted_out = SmsOptOut.objects.filter(phone=from_phone)
        if word in STOP_WORDS:
            SmsOptOut.objects.get_or_create(phone=from_phone, defaults={"opted_out_at": now})
            Notification.objects.filter(
                channel=NotificationChannel.SMS, recipient=from_phone, state=State.PENDING
            ).update(state=State.SUPPRESSED, next_attempt_at=None)
            action, reply = InboundAction.OPTED_OUT, reply_render("stopped")
        elif word in START_WORDS:
            opted_out.delete()
            action, reply = InboundAction.OPTED_IN, reply_render("started")
        elif word in HELP_WORDS:
            action, reply = InboundAction.HELP, reply_render("help")
        elif (handler := inbound_handler_for(word)) is not None:
            action = InboundAction.HANDLED
            reply = handler(from_phone=from_phone, body=body)
            if reply is not None and opted_out.exists():
                reply = None  # they asked for no texts; the handler's work still counts
        else:
            action = InboundAction.IGNORED
        InboundSms.objects.create(
            from_phone=from_phone,
            keyword=word[:20] if action != InboundAction.IGNORED else "",
            action=action,
            body_redacted=redact(body).text[:500],
            received_at=now,
        )
    logger.info(
        "sms.inbound",
        extra={"action": action, "keyword": word[:20] if action != InboundAction.IGNORED else ""},
    )
    return reply


@task()
def deliver_notification(notification_id: int) -> str:
    """The background task the worker runs for each message: one service call."""
    return str(notification_deliver(notification_id=notification_id).state)
