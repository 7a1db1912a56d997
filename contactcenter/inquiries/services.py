"""Every write to an inquiry. Channels (phone, chat, portal, desk) call these and nothing else.

States and the transitions allowed between them are listed in ``TRANSITIONS``; anything else
is refused with :class:`ForbiddenTransition` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.models import Case
from contactcenter.cases.selectors import CaseNotFound, case_identity_record_for_check
from contactcenter.core.db_inserts import ThenSave, insert_with_children
from contactcenter.core.domain_events import ContactEventKind as Event
from contactcenter.core.domain_events import DetailValue, contact_event_emit
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, TryAgain
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import redact
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.inquiries.models import (
    Channel,
    Disposition,
    DispositionCode,
    EventKind,
    Inquiry,
    InquiryEvent,
    InquiryState,
    Tier,
    Urgency,
    VerifiedAs,
)
from contactcenter.notifications.services import notification_queue
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.routing.models import QueueTier, WorkKind
from contactcenter.routing.services import (
    QueueChoice,
    queue_for,
    work_item_enqueue,
    work_items_cancel_for_inquiry,
)

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, frozenset[str]] = {
    InquiryState.NEW: frozenset(
        {
            InquiryState.ACTIVE,
            InquiryState.ESCALATED,
            InquiryState.CALLBACK_SCHEDULED,
            InquiryState.LOCKED,
            InquiryState.CLOSED,
        }
    ),
    InquiryState.ACTIVE: frozenset(
        {
            InquiryState.NEW,
            InquiryState.ESCALATED,
            InquiryState.CALLBACK_SCHEDULED,
            InquiryState.LOCKED,
            InquiryState.CLOSED,
        }
    ),
    InquiryState.ESCALATED: frozenset(
        {InquiryState.ACTIVE, InquiryState.CALLBACK_SCHEDULED, InquiryState.CLOSED}
    ),
    InquiryState.CALLBACK_SCHEDULED: frozenset(
        {InquiryState.ACTIVE, InquiryState.ESCALATED, InquiryState.CLOSED}
    ),
    InquiryState.LOCKED: frozenset({InquiryState.ACTIVE, InquiryState.CLOSED}),
    InquiryState.CLOSED: frozenset({InquiryState.NEW}),
}


class ForbiddenTransition(ApplicationError):
    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class IdentityLocked(ApplicationError):
    code = ErrorCode.IDENTITY_LOCKED
    http_status = 423


class AlreadyVerified(ApplicationError):
    code = ErrorCode.ALREADY_VERIFIED
    http_status = 409


def _lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def _record(
    inquiry: Inquiry,
    kind: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    body: str = "",
    data: dict | None = None,
) -> InquiryEvent:
    return InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=kind,
        actor=actor,
        actor_label=actor_label or ("staff" if actor else "system"),
        body=body,
        data=data or {},
    )


def _move(inquiry: Inquiry, to_state: str, *, actor: User | None, why: str = "") -> None:
    if to_state not in TRANSITIONS[inquiry.state]:
        raise ForbiddenTransition(
            _("An inquiry that is %(current)s cannot become %(target)s.")
            % {
                "current": InquiryState(inquiry.state).label,
                "target": InquiryState(to_state).label,
            }
        )
    _record(
        inquiry,
        EventKind.STATE,
        actor=actor,
        data={"from": inquiry.state, "to": to_state, "why": why},
    )
    inquiry.state = to_state


def _notify(inquiry: Inquiry, template: str, **context: object) -> None:
    """Tell the person, by every contact they gave, in their language (sent after commit)."""
    context = {"reference_number": inquiry.reference_number, **context}
    for channel, recipient in (("email", inquiry.contact_email), ("sms", inquiry.contact_phone)):
        if recipient:
            notification_queue(
                channel=channel,
                recipient=recipient,
                template=template,
                language=inquiry.language,
                context=context,
                inquiry=inquiry,
            )


# Once escalated, a person waiting on a regular (not urgent) inquiry hears when an officer
# takes it up, schedules the call, or closes it; urgent ones get a call within two days.
_UPDATE_STATES = frozenset(
    {InquiryState.ACTIVE, InquiryState.CALLBACK_SCHEDULED, InquiryState.CLOSED}
)


def _notify_update(inquiry: Inquiry, previous_state: str) -> None:
    if (
        inquiry.urgency == Urgency.REGULAR
        and inquiry.tier == Tier.TIER2
        and inquiry.state in _UPDATE_STATES
        and inquiry.state != previous_state
    ):
        _notify(inquiry, "inquiry_updated")


def _sync(target: Inquiry, source: Inquiry) -> Inquiry:
    """Copy the locked, saved row's values back onto the caller's instance."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _report(
    kind: Event,
    inquiry: Inquiry,
    *,
    actor: User | None = None,
    at: dt.datetime | None = None,
    **detail: DetailValue,
) -> None:
    """One step of the inquiry's contact, as a domain event (ids and codes, no personal data)."""
    contact_event_emit(
        kind, channel=inquiry.channel, at=at, language=inquiry.language, inquiry_id=inquiry.pk,
        actor_user_id=actor.pk if actor is not None else None,
        detail={"tier": int(inquiry.tier), "state": str(inquiry.state), **detail},
    )  # fmt: skip


