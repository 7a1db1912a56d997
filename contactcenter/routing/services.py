"""Routing: queue work, offer it to the right agent, accept, complete.

Correct with many server processes and workers on one PostgreSQL database: the next item is
picked with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside the transaction that marks it
offered, so two agents can never get the same item and a locked row is skipped rather than
waited for. On SQLite the whole write transaction is serialised (``IMMEDIATE``), which gives
the same guarantee with less concurrency.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.import_fields import FieldError, phone_to_e164
from contactcenter.core.domain_events import ContactEventKind as Event
from contactcenter.core.domain_events import DetailValue, contact_event_emit
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.routing.calendar import (
    calling_window_open,
    live_help_calendar_reset,
    live_help_open,
    week_hours_parse,
)
from contactcenter.routing.models import (
    Agent,
    LiveHelpHours,
    Offer,
    OfferOutcome,
    Presence,
    PresenceChange,
    Queue,
    QueueTier,
    TransferMode,
    VoiceDevice,
    WorkItem,
    WorkKind,
    WorkState,
)
from contactcenter.routing.signals import agent_presence_changed, work_item_accepted
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

logger = logging.getLogger(__name__)

KIND_CHANNEL = {
    WorkKind.CALL: "phone",
    WorkKind.CALLBACK: "phone",
    WorkKind.CHAT: "chat",
    WorkKind.SECURE_MESSAGE: "secure_message",
    WorkKind.WEBFORM_REPLY: "webform",
}


class RoutingError(ApplicationError):
    """Work or a callback that cannot be taken, offered or finished as asked (no longer
    offered, expired, held by someone else, already finished)."""

    code = ErrorCode.ROUTING_REFUSED


def work_item_report(
    kind: Event,
    item: WorkItem,
    *,
    at: dt.datetime | None = None,
    agent_id: int | None = None,
    actor_user_id: int | None = None,
    **detail: DetailValue,
) -> None:
    """One step of the item's contact, as a domain event: queue, channel, language and ids.
    For services that move work items themselves (the desk's callbacks)."""
    contact_event_emit(
        kind, channel=item.channel, at=at, language=item.language, inquiry_id=item.inquiry_id,
        queue_id=item.queue_id, work_item_id=item.pk, agent_id=agent_id,
        actor_user_id=actor_user_id, detail={"work": str(item.kind), **detail},
    )  # fmt: skip


def _waited(item: WorkItem, now: dt.datetime) -> float:
    return round((now - item.enqueued_at).total_seconds(), 3)


class NoQueue(RoutingError):
    code = ErrorCode.NO_QUEUE


@dataclass(frozen=True, slots=True)
class QueueChoice:
    tier: str
    language: str
    channel: str
    skill: str = ""
    topic: str = ""


def queue_for(choice: QueueChoice) -> Queue:
    """The queue for this kind of work: tier, language and channel must match; a queue whose
    skill or topic matches is preferred to a general one; English is the fallback language."""
    candidates = [
        queue
        for queue in Queue.objects.filter(tier=choice.tier, active=True)
        if choice.channel in queue.channels
    ]
    for language in dict.fromkeys([choice.language, "en"]):
        in_language = [q for q in candidates if q.language == language]
        for test in (
            lambda q: choice.skill and q.skill == choice.skill,
            lambda q: choice.topic and choice.topic in (q.topics or []),
            lambda q: not q.skill,
        ):
            matches = [q for q in in_language if test(q)]
            if matches:
                return max(matches, key=lambda q: q.priority)
    raise NoQueue(
        _("No queue takes %(channel)s work for %(tier)s.")
        % {"channel": choice.channel, "tier": choice.tier}
    )


def work_item_enqueue(
    *,
    inquiry,
    kind: str,
    queue: Queue,
    channel: str | None = None,
    urgent: bool = False,
    enqueued_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
) -> WorkItem:
    """Put work in line. ``enqueued_at`` may be earlier than now: a caller who takes a callback
    instead of holding keeps their place."""
    channel = channel or KIND_CHANNEL.get(WorkKind(kind), inquiry.channel)
    return _work_item_create(
        inquiry=inquiry, kind=kind, queue=queue, channel=channel, urgent=urgent,
        enqueued_at=enqueued_at, due_at=due_at, not_before=not_before,
    )  # fmt: skip


def work_items_enqueue_many(
    entries: list[tuple[Any, Queue]], *, kind: str, channel: str
) -> list[WorkItem]:
    """Put many inquiries in line at once, each in its queue, as ``work_item_enqueue`` puts one
    (the same rows and contact events; not urgent, enqueued now), in one statement: for intake
    that receives a batch. Inside the caller's transaction."""
    WorkKind(kind)  # a bad kind is refused before anything is written
    now = timezone.now()
    items = [
        WorkItem(
            queue=queue,
            inquiry=inquiry,
            kind=kind,
            channel=channel,
            tier=queue.tier,
            language=queue.language,
            skill=queue.skill,
            live_hours_only=queue.live_hours_only,
            priority=queue.priority,
            enqueued_at=now,
        )
        for inquiry, queue in entries
    ]
    WorkItem.objects.bulk_create(items)
    for item in items:
        logger.info("routing.enqueued", extra={"item_id": item.pk, "queue": item.queue.code})
        work_item_report(Event.QUEUED, item, at=item.enqueued_at, urgent=False)
    return items


# No savepoint of its own inside a caller's transaction (two statements fewer per item): a
# failure here undoes the caller's transaction, or its savepoint. A bad kind is refused
# above, before the block opens.
@transaction.atomic(savepoint=False)
def _work_item_create(
    *,
    inquiry,
    kind: str,
    queue: Queue,
    channel: str,
    urgent: bool,
    enqueued_at: dt.datetime | None,
    due_at: dt.datetime | None,
    not_before: dt.datetime | None,
) -> WorkItem:
    item = WorkItem.objects.create(
        queue=queue,
        inquiry=inquiry,
        kind=kind,
        channel=channel,
        tier=queue.tier,
        language=queue.language,
        skill=queue.skill,
        live_hours_only=queue.live_hours_only,
        priority=queue.priority + (1 if urgent else 0),
        enqueued_at=enqueued_at or timezone.now(),
        due_at=due_at,
        not_before=not_before,
    )
    logger.info("routing.enqueued", extra={"item_id": item.pk, "queue": queue.code})
    work_item_report(Event.QUEUED, item, at=item.enqueued_at, urgent=urgent)
    return item


@transaction.atomic
def agent_set_presence(*, agent: Agent, presence: str, reason: str = "") -> Agent:
    presence = Presence(presence)
    locked = Agent.objects.select_for_update().get(pk=agent.pk)
    if locked.presence != presence:
        locked.presence = presence
        locked.presence_since = timezone.now()
        locked.save(update_fields=["presence", "presence_since", "updated_at"])
        PresenceChange.objects.create(agent=locked, presence=presence, reason=reason[:100])
        transaction.on_commit(
            lambda: agent_presence_changed.send_robust(
                sender=Agent, agent_id=locked.pk, user_id=locked.user_id,
                presence=str(presence), at=locked.presence_since, reason=reason[:100],
            ),
            robust=True,
        )  # fmt: skip
    agent.presence, agent.presence_since = locked.presence, locked.presence_since
    return locked


def _voice_phone_parse(text: str) -> str:
    try:
        phone = phone_to_e164(text)
    except FieldError as error:
        raise InvalidInput(
            _("That phone number cannot be used: %(reason)s.") % {"reason": error.reason}
        ) from None
    if phone == settings.TWILIO_FROM_NUMBER:
        raise InvalidInput(
            _("That is the contact center's own number. Enter the number of a phone you answer.")
        )
    return phone


@transaction.atomic
def agent_voice_device_set(*, agent: Agent, device: str, phone: str = "") -> Agent:
    """Where the agent's accepted calls ring: ``browser`` (Twilio's Voice JavaScript SDK in
    the desk) or ``phone``, a number the call is forwarded to, parsed into E.164 (ten digits
    are taken as a U.S. number). A number given with the browser is kept for later; a phone
    device with no number given keeps the number already on file, if any. A bad choice or
    number is refused and nothing changes. The number is never logged."""
    if device not in VoiceDevice.values:
        raise InvalidInput(_("Choose where your calls ring: this browser or a phone number."))
    text = phone.strip()
    locked = Agent.objects.select_for_update().get(pk=agent.pk)
    number = _voice_phone_parse(text) if text else locked.voice_phone
    if device == VoiceDevice.PHONE and not number:
        raise InvalidInput(_("Enter the phone number your calls should ring at."))
    locked.voice_device, locked.voice_phone = device, number
    locked.save(update_fields=["voice_device", "voice_phone", "updated_at"])
    agent.voice_device, agent.voice_phone = locked.voice_device, locked.voice_phone
    logger.info("routing.voice_device_set", extra={"agent_id": locked.pk, "device": device})
    return locked


def _free_channels(agent: Agent) -> list[str]:
    load = Counter(
        WorkItem.objects.filter(
            Q(assigned_to=agent, state=WorkState.ASSIGNED)
            | Q(offered_to=agent, state=WorkState.OFFERED)
        ).values_list("channel", flat=True)
    )
    return [
        channel for channel, limit in (agent.capacity or {}).items() if load[channel] < int(limit)
    ]


def _eligible_for(agent: Agent, *, now: dt.datetime):
    channels = _free_channels(agent)
    if not channels:
        return None
    eligible = WorkItem.objects.filter(
        state=WorkState.QUEUED,
        tier__in=list(agent.tiers or []),
        language__in=list(agent.languages or []),
        skill__in=[*(agent.skills or []), ""],
        channel__in=channels,
    ).filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
    if not live_help_open(now):
        eligible = eligible.filter(live_hours_only=False)
    if not calling_window_open(now):
        eligible = eligible.exclude(kind=WorkKind.CALLBACK)
    return eligible


def _take_next(agent: Agent, *, now: dt.datetime) -> WorkItem | None:
    eligible = _eligible_for(agent, now=now)
    if eligible is None:
        return None
    return (
        eligible.select_for_update(skip_locked=True)
        .order_by("-priority", "enqueued_at", "id")
        .first()
    )


@transaction.atomic
def work_item_offer_next(*, agent: Agent, now: dt.datetime | None = None) -> WorkItem | None:
    """Offer the agent the oldest eligible item of the highest priority, or None.

    Preconditions: the agent is available. The agent row is locked first so two browser tabs of
    one agent cannot take more than the agent's capacity.
    """
    now = now or timezone.now()
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if agent.presence != Presence.AVAILABLE:
        return None
    item = _take_next(agent, now=now)
    if item is None:
        return None
    timeout = dt.timedelta(seconds=item.queue.offer_timeout_seconds)
    item.state = WorkState.OFFERED
    item.offered_to = agent
    item.offer_expires_at = now + timeout
    item.save(update_fields=["state", "offered_to", "offer_expires_at", "updated_at"])
    Offer.objects.create(item=item, agent=agent, offered_at=now)
    work_item_report(Event.OFFERED, item, at=now, agent_id=agent.pk, actor_user_id=agent.user_id)
    return item


# One statement on PostgreSQL: the oldest eligible item of the highest priority on the channels
# the agent works, and the update to assigned, in a single round trip without an explicit
# transaction. SKIP LOCKED keeps two claimers off the same row. The statement does not read the
# agent's load: the trigger that counts it refuses a claim past capacity (SQLSTATE CC001, see
# migration 0004), and the claim then tries again without that channel. Reading the load row,
# which every claim updates, cost more than the rest of the statement.
_CLAIM_SQL = """
WITH picked AS (
    SELECT w.id FROM routing_workitem w
    WHERE w.state = 'queued'
      AND w.tier = ANY(%(tiers)s) AND w.language = ANY(%(languages)s)
      AND w.skill = ANY(%(skills)s)
      AND w.channel = ANY(%(channels)s)
      AND (w.not_before IS NULL OR w.not_before <= %(now)s)
      AND (%(live_open)s OR NOT w.live_hours_only)
      AND (%(calling_open)s OR w.kind <> 'callback')
    ORDER BY w.priority DESC, w.enqueued_at, w.id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
UPDATE routing_workitem SET state = 'assigned', assigned_to_id = %(agent)s,
    assigned_at = %(now)s, updated_at = %(now)s
FROM picked WHERE routing_workitem.id = picked.id
RETURNING {columns}
"""

# The trigger's refusal when a change would put an agent past capacity on a channel.
CAPACITY_SQLSTATE = "CC001"


@functools.cache
def _claim_statement() -> tuple[str, list[str]]:
    """The claim SQL returning every column of a work item, and the attribute names in order."""
    fields = WorkItem._meta.concrete_fields
    columns = ", ".join(f"routing_workitem.{field.column}" for field in fields)
    return _CLAIM_SQL.format(columns=columns), [field.attname for field in fields]


def _claim_postgresql(agent: Agent, *, now: dt.datetime) -> WorkItem | None:
    channels = [str(channel) for channel, limit in (agent.capacity or {}).items() if int(limit) > 0]
    params = {
        "agent": agent.pk,
        "channels": channels,
        "tiers": list(agent.tiers or []),
        "languages": list(agent.languages or []),
        "skills": [*(agent.skills or []), ""],
        "now": now,
        "live_open": live_help_open(now),
        "calling_open": calling_window_open(now),
    }
    sql, attnames = _claim_statement()
    connection.ensure_connection()
    while channels:
        # Django's cursors bind parameters on the client (psycopg's ClientCursor, which cannot
        # prepare), so PostgreSQL would parse and plan this hot statement on every call. A
        # plain psycopg cursor binds on the server and prepares it once per connection.
        try:
            with psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, prepare=True, binary=True)
                row = cursor.fetchone()
        except psycopg.Error as error:
            full = error.diag.message_detail if error.sqlstate == CAPACITY_SQLSTATE else None
            if full not in channels:
                raise
            # The agent is at capacity on that channel: look again on the others.
            channels.remove(full)
            continue
        if row is None:
            return None
        item = WorkItem.from_db(connection.alias, attnames, row)
        _report_claimed(item, agent, now)
        if item.transferred_from_id is not None:
            with transaction.atomic():
                _transfer_taken(item, agent, now)
        return item
    return None


