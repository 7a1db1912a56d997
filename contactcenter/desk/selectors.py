"""Reads for the desk's pages, each shaped so a page costs a fixed number of queries.

Case data is not read here: after an identity check it is shown only through
``inquiries.selectors.inquiry_case_for_viewer``, which checks the viewer's right and audits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import NotFound
from contactcenter.core.process_cache import ProcessCache
from contactcenter.desk.access import is_supervisor
from contactcenter.desk.callbacks import callbacks_for_officer
from contactcenter.inquiries.models import Inquiry, InquiryEvent
from contactcenter.ivr.selectors import LineDay, phone_lines_today
from contactcenter.routing.models import (
    Agent,
    CallbackAttempt,
    Presence,
    Queue,
    WorkItem,
    WorkKind,
    WorkState,
)
from contactcenter.routing.services import (
    AT_THE_DESK,
    agent_transfer_refusal,
    queue_transfer_refusal,
)
from contactcenter.routing.wait_estimates import queues_waiting

OPEN_STATES = (WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED)
# The supervisor's list of open work is capped: a page must stay fast on a busy day; queues
# show the full depth.
OPEN_ITEMS_SHOWN = 50


def offer_for_agent(*, agent: Agent, now: dt.datetime | None = None) -> WorkItem | None:
    """The live offer waiting for the agent's answer (a lapsed one is no longer theirs)."""
    return my_work(agent=agent, now=now, offers=True).offer


def work_for_agent(*, agent: Agent) -> list[WorkItem]:
    return my_work(agent=agent, offers=False).held


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)  # sorts an item never assigned last, as SQL


@dataclass(frozen=True, slots=True)
class MyWork:
    offer: WorkItem | None  # the live offer waiting for the agent's answer
    held: list[WorkItem]  # the items the agent holds, oldest first


def my_work(*, agent: Agent, now: dt.datetime | None = None, offers: bool = True) -> MyWork:
    """The agent's "My work" in one query: the live offer (a lapsed one is no longer theirs;
    none asked for when ``offers`` is false) and the items held.

    A transferred offer comes with who sent it (the offer's heading names them); the sender is
    read only then, since joining three more tables into every look-up (most find no offer,
    or one that was not transferred) cost more to build than the rest of the query."""
    wanted = Q(state=WorkState.ASSIGNED, assigned_to=agent)
    if offers:
        live = Q(state=WorkState.OFFERED, offered_to=agent,
                 offer_expires_at__gt=now or timezone.now())  # fmt: skip
        wanted |= live
    rows = list(WorkItem.objects.select_related("inquiry", "queue").filter(wanted))
    held = sorted(
        (i for i in rows if i.state == WorkState.ASSIGNED and i.assigned_to_id == agent.pk),
        key=lambda i: (i.assigned_at is None, i.assigned_at or _NEVER, i.pk),
    )
    offered = [i for i in rows if i.state == WorkState.OFFERED and i.offered_to_id == agent.pk]
    offer = min(offered, key=lambda i: (i.offer_expires_at, i.pk), default=None)
    if offer is not None and offer.transferred_from_id is not None:
        offer.transferred_from = (
            WorkItem.objects.select_related("assigned_to__user")
            .filter(pk=offer.transferred_from_id)
            .first()
        )
    return MyWork(offer=offer, held=held)


@dataclass(frozen=True, slots=True)
class DeskInquiry:
    inquiry: Inquiry
    # Whether this viewer may act on it now: they hold it, or they supervise.
    can_act: bool
    held_item_ids: tuple[int, ...]
    # The kinds of the items held (a callback is worked differently from a live call).
    held_kinds: tuple[str, ...] = ()


def inquiry_for_desk(
    *, viewer: AbstractBaseUser | AnonymousUser, reference_number: str
) -> DeskInquiry:
    """An inquiry for a member of staff who works or worked it, or any for a supervisor.

    Missing and forbidden look the same, so agents cannot probe other people's inquiries.
    """
    if not viewer.is_authenticated:
        raise NotFound(_("No inquiry with that reference number is in your work."))
    not_found = NotFound(_("No inquiry with that reference number is in your work."))
    inquiry = Inquiry.objects.filter(reference_number=reference_number).first()
    if inquiry is None:
        raise not_found
    mine = list(
        WorkItem.objects.filter(inquiry=inquiry, assigned_to__user_id=int(viewer.pk)).values_list(
            "pk", "state", "kind"
        )
    )
    held = tuple(pk for pk, state, _kind in mine if state == WorkState.ASSIGNED)
    kinds = tuple(kind for _pk, state, kind in mine if state == WorkState.ASSIGNED)
    supervisor = is_supervisor(viewer)
    if not mine and not supervisor:
        raise not_found
    return DeskInquiry(
        inquiry=inquiry, can_act=bool(held) or supervisor, held_item_ids=held, held_kinds=kinds
    )


def inquiry_history(*, inquiry: Inquiry) -> list[InquiryEvent]:
    return list(inquiry.events.select_related("actor").order_by("created_at", "id"))


def callbacks_for_desk(*, agent: Agent) -> list[WorkItem]:
    """The officer's callbacks (confirmed by text first, then oldest) with their attempts."""
    return list(
        callbacks_for_officer(agent=agent).prefetch_related(
            Prefetch("attempts", queryset=CallbackAttempt.objects.order_by("attempted_at", "id"))
        )
    )


def agent_for_reassign(*, agent_id: object) -> Agent:
    try:
        pk = int(str(agent_id))
    except ValueError:
        pk = 0
    agent = Agent.objects.select_related("user").filter(pk=pk).first()
    if agent is None:
        raise NotFound(_("Choose an agent from the list."))
    return agent