def inquiry_open(
    *,
    channel: str,
    language: str = "en",
    topic: str = "",
    person=None,
    case: Case | None = None,
    contact_phone: str = "",
    contact_email: str = "",
    first_message: str = "",
    actor: User | None = None,
) -> Inquiry:
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel %(channel)s.") % {"channel": channel})
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    events = [
        InquiryEvent(kind=EventKind.OPENED, actor=actor, actor_label="staff" if actor else "system",
                     data={"channel": channel}),
    ]  # fmt: skip
    if first_message:
        events.append(_message_event(first_message, actor=actor, actor_label="person"))
    inquiry = Inquiry(
        channel=channel, language=language, topic=topic[:60], person=person, case=case,
        contact_phone=contact_phone, contact_email=contact_email,
    )  # fmt: skip
    _inquiry_insert(inquiry, events)
    logger.info("inquiry.opened", extra={"inquiry_id": inquiry.pk, "channel": channel})
    _report(Event.STARTED, inquiry, actor=actor, at=inquiry.created_at, topic=inquiry.topic)
    return inquiry


@dataclass(frozen=True, slots=True)
class InquiryOpening:
    """One inquiry for ``inquiries_open_many``: what ``inquiry_open`` takes, from a person."""

    channel: str
    language: str = "en"
    topic: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    first_message: str = ""


def inquiries_open_many(openings: list[InquiryOpening]) -> list[Inquiry]:
    """Open many inquiries at once, as ``inquiry_open`` opens one (the same rows, history and
    contact events), in a few statements however many there are: for intake that receives a
    batch (an email chunk). Every opening is checked before anything is written; one bad
    opening refuses them all. In a savepoint of its own, drawn again on a reference number
    collision."""
    prepared: list[tuple[Inquiry, list[InquiryEvent]]] = []
    for opening in openings:
        if opening.channel not in Channel.values:
            raise InvalidInput(_("Unknown channel %(channel)s.") % {"channel": opening.channel})
        if opening.language not in ("en", "es"):
            raise InvalidInput(_("Language must be en or es."))
        events = [
            InquiryEvent(kind=EventKind.OPENED, actor_label="system",
                         data={"channel": opening.channel}),
        ]  # fmt: skip
        if opening.first_message:
            events.append(_message_event(opening.first_message, actor=None, actor_label="person"))
        inquiry = Inquiry(
            channel=opening.channel, language=opening.language, topic=opening.topic[:60],
            contact_phone=opening.contact_phone, contact_email=opening.contact_email,
        )  # fmt: skip
        prepared.append((inquiry, events))
    if not prepared:
        return []
    for _attempt in range(5):
        for inquiry, _events in prepared:
            inquiry.pk = None
            inquiry.reference_number = ReferenceNumber.generate().value
        try:
            with transaction.atomic():
                Inquiry.objects.bulk_create([inquiry for inquiry, _events in prepared])
                for inquiry, events in prepared:
                    for event in events:
                        event.inquiry = inquiry
                InquiryEvent.objects.bulk_create(
                    [event for _inquiry, events in prepared for event in events]
                )
            break
        except IntegrityError:  # a reference number collision: draw them all again
            continue
    else:  # pragma: no cover - five collisions in a row among 9e9 numbers
        raise TryAgain(_("Could not open the inquiry; try again."))
    for inquiry, _events in prepared:
        logger.info("inquiry.opened", extra={"inquiry_id": inquiry.pk, "channel": inquiry.channel})
        _report(Event.STARTED, inquiry, at=inquiry.created_at, topic=inquiry.topic)
    return [inquiry for inquiry, _events in prepared]