def _report_claimed(item: WorkItem, agent: Agent, now: dt.datetime) -> None:
    work_item_report(
        Event.ANSWERED, item, at=now, agent_id=agent.pk, actor_user_id=agent.user_id,
        waited_seconds=_waited(item, now), how="claimed",
    )  # fmt: skip


def work_item_claim(*, agent: Agent, now: dt.datetime | None = None) -> WorkItem | None:
    """Take the next item straight to assigned (pull mode: an officer working a list).

    On PostgreSQL the trigger that counts each agent's load refuses a claim past capacity, so
    two claims by the same agent at the same instant never over-commit either.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _claim_postgresql(agent, now=now)
    with transaction.atomic():
        item = _take_next(agent, now=now)
        if item is None:
            return None
        item.state = WorkState.ASSIGNED
        item.assigned_to = agent
        item.assigned_at = now
        item.save(update_fields=["state", "assigned_to", "assigned_at", "updated_at"])
        _report_claimed(item, agent, now)
        _transfer_taken(item, agent, now)
        return item


def _locked_item(item_id: int) -> WorkItem:
    item = WorkItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("That work item does not exist."))
    return item


def _locked_offer(item_id: int, agent: Agent) -> WorkItem:
    """The item offered to ``agent``. A missing item and one offered to someone else (or to
    no one) are refused alike, so an agent cannot learn which items exist."""
    item = WorkItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.state != WorkState.OFFERED or item.offered_to_id != agent.pk:
        raise RoutingError(_("This item is no longer offered to you."))
    return item


@transaction.atomic
def work_item_accept(*, agent: Agent, item_id: int, now: dt.datetime | None = None) -> WorkItem:
    now = now or timezone.now()
    item = _locked_offer(item_id, agent)
    if item.offer_expires_at and item.offer_expires_at <= now:
        raise RoutingError(_("The offer has expired."))
    item.state = WorkState.ASSIGNED
    item.assigned_to = agent
    item.assigned_at = now
    item.offer_expires_at = None
    item.save(
        update_fields=["state", "assigned_to", "assigned_at", "offer_expires_at", "updated_at"]
    )
    Offer.objects.filter(item=item, agent=agent, outcome=OfferOutcome.PENDING).update(
        outcome=OfferOutcome.ACCEPTED, ended_at=now
    )
    work_item_report(
        Event.ANSWERED,
        item,
        at=now,
        agent_id=agent.pk,
        actor_user_id=agent.user_id,
        waited_seconds=_waited(item, now),
        how="accepted",
    )
    _transfer_taken(item, agent, now)
    transaction.on_commit(lambda: _announce_accepted(item, agent))
    return item


def _announce_accepted(item: WorkItem, agent: Agent) -> None:
    for receiver, result in work_item_accepted.send_robust(sender=WorkItem, item=item, agent=agent):
        if isinstance(result, Exception):
            logger.error(
                "work_item_accepted receiver %s failed for item %s: %s",
                getattr(receiver, "__qualname__", receiver),
                item.pk,
                type(result).__name__,
            )


def _requeue(item: WorkItem, *, outcome: str, now: dt.datetime, actor_user_id: int | None) -> None:
    if item.transfer_mode == TransferMode.WARM and item.transfer_agent_id is not None:
        # The named colleague did not take it: the sender still holds the contact.
        _transfer_end(item, outcome=outcome, now=now, actor_user_id=actor_user_id)
        return
    Offer.objects.filter(item=item, outcome=OfferOutcome.PENDING).update(
        outcome=outcome, ended_at=now
    )
    agent_id = item.offered_to_id
    item.state = WorkState.QUEUED
    item.offered_to = None
    item.offer_expires_at = None
    item.save(update_fields=["state", "offered_to", "offer_expires_at", "updated_at"])
    work_item_report(
        Event.OFFER_ENDED,
        item,
        at=now,
        agent_id=agent_id,
        actor_user_id=actor_user_id,
        outcome=str(outcome),
    )


@transaction.atomic
def work_item_decline(*, agent: Agent, item_id: int, now: dt.datetime | None = None) -> WorkItem:
    now = now or timezone.now()
    item = _locked_offer(item_id, agent)
    _requeue(item, outcome=OfferOutcome.DECLINED, now=now, actor_user_id=agent.user_id)
    return item


def work_items_expire_offers(*, now: dt.datetime | None = None) -> int:
    """Return timed-out offers to the queue and set each agent who let one lapse to away,
    so the item goes to the next agent instead of back to someone not at the desk."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            item = (
                WorkItem.objects.select_for_update(skip_locked=True)
                .filter(state=WorkState.OFFERED, offer_expires_at__lte=now)
                .order_by("offer_expires_at", "id")
                .first()
            )
            if item is None:
                return expired
            agent = item.offered_to
            _requeue(item, outcome=OfferOutcome.TIMED_OUT, now=now, actor_user_id=None)
            if agent is not None:
                agent_set_presence(agent=agent, presence=Presence.AWAY, reason="missed offer")
            expired += 1