@dataclass(frozen=True, slots=True)
class QueueRow:
    queue: Queue
    depth: int
    oldest_enqueued_at: dt.datetime | None
    oldest_wait: dt.timedelta | None


@dataclass(frozen=True, slots=True)
class SupervisorBoard:
    queues: list[QueueRow]
    agents: Sequence[Agent]  # each with ``current_work``: its assigned items
    open_items: list[WorkItem]
    supervisor_requests: list[WorkItem]
    phone_lines: list[LineDay]  # how today's calls ended, per line


def _open_items() -> QuerySet[WorkItem]:
    return (
        WorkItem.objects.filter(state__in=OPEN_STATES)
        .select_related("queue", "inquiry", "assigned_to__user", "offered_to__user")
        .order_by("-priority", "enqueued_at", "id")
    )


def supervisor_board(*, now: dt.datetime | None = None, language: str = "en") -> SupervisorBoard:
    """Every queue with its depth and oldest wait, every agent with presence and current work,
    open work, supervisor requests and the phone lines' day: seven queries whatever the
    numbers."""
    now = now or timezone.now()
    waiting = queues_waiting()
    queues = []
    for queue in Queue.objects.filter(active=True):
        depth, oldest = waiting.get(queue.pk, (0, None))
        queues.append(
            QueueRow(
                queue=queue,
                depth=depth,
                oldest_enqueued_at=oldest,
                oldest_wait=(now - oldest) if oldest else None,
            )
        )
    agents = list(
        Agent.objects.select_related("user")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=WorkItem.objects.filter(state=WorkState.ASSIGNED)
                .select_related("inquiry")
                .order_by("assigned_at", "id"),
                to_attr="current_work",
            )
        )
        .order_by("user__username")
    )
    return SupervisorBoard(
        queues=queues,
        agents=agents,
        open_items=list(_open_items()[:OPEN_ITEMS_SHOWN]),
        supervisor_requests=list(
            _open_items().filter(kind=WorkKind.SUPERVISOR_REQUEST)[:OPEN_ITEMS_SHOWN]
        ),
        phone_lines=phone_lines_today(language=language, now=now),
    )


@dataclass(frozen=True, slots=True)
class TransferOptions:
    """What the transfer tool offers for the contact an agent holds on an inquiry."""

    item: WorkItem
    queues: list[Queue]  # queues that could take it, other than its own
    agents: list[Agent]  # colleagues at the desk who could take it, with ``user``
    pending: WorkItem | None  # its warm transfer waiting to be taken, if any


# The queues a contact could be transferred to are among the active ones: read at most every
# few seconds per process (every inquiry page asks), cleared when a queue is saved (desk/apps.py).
ACTIVE_QUEUES: ProcessCache[list[Queue]] = ProcessCache(
    "active_queues", lambda: list(Queue.objects.filter(active=True))
)


TRANSFER_AGENT_FIELDS = (
    "presence", "capacity", "tiers", "languages", "skills",
    "user__username", "user__first_name", "user__last_name",
)  # fmt: skip


def transfer_options(*, agent: Agent, held_item_ids: Sequence[int]) -> TransferOptions | None:
    """For the contact the agent holds on this inquiry (None if they hold none): where it may
    go, and a warm transfer already waiting. Two queries whatever the numbers while the active
    queues are kept, and one more when a transfer is waiting: the item comes with the id of a
    transfer waiting, and only then is that transfer read with its queue and colleague (most
    contacts have none, and that wide query cost more to build than the rest of the tool)."""
    if not held_item_ids:
        return None
    waiting = (
        WorkItem.objects.filter(
            transferred_from=OuterRef("pk"), state__in=[WorkState.QUEUED, WorkState.OFFERED]
        )
        .order_by("pk")
        .values("pk")[:1]
    )
    item = (
        WorkItem.objects.filter(pk=held_item_ids[0]).annotate(waiting_id=Subquery(waiting)).first()
    )
    if item is None:
        return None
    pending = None
    waiting_id = getattr(item, "waiting_id", None)  # the annotation
    if waiting_id is not None:
        pending = (
            WorkItem.objects.select_related("queue", "transfer_agent__user")
            .filter(pk=waiting_id)
            .first()
        )
    queues = [q for q in ACTIVE_QUEUES.get() if queue_transfer_refusal(q, item) is None]
    colleagues = (
        Agent.objects.select_related("user")
        .filter(presence__in=AT_THE_DESK)
        .exclude(pk=agent.pk)
        .order_by("user__username")
        # What the refusal checks and the list shows: a desk of dozens, on every page.
        .only(*TRANSFER_AGENT_FIELDS)
    )
    agents = [other for other in colleagues if agent_transfer_refusal(other, item) is None]
    return TransferOptions(item=item, queues=queues, agents=agents, pending=pending)


def queue_for_transfer(*, queue_id: object) -> Queue:
    queue = Queue.objects.filter(pk=_int(queue_id), active=True).first()
    if queue is None:
        raise NotFound(_("Choose a queue from the list."))
    return queue


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def after_contact_deadline(*, agent: Agent) -> dt.datetime | None:
    """When the agent's after-contact work (wrap-up) ends by itself, for the page's timer;
    None when they are not in wrap-up or it never ends by itself (the setting is 0)."""
    seconds = settings.DESK_AFTER_CONTACT_SECONDS
    if agent.presence != Presence.WRAP_UP or seconds <= 0 or agent.presence_since is None:
        return None
    return agent.presence_since + dt.timedelta(seconds=seconds)