# No savepoint of its own inside a caller's transaction (two statements fewer per inquiry, on
# the email intake's busiest path), and the inquiry with its first events in one statement on
# PostgreSQL: a failure here undoes the caller's transaction, or its savepoint. Bad input is
# refused before, when nothing is written yet.
@transaction.atomic(savepoint=False)
def _inquiry_insert(inquiry: Inquiry, events: list[InquiryEvent]) -> None:
    for _attempt in range(5):
        inquiry.reference_number = ReferenceNumber.generate().value
        try:
            with transaction.atomic():
                insert_with_children(inquiry, events, link="inquiry")
            return
        except IntegrityError:  # a reference number collision: draw again
            inquiry.pk = None
            continue
    # Five collisions in a row among 9e9 numbers.
    raise TryAgain(_("Could not open the inquiry; try again."))  # pragma: no cover


def inquiry_record_settled(
    *,
    channel: str,
    language: str,
    topic: str,
    transcript: str,
    actor_label: str,
    disposition: str,
    note: str = "",
    then_save: ThenSave | None = None,
) -> Inquiry:
    """A contact that self-service settled from start to finish (a caller who heard their case
    status and hung up): the inquiry is written already closed, with the history that opening
    it, adding the transcript and resolving it would have written (opened, message, state,
    disposition). One statement on PostgreSQL instead of some twenty, because every such call
    ends this way; ``then_save`` points the contact's own record (the call) at the inquiry in
    the same statement."""
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel %(channel)s.") % {"channel": channel})
    if language not in ("en", "es"):
        raise InvalidInput(_("Language must be en or es."))
    # The built-ins are always present and active (see Disposition), so the busiest path
    # (a self-served call) reads nothing to check them.
    if disposition not in DispositionCode.values and not _disposition_active(disposition):
        raise InvalidInput(_("Choose a disposition."))
    transcript = transcript.strip()
    if len(transcript) > 10_000:
        raise InvalidInput(_("A message can be at most 10,000 characters."))
    masked = redact(transcript) if transcript else None
    for _attempt in range(5):
        now = timezone.now()
        inquiry = Inquiry(
            reference_number=ReferenceNumber.generate().value, channel=channel,
            language=language, topic=topic[:60], state=InquiryState.CLOSED, disposition=disposition,
            closed_at=now,
        )  # fmt: skip
        events = [InquiryEvent(kind=EventKind.OPENED, actor_label="system",
                               data={"channel": channel})]  # fmt: skip
        if masked is not None:
            events.append(
                InquiryEvent(kind=EventKind.MESSAGE, actor_label=actor_label, body=masked.text,
                             data={"masked": list(masked.kinds)} if masked.found else {})
            )  # fmt: skip
        events += [
            InquiryEvent(kind=EventKind.STATE, actor_label="system",
                         data={"from": InquiryState.NEW, "to": InquiryState.CLOSED,
                               "why": disposition}),
            InquiryEvent(kind=EventKind.DISPOSITION, actor_label="system", body=note[:2000],
                         data={"disposition": disposition}),
        ]  # fmt: skip
        try:
            with transaction.atomic():
                insert_with_children(inquiry, events, link="inquiry", then_save=then_save)
            break
        except IntegrityError:  # a reference number collision: draw again
            continue
    else:  # pragma: no cover - needs five collisions in a row among 9e9 numbers
        raise TryAgain(_("Could not open the inquiry; try again."))
    logger.info("inquiry.opened", extra={"inquiry_id": inquiry.pk, "channel": channel})
    # Reported after the statement, so the events carry the new row's id.
    _report(Event.STARTED, inquiry, at=now, topic=inquiry.topic)
    if disposition != DispositionCode.NO_ANSWER:  # a caller who hung up in a menu was not served
        _report(Event.SELF_SERVED, inquiry, at=now, by=actor_label)
    _report(Event.RESOLVED, inquiry, at=now, disposition=disposition)
    return inquiry


def _message_event(body: str, *, actor: User | None, actor_label: str) -> InquiryEvent:
    """A message for the history, not yet saved: from the person (``actor`` None), personal
    data masked."""
    body = body.strip()
    if not body:
        raise InvalidInput(_("A message cannot be empty."))
    if len(body) > 10_000:
        raise InvalidInput(_("A message can be at most 10,000 characters."))
    masked = redact(body) if actor is None else None
    return InquiryEvent(
        kind=EventKind.MESSAGE,
        actor=actor,
        actor_label=actor_label or ("staff" if actor else "system"),
        body=masked.text if masked else body,
        data={"masked": list(masked.kinds)} if masked and masked.found else {},
    )