@transaction.atomic
def work_item_complete(*, agent: Agent, item_id: int) -> WorkItem:
    item = _locked_item(item_id)
    if item.state != WorkState.ASSIGNED or item.assigned_to_id != agent.pk:
        raise RoutingError(_("Only the agent working this item can complete it."))
    item.state = WorkState.DONE
    item.completed_at = timezone.now()
    item.save(update_fields=["state", "completed_at", "updated_at"])
    work_item_report(
        Event.WRAPPED_UP, item, at=item.completed_at, agent_id=agent.pk, actor_user_id=agent.user_id
    )
    return item


@transaction.atomic
def work_item_reassign(
    *, item_id: int, to_agent: Agent, actor_user_id: int | None = None
) -> WorkItem:
    """A supervisor moves an item to a named agent (or takes it), whatever its state."""
    item = _locked_item(item_id)
    holder_id = item.assigned_to_id if item.state == WorkState.ASSIGNED else item.offered_to_id
    if item.state not in (WorkState.ASSIGNED, WorkState.OFFERED):
        holder_id = None
    from_user_id = (
        Agent.objects.filter(pk=holder_id).values_list("user_id", flat=True).first()
        if holder_id is not None
        else None
    )
    if item.state in (WorkState.DONE, WorkState.CANCELLED):
        raise RoutingError(_("This item is already finished."))
    now = timezone.now()
    Offer.objects.filter(item=item, outcome=OfferOutcome.PENDING).update(
        outcome=OfferOutcome.DECLINED, ended_at=now
    )
    item.state = WorkState.ASSIGNED
    item.assigned_to = to_agent
    item.assigned_at = now
    item.offered_to = None
    item.offer_expires_at = None
    if connection.vendor == "postgresql":
        # A supervisor may give an agent more than their usual capacity; the load trigger
        # lets it through for this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('routing.capacity_override', 'on', true)")
    item.save()
    work_item_report(
        Event.TRANSFERRED,
        item,
        at=now,
        agent_id=to_agent.pk,
        actor_user_id=actor_user_id,
        from_user_id=from_user_id,
        to_user_id=to_agent.user_id,
    )
    _transfer_taken(item, to_agent, now)
    return item


