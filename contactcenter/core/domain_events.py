"""Domain events: what happened to a contact, told once, by the service that did it.

Every channel (phone, chat, secure message, web form, callback, service request, appointment)
reports each step of a contact's life as a ``ContactEvent``. Services emit them; views,
consumers, webhooks and commands never do. Whoever needs to know (the desk's live updates,
notifications, chat, the phone lines' chart, later the operations counts) connects a receiver
in its own ``AppConfig.ready()``, so the service that emits knows nothing of them.

Two moments, two signals:

* ``contact_event_recorded`` is sent at once, inside the service's transaction. A receiver
  that writes rows that must stand or fall with the change (a notification to queue) connects
  here: if the transaction rolls back, so does what it wrote, and nothing is lost if the
  process dies after the commit.
  Inside ``contact_events_together()`` (a service writing many contacts at once) the events
  are also handed over together, in one ``contact_events_recorded`` when the block ends: a
  receiver that stores every event (the operations log) writes them in one statement, and
  skips the one-by-one signal that says ``together=True``.
* ``contact_event`` is sent after the transaction commits (at once outside a transaction),
  for everything that only tells others (live pages, chat sockets). A failing receiver is
  logged and does not undo the change or stop the other receivers.

Payloads carry ids, codes, counts and times, never personal data: a receiver that needs more
reads it through the usual selectors and their checks.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)


class ContactEventKind(StrEnum):
    # A contact reached the agency: a call answered by the phone line, a chat opened, a secure
    # message, web form, service request or appointment request received.
    STARTED = "started"
    # The person proved who they are (identity questions, or their online account).
    VERIFIED = "verified"
    # Put in line for a person (``queue_id`` says which line).
    QUEUED = "queued"
    # Offered to one agent, who may accept or let it go.
    OFFERED = "offered"
    # An offer ended without acceptance: declined or timed out (``detail["outcome"]``).
    OFFER_ENDED = "offer_ended"
    # A person took it: an agent accepted or claimed the work, or an office opened a request.
    ANSWERED = "answered"
    # The person left (hung up, closed the chat) while waiting, before anyone answered.
    ABANDONED = "abandoned"
    # Moved to another person or office: a supervisor's reassignment, a supervisor asked to
    # join, a service request sent to another office.
    TRANSFERRED = "transferred"
    # Raised to Tier 2.
    ESCALATED = "escalated"
    CALLBACK_SCHEDULED = "callback_scheduled"
    # A Tier 2 officer called back (``detail["outcome"]``: reached, no answer ...).
    CALLBACK_ATTEMPTED = "callback_attempted"
    # Open work passed its due time (a callback's goal, a web form's reply time).
    OVERDUE = "overdue"
    # The agent finished their part of the work (their item is done).
    WRAPPED_UP = "wrapped_up"
    # The contact was closed with an outcome (``detail["disposition"]``).
    RESOLVED = "resolved"
    REOPENED = "reopened"
    # Ended in self-service, with no person involved: the phone line or the assistant answered.
    SELF_SERVED = "self_served"
    # The contact ended (the call hung up, the chat closed) whatever happened before.
    ENDED = "ended"


DetailValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ContactEvent:
    """One step of one contact. ``channel`` is the inquiry's channel (phone, chat, ...) or the
    record's kind (``service_request``, ``appointment``)."""

    kind: ContactEventKind
    channel: str
    at: dt.datetime
    language: str = ""
    inquiry_id: int | None = None
    queue_id: int | None = None
    work_item_id: int | None = None
    agent_id: int | None = None
    # The member of staff whose action it was, when one acted (for live pages' "origin").
    actor_user_id: int | None = None
    # The service request, appointment or call the event is about, when it is not an inquiry.
    record_id: int | None = None
    detail: Mapping[str, DetailValue] = field(default_factory=dict)
    # Made once, when the step is reported: whoever stores or forwards the event can tell a
    # second delivery of it from a new step (the operations log keeps each id once).
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (for a log of events or a socket): the same fields, times as ISO."""
        return {
            "id": str(self.id),
            "kind": str(self.kind),
            "channel": self.channel,
            "at": self.at.isoformat(),
            "language": self.language,
            "inquiry_id": self.inquiry_id,
            "queue_id": self.queue_id,
            "work_item_id": self.work_item_id,
            "agent_id": self.agent_id,
            "actor_user_id": self.actor_user_id,
            "record_id": self.record_id,
            "detail": dict(self.detail),
        }


# Sent with ``event=ContactEvent`` inside the emitting transaction. Receivers are looked up once
# per sender and kept (``use_caching``): events are sent on the busiest paths (a claim, a call).
contact_event_recorded = Signal(use_caching=True)
# Sent with ``events=[ContactEvent, ...]`` when a ``contact_events_together()`` block ends, still
# inside the emitting transaction; each of them was sent to ``contact_event_recorded`` before,
# with ``together=True``.
contact_events_recorded = Signal(use_caching=True)
# Sent with ``event=ContactEvent`` after the emitting transaction commits.
contact_event = Signal(use_caching=True)

_together: ContextVar[list[ContactEvent] | None] = ContextVar("contact_events", default=None)


@contextmanager
def contact_events_together() -> Iterator[None]:
    """Within the block, events are also collected and handed over together when it ends
    without an error (the caller's transaction is still open: use it inside ``atomic``). A
    block inside another joins the outer one. On an error nothing is handed over: the events
    go with the rolled-back changes they reported."""
    if _together.get() is not None:
        yield
        return
    events: list[ContactEvent] = []
    token = _together.set(events)
    try:
        yield
    finally:
        _together.reset(token)
    if events:
        contact_events_recorded.send(sender=ContactEvent, events=tuple(events))


def contact_event_emit(
    kind: ContactEventKind,
    *,
    channel: str,
    at: dt.datetime | None = None,
    language: str = "",
    inquiry_id: int | None = None,
    queue_id: int | None = None,
    work_item_id: int | None = None,
    agent_id: int | None = None,
    actor_user_id: int | None = None,
    record_id: int | None = None,
    detail: Mapping[str, DetailValue] | None = None,
) -> ContactEvent:
    """Report one step of a contact. Called by services only, inside their transaction."""
    event = ContactEvent(
        kind=kind,
        channel=channel,
        at=at or timezone.now(),
        language=language,
        inquiry_id=inquiry_id,
        queue_id=queue_id,
        work_item_id=work_item_id,
        agent_id=agent_id,
        actor_user_id=actor_user_id,
        record_id=record_id,
        detail=detail or {},
        id=uuid.uuid4(),
    )
    # A receiver here writes in the caller's transaction; its error undoes the change.
    together = _together.get()
    contact_event_recorded.send(sender=ContactEvent, event=event, together=together is not None)
    if together is not None:
        together.append(event)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        connection.on_commit(lambda: _announce(event), robust=True)
    else:  # autocommit: the change is already safe (what on_commit would do, without its cost)
        _announce(event)
    return event


def _announce(event: ContactEvent) -> None:
    for receiver, result in contact_event.send_robust(sender=ContactEvent, event=event):
        if isinstance(result, Exception):
            logger.error(
                "domain_events.receiver_failed",
                extra={
                    "receiver": getattr(receiver, "__qualname__", str(receiver)),
                    "event": str(event.kind),
                    "error": type(result).__name__,
                },
            )