def _message(inquiry: Inquiry, *, body: str, actor: User | None, actor_label: str) -> InquiryEvent:
    event = _message_event(body, actor=actor, actor_label=actor_label)
    event.inquiry = inquiry
    event.save(force_insert=True)
    return event


@transaction.atomic
def inquiry_add_message(
    *,
    inquiry: Inquiry,
    body: str,
    actor: User | None = None,
    actor_label: str = "person",
) -> InquiryEvent:
    """A message from the person (``actor`` None: personal data is masked before storing) or
    from a member of staff."""
    locked = _lock(inquiry)
    if locked.state == InquiryState.CLOSED:
        raise ForbiddenTransition(_("This inquiry is closed. Open a new one or ask to reopen it."))
    return _message(locked, body=body, actor=actor, actor_label=actor_label)


def inquiries_add_messages_many(messages: list[tuple[Inquiry, str]]) -> list[InquiryEvent]:
    """Messages from people to their inquiries, as ``inquiry_add_message`` adds one (masked),
    in two statements however many: each inquiry locked (in id order, as one by one would
    not deadlock against another such batch), every message checked, then all written. A
    closed inquiry refuses the lot (``ForbiddenTransition``); nothing is written then."""
    if not messages:
        return []
    events = [_message_event(body, actor=None, actor_label="person") for _inquiry, body in messages]
    with transaction.atomic(savepoint=False):
        locked = {
            inquiry.pk: inquiry
            for inquiry in Inquiry.objects.select_for_update()
            .filter(pk__in={inquiry.pk for inquiry, _body in messages})
            .order_by("pk")
        }
        for inquiry, _body in messages:
            if inquiry.pk not in locked or locked[inquiry.pk].state == InquiryState.CLOSED:
                raise ForbiddenTransition(
                    _("This inquiry is closed. Open a new one or ask to reopen it.")
                )
        for event, (inquiry, _body) in zip(events, messages, strict=True):
            event.inquiry = locked[inquiry.pk]
        InquiryEvent.objects.bulk_create(events)
    return events


@transaction.atomic
def inquiry_add_note(*, inquiry: Inquiry, actor: User, body: str) -> InquiryEvent:
    if not body.strip():
        raise InvalidInput(_("A note cannot be empty."))
    return _record(_lock(inquiry), EventKind.NOTE, actor=actor, body=body.strip()[:10_000])


@transaction.atomic
def inquiry_record_transfer(
    *, inquiry: Inquiry, actor: User, mode: str, to: str, target: str, note: str = ""
) -> Inquiry:
    """Write a transfer into the inquiry's history: the action (cold or warm, to a queue or an
    agent, ``target`` a queue code or an agent id) and the sender's note as an internal note.
    Refused for a closed inquiry. Routing moves the work itself (``work_item_transfer``)."""
    locked = _lock(inquiry)
    if locked.state == InquiryState.CLOSED:
        raise ForbiddenTransition(_("A closed inquiry cannot be transferred."))
    _record(locked, EventKind.ACTION, actor=actor,
            data={"action": "transfer", "mode": mode, "to": to, "target": target})  # fmt: skip
    if note.strip():
        _record(locked, EventKind.NOTE, actor=actor, body=note.strip()[:10_000],
                data={"transfer": mode})  # fmt: skip
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_record_transfer_cancelled(*, inquiry: Inquiry, actor: User) -> Inquiry:
    """The sender took back a warm transfer before anyone accepted it."""
    locked = _lock(inquiry)
    _record(locked, EventKind.ACTION, actor=actor, data={"action": "transfer_cancelled"})
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_start_work(*, inquiry: Inquiry, actor: User) -> Inquiry:
    """An agent accepted work on the inquiry."""
    locked = _lock(inquiry)
    if locked.state == InquiryState.LOCKED:
        # Only a supervisor lifts an identity lock, with a reason (inquiry_unlock).
        raise ForbiddenTransition(
            _("Identity checks locked this inquiry; a supervisor must review it first.")
        )
    if locked.state != InquiryState.ACTIVE:
        previous = locked.state
        _move(locked, InquiryState.ACTIVE, actor=actor, why="accepted")
        locked.save(update_fields=["state", "updated_at"])
        _notify_update(locked, previous)
    return _sync(inquiry, locked)


def callback_due_at(*, urgency: str, start: dt.datetime | None = None) -> dt.datetime:
    days = settings.CALLBACK_DUE_BUSINESS_DAYS[Urgency(urgency)]
    return live_help_calendar().add_business_days(start or timezone.now(), days)