@transaction.atomic
def work_items_cancel_for_inquiry(
    *, inquiry, kinds: list[str] | None = None, abandoned: bool = False
) -> int:
    """Take the inquiry's waiting work out of line. ``abandoned``: the person left before
    anyone answered (hung up, closed the chat), reported per item with how long they waited."""
    items = WorkItem.objects.filter(
        inquiry=inquiry, state__in=[WorkState.QUEUED, WorkState.OFFERED]
    )
    if kinds:
        items = items.filter(kind__in=kinds)
    now = timezone.now()
    waiting = list(items.select_for_update()) if abandoned else []
    cancelled = items.update(
        state=WorkState.CANCELLED, offered_to=None, offer_expires_at=None, updated_at=now,
    )  # fmt: skip
    for item in waiting:
        work_item_report(Event.ABANDONED, item, at=now, waited_seconds=_waited(item, now))
    return cancelled


@transaction.atomic
def work_items_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark open items past their due time (a Tier 2 callback's goal, a web form's reply
    time), once each, and report each as overdue, so supervisors' boards show it at once."""
    now = now or timezone.now()
    items = list(
        WorkItem.objects.select_for_update(skip_locked=True).filter(
            state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED],
            due_at__lt=now, breached_at__isnull=True,
        )
    )  # fmt: skip
    WorkItem.objects.filter(pk__in=[item.pk for item in items]).update(breached_at=now)
    for item in items:
        assert item.due_at is not None
        overdue = round((now - item.due_at).total_seconds(), 3)
        work_item_report(Event.OVERDUE, item, at=now, overdue_seconds=overdue)
    return len(items)


