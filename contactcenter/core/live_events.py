"""Live events for staff screens (the agent desktop), pushed over Channels after commit.

Kept in core so that domain services (routing's enqueue, the periodic offer sweep) can announce
new work without depending on the desk app that shows it.

Pages listen on ``ws/desk`` (see ``consumers.py``) and refresh a fragment when an event
arrives; the events carry no personal data, only what changed, so a page always reloads the
facts through the normal views and their permission checks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from contactcenter.core.redis_fallback import REDIS_ERRORS, channel_send_skipped, redis_circuit

logger = logging.getLogger(__name__)

# Supervisors: queue depths, agents' presence and work changed.
SUPERVISORS_GROUP = "desk.supervisors"
# Every agent: new work was queued, an available agent may take it.
AGENTS_GROUP = "desk.agents"

# Event kinds (the page's htmx trigger is "desk-<kind>").
KIND_BOARD = "board"
KIND_WORK = "work"
KIND_ASSIGNED = "assigned"


def user_group(user_id: int) -> str:
    """The group of one member of staff's open desk pages (an item was given to them)."""
    return f"desk.user.{int(user_id)}"


def desk_event_send(group: str, payload: Mapping[str, object]) -> None:
    """Send ``payload`` to every socket in ``group`` now: for callers already after a commit
    (domain-event receivers). A failure to send is logged and swallowed: the write it reports
    on is already safe, and pages still show it on their next refresh."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer) and not layer.groups.get(group):
        # The in-process layer (one server, no Redis) knows every socket of the group: none is
        # open, so there is no one to tell, and no trip through the event loop to make. On
        # the busiest paths (a claim, an ended call) that trip cost more than the write.
        return
    if channel_send_skipped("desk_event"):
        return  # Redis is away: pages see the change on their next load
    try:
        async_to_sync(layer.group_send)(group, {"type": "desk.event", "payload": dict(payload)})
    except REDIS_ERRORS as error:
        redis_circuit.failed(error)  # logged once per outage, not per push
    except Exception:
        logger.exception("live_events.send_failed", extra={"group": group})
    else:
        redis_circuit.succeeded()


def desk_event_send_on_commit(group: str, payload: Mapping[str, object]) -> None:
    """Send ``payload`` to ``group`` after the current transaction commits (at once outside
    a transaction)."""
    transaction.on_commit(lambda: desk_event_send(group, payload), robust=True)