@transaction.atomic
def inquiry_escalate(*, inquiry: Inquiry, actor: User | None, reason: str, urgency: str) -> Inquiry:
    """Escalate to Tier 2: a callback item is queued with a due time from the urgency."""
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the escalation."))
    if urgency not in Urgency.values:
        raise InvalidInput(_("Urgency must be regular or urgent."))
    locked = _lock(inquiry)
    _move(locked, InquiryState.ESCALATED, actor=actor, why="escalated")
    locked.tier = Tier.TIER2
    locked.urgency = urgency
    locked.escalation_reason = reason.strip()[:500]
    locked.save(update_fields=["state", "tier", "urgency", "escalation_reason", "updated_at"])
    queue = queue_for(QueueChoice(tier=QueueTier.TIER2, language=locked.language, channel="phone"))
    due_at = callback_due_at(urgency=urgency)
    work_item_enqueue(
        inquiry=locked,
        kind=WorkKind.CALLBACK,
        queue=queue,
        urgent=urgency == Urgency.URGENT,
        due_at=due_at,
    )
    _notify(locked, "inquiry_escalated", contact_by=timezone.localdate(due_at))
    _record(locked, EventKind.ACTION, actor=actor, body=reason.strip()[:500],
            data={"action": "escalate", "urgency": urgency})  # fmt: skip
    _report(Event.ESCALATED, locked, actor=actor, urgency=urgency)
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_request_supervisor(
    *, inquiry: Inquiry, actor: User | None = None, reason: str = ""
) -> Inquiry:
    """Allowed at any time, from any state but closed; the inquiry keeps its state."""
    locked = _lock(inquiry)
    if locked.state == InquiryState.CLOSED:
        raise ForbiddenTransition(_("A closed inquiry cannot be sent to a supervisor."))
    if locked.supervisor_requested_at is None:
        locked.supervisor_requested_at = timezone.now()
        locked.save(update_fields=["supervisor_requested_at", "updated_at"])
        queue = queue_for(
            QueueChoice(tier=QueueTier.SUPERVISOR, language=locked.language,
                        channel=locked.channel)
        )  # fmt: skip
        work_item_enqueue(
            inquiry=locked,
            kind=WorkKind.SUPERVISOR_REQUEST,
            queue=queue,
            channel=locked.channel if locked.channel in queue.channels else queue.channels[0],
        )
        _report(Event.TRANSFERRED, locked, actor=actor, to="supervisor")
    _record(locked, EventKind.ACTION, actor=actor, body=reason[:500],
            data={"action": "supervisor_requested"})  # fmt: skip
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_schedule_callback(
    *,
    inquiry: Inquiry,
    actor: User | None,
    phone: str,
    enqueued_at: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
) -> Inquiry:
    """The person will be called back rather than wait; ``enqueued_at`` keeps their place."""
    if not phone:
        raise InvalidInput(_("A callback needs a phone number."))
    locked = _lock(inquiry)
    previous = locked.state
    _move(locked, InquiryState.CALLBACK_SCHEDULED, actor=actor, why="callback")
    locked.contact_phone = phone
    locked.save(update_fields=["state", "contact_phone", "updated_at"])
    tier = QueueTier.TIER2 if locked.tier == Tier.TIER2 else QueueTier.TIER1
    queue = queue_for(QueueChoice(tier=tier, language=locked.language, channel="phone"))
    work_items_cancel_for_inquiry(inquiry=locked, kinds=[WorkKind.CALL, WorkKind.CHAT])
    work_item_enqueue(
        inquiry=locked,
        kind=WorkKind.CALLBACK,
        queue=queue,
        enqueued_at=enqueued_at,
        not_before=not_before,
        due_at=callback_due_at(urgency=locked.urgency),
    )
    _record(locked, EventKind.ACTION, actor=actor, data={"action": "callback_scheduled"})
    _notify_update(locked, previous)
    _report(Event.CALLBACK_SCHEDULED, locked, actor=actor)
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_resolve(
    *, inquiry: Inquiry, actor: User | None, disposition: str, note: str = ""
) -> Inquiry:
    chosen = Disposition.objects.filter(code=disposition, active=True).first()
    if chosen is None:
        raise InvalidInput(_("Choose a disposition."))
    locked = _lock(inquiry)
    previous = locked.state
    _move(locked, InquiryState.CLOSED, actor=actor, why=disposition)
    locked.disposition = disposition
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "disposition", "closed_at", "updated_at"])
    work_items_cancel_for_inquiry(inquiry=locked)
    _record(locked, EventKind.DISPOSITION, actor=actor, body=note[:2000],
            data={"disposition": disposition})  # fmt: skip
    if disposition != DispositionCode.NO_ANSWER:  # a missed callback sends its own message
        _notify_update(locked, previous)
    _report(Event.RESOLVED, locked, actor=actor, at=locked.closed_at, disposition=disposition,
            counts_as_resolved=chosen.counts_as_resolved)  # fmt: skip
    return _sync(inquiry, locked)