@transaction.atomic
def work_items_finish_for_inquiry(
    *, inquiry, kinds: list[str], actor_user_id: int | None = None
) -> int:
    """Mark the inquiry's open work of these kinds done: someone answered it (a reply to a
    secure message answers whoever was to answer). Each item is reported wrapped up."""
    now = timezone.now()
    items = list(
        WorkItem.objects.select_for_update().filter(
            inquiry=inquiry, kind__in=kinds,
            state__in=[WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED],
        )
    )  # fmt: skip
    for item in items:
        item.state = WorkState.DONE
        item.completed_at = now
        item.offered_to = None
        item.offer_expires_at = None
        item.save(
            update_fields=["state", "completed_at", "offered_to", "offer_expires_at", "updated_at"]
        )
        work_item_report(
            Event.WRAPPED_UP,
            item,
            at=now,
            agent_id=item.assigned_to_id,
            actor_user_id=actor_user_id,
        )
    return len(items)


# --- Transfers ------------------------------------------------------------------------------
#
# A transfer is a new work item for the same contact, linked to the one handed on
# (``transferred_from``), carrying the mode and the sender's note, and keeping the contact's
# first arrival time so the person does not lose their place in line. Cold: the sender's item
# ends at once. Warm: the sender keeps it until someone takes the new item (accepted, claimed
# or given by a supervisor); the sender may cancel until then, and a named colleague who
# declines or lets the offer lapse ends the transfer. Locks are always taken in the same order,
# the new item before the sender's, so an acceptance and a cancellation at the same instant
# cannot deadlock and exactly one of them wins. A ``transferred`` event carries ``mode`` (cold
# or warm), ``to`` (queue or agent) and ``step``: ``done`` when the contact moved,
# ``requested`` for a warm one waiting, ``cancelled``, ``declined`` or ``timed_out`` when a
# warm one did not happen.

TRANSFER_NOTE_MAX = 2000
# Agents who may be offered a transfer: signed in and at the desk.
AT_THE_DESK = (Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP)


def _pending_transfer(source_id: int, *, lock: bool = False) -> WorkItem | None:
    pending = WorkItem.objects.filter(
        transferred_from_id=source_id, state__in=[WorkState.QUEUED, WorkState.OFFERED]
    )
    if lock:
        pending = pending.select_for_update()
    return pending.first()


def work_item_pending_transfer(*, item_id: int) -> WorkItem | None:
    """The transfer of this item waiting to be taken (a warm one), if any."""
    return (
        WorkItem.objects.select_related("queue", "transfer_agent__user")
        .filter(transferred_from_id=item_id, state__in=[WorkState.QUEUED, WorkState.OFFERED])
        .first()
    )


def _held_on(agent: Agent, channel: str) -> int:
    return WorkItem.objects.filter(
        Q(assigned_to=agent, state=WorkState.ASSIGNED)
        | Q(offered_to=agent, state=WorkState.OFFERED),
        channel=channel,
    ).count()


def agent_transfer_refusal(to_agent: Agent, item: WorkItem) -> str | None:
    """Why ``to_agent`` cannot take ``item`` as a transfer, or None when they can: the item's
    channel, tier, language and skill, and room on that channel (presence aside)."""
    if int((to_agent.capacity or {}).get(item.channel, 0) or 0) <= 0:
        return _("That agent does not take contacts on this channel.")
    if item.tier not in (to_agent.tiers or []):
        return _("That agent does not work this tier.")
    if item.language not in (to_agent.languages or []):
        return _("That agent does not take contacts in this language.")
    if item.skill and item.skill not in (to_agent.skills or []):
        return _("That agent does not have the skill this contact needs.")
    return None


def queue_transfer_refusal(queue: Queue, item: WorkItem) -> str | None:
    """Why ``item`` cannot be transferred to ``queue``, or None when it can."""
    if queue.pk == item.queue_id:
        return _("The contact is already in that queue; choose another queue or a named agent.")
    if not queue.active:
        return _("That queue is not in use.")
    if item.channel not in (queue.channels or []):
        return _("That queue does not take contacts on this channel.")
    if queue.tier == QueueTier.TIER2 and item.kind != WorkKind.CALLBACK:
        return _("Tier 2 queues take callbacks only; escalate the inquiry instead.")
    return None


def _transfer_report(
    source: WorkItem, *, step: str, mode: str, to: str, at: dt.datetime, transfer: WorkItem,
    from_user_id: int | None, to_user_id: int | None, actor_user_id: int | None,
) -> None:  # fmt: skip
    detail: dict[str, DetailValue] = {
        "mode": mode, "to": to, "step": step, "transfer_item_id": transfer.pk,
        "to_queue_id": transfer.queue_id if to == "queue" else None,
        "from_user_id": from_user_id, "to_user_id": to_user_id,
    }  # fmt: skip
    work_item_report(
        Event.TRANSFERRED, source, at=at, agent_id=source.assigned_to_id,
        actor_user_id=actor_user_id, **detail,
    )  # fmt: skip