def _disposition_active(code: str) -> bool:
    return Disposition.objects.filter(code=code, active=True).exists()


# --- Dispositions as data ---------------------------------------------------------------------

# The built-ins: code, English label, Spanish label, order, counts as resolved. Migration 0002
# wrote them first; ``dispositions_builtin_ensure`` puts back any missing after every migrate.
BUILTIN_DISPOSITIONS: tuple[tuple[str, str, str, int, bool], ...] = (
    (DispositionCode.RESOLVED_FIRST_CONTACT, "Resolved at first contact",
     "Resuelta en el primer contacto", 10, True),
    (DispositionCode.SERVICE_REQUEST_CREATED, "Service request created",
     "Se creó una solicitud de servicio", 20, True),
    (DispositionCode.REFERRED, "Referred", "Remitida", 30, True),
    (DispositionCode.ESCALATED, "Escalated", "Escalada", 40, False),
    (DispositionCode.NO_ANSWER, "No answer", "Sin respuesta", 50, False),
)  # fmt: skip


def dispositions_builtin_ensure(*, model: type[Disposition] = Disposition) -> int:
    """Write any built-in disposition that is missing (after a migrate, or a test's flush), and
    make sure each is marked built-in and active; the labels a supervisor changed are kept.
    Returns how many were written. ``model`` may be a migration's historical model."""
    written = 0
    for code, label_en, label_es, order, resolved in BUILTIN_DISPOSITIONS:
        row, created = model.objects.get_or_create(
            code=str(code),
            defaults={"label_en": label_en, "label_es": label_es, "sort_order": order,
                      "counts_as_resolved": resolved, "builtin": True, "active": True},
        )  # fmt: skip
        if created:
            written += 1
        elif not (row.builtin and row.active):
            model.objects.filter(pk=row.pk).update(builtin=True, active=True)
            written += 1
    return written


class DispositionRefused(ApplicationError):
    """A change to the wrap-up codes the rules do not allow (a built-in retired or deleted, a
    code in use deleted)."""

    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


def _disposition_clean(label_en: str, label_es: str) -> tuple[str, str]:
    label_en, label_es = label_en.strip(), label_es.strip()
    if not label_en or not label_es:
        raise InvalidInput(_("Give the disposition's label in English and in Spanish."))
    if len(label_en) > 120 or len(label_es) > 120:
        raise InvalidInput(_("A disposition's label can be at most 120 characters."))
    return label_en, label_es


@transaction.atomic
def disposition_save(
    *, code: str, label_en: str, label_es: str, active: bool = True, sort_order: int = 100,
    counts_as_resolved: bool = True,
) -> Disposition:  # fmt: skip
    """Add an agency's own disposition, or change one (found by its code, which never changes).
    A built-in one can be relabelled or reordered, never retired."""
    label_en, label_es = _disposition_clean(label_en, label_es)
    if not 0 <= sort_order <= 32767:
        raise InvalidInput(_("The order must be a whole number from 0 to 32767."))
    existing = Disposition.objects.select_for_update().filter(code=code).first()
    if existing is None:
        try:
            Disposition._meta.get_field("code").run_validators(code)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages)) from error
        return Disposition.objects.create(
            code=code, label_en=label_en, label_es=label_es, active=active,
            sort_order=sort_order, counts_as_resolved=counts_as_resolved,
        )  # fmt: skip
    if existing.builtin and not active:
        raise DispositionRefused(_("A built-in disposition cannot be retired."))
    existing.label_en, existing.label_es = label_en, label_es
    existing.active, existing.sort_order = active, sort_order
    existing.counts_as_resolved = counts_as_resolved
    existing.save()
    return existing