@transaction.atomic
def work_item_transfer(
    *,
    agent: Agent,
    item_id: int,
    mode: str,
    to_queue: Queue | None = None,
    to_agent: Agent | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> WorkItem:
    """Hand the contact the agent holds to a queue or a named agent; returns the new item.

    Cold: the agent's item ends now and the new one waits in the queue (or is offered to the
    named agent; if they decline or let it lapse it waits in the contact's queue). Warm: the
    note is required, and the agent keeps the contact until the new item is taken.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    if mode not in TransferMode.values:
        raise InvalidInput(_("Choose a cold or a warm transfer."))
    if (to_queue is None) == (to_agent is None):
        raise InvalidInput(_("Choose one queue or one agent to transfer to."))
    if mode == TransferMode.WARM and not note:
        raise InvalidInput(_("A warm transfer needs a note for the colleague who takes it."))
    if len(note) > TRANSFER_NOTE_MAX:
        raise InvalidInput(_("A transfer note can be at most 2,000 characters."))
    source = _locked_item(item_id)
    if source.state != WorkState.ASSIGNED or source.assigned_to_id != agent.pk:
        raise RoutingError(_("Only the agent holding this contact can transfer it."))
    if source.inquiry.state == "closed":
        raise RoutingError(_("A closed inquiry cannot be transferred."))
    if _pending_transfer(source.pk) is not None:
        raise RoutingError(
            _("This contact is already being transferred; cancel that transfer first.")
        )
    common = {
        "inquiry_id": source.inquiry_id, "kind": source.kind, "channel": source.channel,
        "enqueued_at": source.enqueued_at, "due_at": source.due_at,
        "breached_at": source.breached_at, "text_ahead_sent_at": source.text_ahead_sent_at,
        "confirmed_at": source.confirmed_at, "transferred_from": source, "transfer_mode": mode,
        "transfer_note": note,
    }  # fmt: skip
    if to_queue is not None:
        queue = Queue.objects.filter(pk=to_queue.pk).first()
        if queue is None:
            raise NotFound(_("Choose a queue from the list."))
        refusal = queue_transfer_refusal(queue, source)
        if refusal:
            raise RoutingError(refusal)
        urgent = source.priority > source.queue.priority
        item = WorkItem.objects.create(
            **common, queue=queue, tier=queue.tier, language=queue.language, skill=queue.skill,
            live_hours_only=queue.live_hours_only, priority=queue.priority + (1 if urgent else 0),
        )  # fmt: skip
        work_item_report(Event.QUEUED, item, at=now, actor_user_id=agent.user_id, urgent=urgent)
        to, to_user_id = "queue", None
    else:
        assert to_agent is not None
        if to_agent.pk == agent.pk:
            raise RoutingError(_("You cannot transfer a contact to yourself."))
        # Locked as an offer locks it, so a transfer and an offer cannot both take its room.
        target = Agent.objects.select_for_update().filter(pk=to_agent.pk).first()
        if target is None:
            raise NotFound(_("Choose an agent from the list."))
        refusal = agent_transfer_refusal(target, source)
        if refusal:
            raise RoutingError(refusal)
        if target.presence not in AT_THE_DESK:
            raise RoutingError(_("That agent is not at the desk now."))
        if _held_on(target, source.channel) >= int(target.capacity.get(source.channel, 0)):
            raise RoutingError(_("That agent has no room for another contact on this channel."))
        timeout = dt.timedelta(seconds=source.queue.offer_timeout_seconds)
        item = WorkItem.objects.create(
            **common, queue_id=source.queue_id, tier=source.tier, language=source.language,
            skill=source.skill, live_hours_only=source.live_hours_only, priority=source.priority,
            state=WorkState.OFFERED, offered_to=target, offer_expires_at=now + timeout,
            transfer_agent=target,
        )  # fmt: skip
        Offer.objects.create(item=item, agent=target, offered_at=now)
        work_item_report(
            Event.OFFERED, item, at=now, agent_id=target.pk, actor_user_id=agent.user_id
        )
        to, to_user_id = "agent", target.user_id
    if mode == TransferMode.COLD:
        source.state = WorkState.DONE
        source.completed_at = now
        source.save(update_fields=["state", "completed_at", "updated_at"])
    _transfer_report(
        source, step="done" if mode == TransferMode.COLD else "requested", mode=mode, to=to,
        at=now, transfer=item, from_user_id=agent.user_id, to_user_id=to_user_id,
        actor_user_id=agent.user_id,
    )  # fmt: skip
    logger.info(
        "routing.transferred",
        extra={"item_id": source.pk, "transfer_item_id": item.pk, "mode": mode, "to": to},
    )
    return item


def _transfer_taken(item: WorkItem, agent: Agent, now: dt.datetime) -> None:
    """Someone took a transfer: a warm one's sender lets go of the contact now."""
    if item.transferred_from_id is None or item.transfer_mode != TransferMode.WARM:
        return
    source = _locked_item(item.transferred_from_id)
    if source.state != WorkState.ASSIGNED:
        return  # the sender already finished their part (escalated, resolved)
    source.state = WorkState.DONE
    source.completed_at = now
    source.save(update_fields=["state", "completed_at", "updated_at"])
    holder = Agent.objects.filter(assignments=source).values_list("user_id", flat=True)
    from_user_id = holder.first()
    _transfer_report(
        source, step="done", mode=TransferMode.WARM,
        to="agent" if item.transfer_agent_id is not None else "queue", at=now, transfer=item,
        from_user_id=from_user_id, to_user_id=agent.user_id, actor_user_id=agent.user_id,
    )  # fmt: skip


def _transfer_end(
    item: WorkItem, *, outcome: str, now: dt.datetime, actor_user_id: int | None
) -> None:
    """A warm transfer that did not happen: its item is cancelled; the sender keeps the contact."""
    offered_to_id = item.offered_to_id if item.state == WorkState.OFFERED else None
    Offer.objects.filter(item=item, outcome=OfferOutcome.PENDING).update(
        outcome=outcome, ended_at=now
    )
    item.state = WorkState.CANCELLED
    item.offered_to = None
    item.offer_expires_at = None
    item.save(update_fields=["state", "offered_to", "offer_expires_at", "updated_at"])
    if offered_to_id is not None:
        work_item_report(
            Event.OFFER_ENDED, item, at=now, agent_id=offered_to_id,
            actor_user_id=actor_user_id, outcome=str(outcome),
        )  # fmt: skip
    source = WorkItem.objects.filter(transfers=item).first()
    if source is None:
        return
    ids = [pk for pk in (source.assigned_to_id, item.transfer_agent_id) if pk is not None]
    holders: dict[int, int] = dict(Agent.objects.filter(pk__in=ids).values_list("pk", "user_id"))
    from_user_id = holders.get(source.assigned_to_id) if source.assigned_to_id else None
    to_user_id = holders.get(item.transfer_agent_id) if item.transfer_agent_id else None
    _transfer_report(
        source, step=str(outcome), mode=TransferMode.WARM,
        to="agent" if item.transfer_agent_id is not None else "queue", at=now, transfer=item,
        from_user_id=from_user_id, to_user_id=to_user_id, actor_user_id=actor_user_id,
    )  # fmt: skip


@transaction.atomic
def work_item_transfer_cancel(
    *, agent: Agent, item_id: int, now: dt.datetime | None = None
) -> WorkItem:
    """Take back a warm transfer of the item the agent holds, before anyone took it; returns
    the cancelled transfer. Refused once it was taken (the contact is no longer the agent's)."""
    now = now or timezone.now()
    # The transfer's row first, as an acceptance locks it first (see above).
    pending = _pending_transfer(item_id, lock=True)
    source = _locked_item(item_id)
    if source.state != WorkState.ASSIGNED or source.assigned_to_id != agent.pk:
        raise RoutingError(_("Only the agent holding this contact can cancel its transfer."))
    if pending is None or pending.transfer_mode != TransferMode.WARM:
        raise RoutingError(_("No transfer of this contact is waiting to be accepted."))
    _transfer_end(pending, outcome=OfferOutcome.CANCELLED, now=now, actor_user_id=agent.user_id)
    return pending


__all__ = [
    "NoQueue",
    "QueueChoice",
    "QueueTier",
    "RoutingError",
    "agent_set_presence",
    "queue_for",
    "work_item_accept",
    "work_item_claim",
    "work_item_complete",
    "work_item_decline",
    "work_item_enqueue",
    "work_item_offer_next",
    "work_item_reassign",
    "work_item_transfer",
    "work_item_transfer_cancel",
    "work_items_cancel_for_inquiry",
    "work_items_expire_offers",
    "work_items_finish_for_inquiry",
]


DEFAULT_CAPACITY = {"phone": 1, "chat": 3, "secure_message": 5, "webform": 5, "email": 5}


def agent_ensure_for_user(*, user) -> Agent:
    """The routing profile of a member of staff, created from their roles on first use.

    Tier 1 agents take Tier 1 work, Tier 2 officers Tier 2 work, supervisors supervisor
    requests and either tier; languages come from the staff profile (English by default).
    Every desk request asks for it, so the common case is one plain read, with no
    transaction around it (a transaction costs two more round trips to the database).
    """
    existing = Agent.objects.filter(user=user).first()
    if existing is not None:
        return existing
    return _agent_create_for_user(user)


@transaction.atomic
def _agent_create_for_user(user) -> Agent:
    roles = user_roles(user)
    tiers: list[str] = []
    if Role.TIER1 in roles:
        tiers.append(QueueTier.TIER1)
    if Role.TIER2 in roles:
        tiers.append(QueueTier.TIER2)
    if Role.SUPERVISOR in roles or Role.ADMIN in roles:
        tiers = [QueueTier.SUPERVISOR, QueueTier.TIER1, QueueTier.TIER2]
    if not tiers:
        raise RoutingError(_("Only contact-center staff can take work."))
    profile = getattr(user, "staff_profile", None)
    languages = [
        code.strip() for code in (profile.languages if profile else "en").split(",") if code.strip()
    ]
    try:
        with transaction.atomic():
            return Agent.objects.create(
                user=user,
                tiers=tiers,
                languages=languages or ["en"],
                capacity=dict(DEFAULT_CAPACITY),
                presence=Presence.OFFLINE,
            )
    except IntegrityError:  # another request of theirs made it since the read
        return Agent.objects.get(user=user)


@transaction.atomic
def live_help_hours_approve(
    *,
    hours: list[dict[str, object]],
    effective_from: dt.date,
    approved_by: User | None,
    figures: dict[str, object] | None = None,
) -> LiveHelpHours:
    """Record hours of live help per weekday approved by a supervisor; the business calendar
    reads them from ``effective_from`` on (every process within a minute). Raises
    ``InvalidInput`` and stores nothing when the hours are not a valid week or the day has
    passed."""
    try:
        parsed = week_hours_parse(hours)
    except ValueError as error:
        raise InvalidInput(
            _("The hours are not a valid week: each weekday at most once, closing after opening.")
        ) from error
    if effective_from < timezone.localdate():
        raise InvalidInput(_("Hours cannot take effect on a day that has passed."))
    approved = LiveHelpHours.objects.create(
        effective_from=effective_from,
        hours=[
            {
                "weekday": weekday,
                "opens": opens.strftime("%H:%M"),
                "closes": closes.strftime("%H:%M"),
            }
            for weekday, opens, closes in parsed
        ],
        approved_by=approved_by,
        figures=figures or {},
    )
    transaction.on_commit(live_help_calendar_reset)
    return approved