@transaction.atomic
def disposition_delete(*, code: str) -> None:
    """Delete an agency's own disposition that no inquiry was closed with; one in use is
    retired instead (``disposition_save`` with ``active=False``), so history keeps its label."""
    found = Disposition.objects.select_for_update().filter(code=code).first()
    if found is None:
        raise InvalidInput(_("No disposition has that code."))
    if found.builtin:
        raise DispositionRefused(_("A built-in disposition cannot be deleted."))
    if Inquiry.objects.filter(disposition=code).exists():
        raise DispositionRefused(
            _("Inquiries were closed with this disposition; retire it instead of deleting it.")
        )
    found.delete()


@transaction.atomic
def inquiry_reopen(*, inquiry: Inquiry, actor: User | None, reason: str) -> Inquiry:
    if not reason.strip():
        raise InvalidInput(_("Give the reason for reopening."))
    locked = _lock(inquiry)
    _move(locked, InquiryState.NEW, actor=actor, why="reopened")
    locked.disposition = ""
    locked.closed_at = None
    locked.save(update_fields=["state", "disposition", "closed_at", "updated_at"])
    _record(locked, EventKind.ACTION, actor=actor, body=reason[:500],
            data={"action": "reopened"})  # fmt: skip
    _report(Event.REOPENED, locked, actor=actor)
    return _sync(inquiry, locked)


# --- Identity -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdentityResult:
    passed: bool
    failures: int
    locked: bool
    verified_as: str
    # False when no case the actor may see has that number: said like wrong answers.
    case_found: bool = True


def _answer_matches(expected: str, given: str) -> bool:
    return bool(expected) and expected.strip().casefold() == given.strip().casefold()


# The answers beside the date of birth that an applicant may give (IDENTITY_APPLICANT_EXTRA_ANSWERS
# of them at least).
APPLICANT_EXTRA_QUESTIONS = ("zip_code", "a_number_last4")


def _applicant_answers_failed(record, answers: dict[str, str]) -> list[str]:
    """What failed of an applicant's answers (kept in the inquiry's history, never told): the
    date of birth always counts; of the ZIP code and the A-Number's last four, every one given
    must match and at least ``IDENTITY_APPLICANT_EXTRA_ANSWERS`` must be given."""
    failed = []
    if not _answer_matches(record.date_of_birth, answers.get("date_of_birth", "")):
        failed.append("date_of_birth")
    given = [q for q in APPLICANT_EXTRA_QUESTIONS if answers.get(q, "").strip()]
    failed += [q for q in given if not _answer_matches(getattr(record, q), answers[q])]
    if len(given) < settings.IDENTITY_APPLICANT_EXTRA_ANSWERS:
        failed.append("too_few_answers")
    return sorted(failed)


def _refuse_another_case(locked: Inquiry, *, receipt_number: str) -> None:
    """An inquiry verified for one case stays with it: verified by the questions or by the
    person's online account, it is refused for any other case (a new inquiry is needed).
    Checking the same case again is allowed."""
    if not (locked.verified_at is not None or locked.is_verified):
        return
    verified_for = (
        Case.objects.filter(pk=locked.case_id).values_list("receipt_number", flat=True).first()
        if locked.case_id is not None
        else None
    )
    if verified_for != receipt_number:
        raise AlreadyVerified(
            _(
                "This inquiry is already verified for another case. Open a new inquiry to "
                "help the person with a different case."
            )
        )


@transaction.atomic
def inquiry_verify_identity(
    *,
    inquiry: Inquiry,
    actor: User,
    receipt_number: ReceiptNumber,
    claimed_as: str,
    answers: dict[str, str],
    channel: str = "desk",
) -> IdentityResult:
    """Check the person's answers against the record of the case they name, on the server.

    Applicants answer date of birth (ISO), ZIP code on file and the last four digits of the
    A-Number; a representative answers their bar number and the applicant's date of birth, and
    passes only if a G-28 on the case names them. Three failures lock and flag the inquiry.
    The answers themselves are never stored, only which questions failed.

    The record is read through ``cases.selectors.case_identity_record_for_check``, which checks
    the actor's right to the case first and logs the read. A number that does not exist and a
    case the actor may not see both give ``case_found=False`` before any answer is compared,
    and count no failure. An inquiry already verified for one case is never moved to another:
    a person asking about a second case starts a second inquiry.
    """
    locked = _lock(inquiry)
    if locked.state == InquiryState.LOCKED:
        raise IdentityLocked(_("Identity checks are locked for this inquiry."))
    if locked.state == InquiryState.CLOSED:
        raise ForbiddenTransition(_("This inquiry is closed."))
    # Refused before the named case is read, so a second case (protected or missing alike)
    # is never looked at, logged or compared on an inquiry that already belongs to one.
    _refuse_another_case(locked, receipt_number=receipt_number.value)
    try:
        record = case_identity_record_for_check(
            viewer=actor,
            receipt_number=receipt_number,
            channel=channel,
            purpose=f"identity check, inquiry {locked.reference_number}",
        )
    except CaseNotFound:
        return IdentityResult(
            passed=False,
            failures=locked.failed_identity_checks,
            locked=False,
            verified_as=locked.verified_as,
            case_found=False,
        )
    case = record.case
    if claimed_as == VerifiedAs.APPLICANT:
        failed = _applicant_answers_failed(record, answers)
    elif claimed_as == VerifiedAs.REPRESENTATIVE:
        expected = {"bar_number": record.bar_number, "date_of_birth": record.date_of_birth}
        failed = sorted(
            question
            for question, value in expected.items()
            if not _answer_matches(value, answers.get(question, ""))
        )
    else:
        raise InvalidInput(_("Say whether the person is the applicant or a representative."))
    passed = not failed
    if passed:
        locked.verified_as = claimed_as
        locked.verified_at = timezone.now()
        locked.case = case
        locked.person_id = case.applicant_id
        locked.save(update_fields=["verified_as", "verified_at", "case", "person", "updated_at"])
    else:
        locked.failed_identity_checks += 1
        fields = ["failed_identity_checks", "updated_at"]
        if locked.failed_identity_checks >= settings.IDENTITY_MAX_FAILURES:
            _move(locked, InquiryState.LOCKED, actor=actor, why="identity")
            locked.flagged = True
            fields += ["state", "flagged"]
        locked.save(update_fields=fields)
    _record(locked, EventKind.IDENTITY, actor=actor,
            data={"passed": passed, "claimed_as": claimed_as, "failed_questions": failed,
                  "case_id": case.pk})  # fmt: skip
    logger.info("inquiry.identity_checked", extra={"inquiry_id": locked.pk, "passed": passed})
    if passed:
        _report(Event.VERIFIED, locked, actor=actor, verified_as=claimed_as, method="questions")
    _sync(inquiry, locked)
    return IdentityResult(
        passed=passed,
        failures=locked.failed_identity_checks,
        locked=locked.state == InquiryState.LOCKED,
        verified_as=locked.verified_as,
    )


@transaction.atomic
def inquiry_verified_by_account(*, inquiry: Inquiry, case: Case, verified_as: str) -> Inquiry:
    """The person wrote from their signed-in online account, which is linked to ``case`` (by
    an Online Access Code, or as the representative on an accepted G-28): that is who they
    are, so no identity questions are asked. Recorded in the history like any identity check.

    Preconditions: the caller checked the account's link to the case.
    """
    if verified_as not in (VerifiedAs.APPLICANT, VerifiedAs.REPRESENTATIVE):
        raise InvalidInput(_("Say whether the person is the applicant or a representative."))
    locked = _lock(inquiry)
    if locked.state in (InquiryState.CLOSED, InquiryState.LOCKED):
        raise ForbiddenTransition(_("This inquiry cannot take an identity check now."))
    _refuse_another_case(locked, receipt_number=case.receipt_number)
    locked.verified_as = verified_as
    locked.verified_at = timezone.now()
    locked.case = case
    locked.person = case.applicant
    locked.save(update_fields=["verified_as", "verified_at", "case", "person", "updated_at"])
    _record(locked, EventKind.IDENTITY, actor_label="system",
            data={"passed": True, "claimed_as": verified_as, "failed_questions": [],
                  "case_id": case.pk, "method": "online_account"})  # fmt: skip
    logger.info("inquiry.verified_by_account", extra={"inquiry_id": locked.pk})
    _report(Event.VERIFIED, locked, verified_as=verified_as, method="online_account")
    return _sync(inquiry, locked)


@transaction.atomic
def inquiry_unlock(*, inquiry: Inquiry, actor: User, reason: str) -> Inquiry:
    """A supervisor lifts an identity lock after checking who the person is some other way."""
    if not reason.strip():
        raise InvalidInput(_("Give the reason for lifting the lock."))
    locked = _lock(inquiry)
    _move(locked, InquiryState.ACTIVE, actor=actor, why="unlocked")
    locked.failed_identity_checks = 0
    locked.save(update_fields=["state", "failed_identity_checks", "updated_at"])
    _record(locked, EventKind.ACTION, actor=actor, body=reason[:500], data={"action": "unlock"})
    return _sync(inquiry, locked)
