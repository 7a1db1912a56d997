"""Live events for staff screens (the agent desktop), pushed over Channels after commit.

Kept in core so that domain services (routing's enqueue, the periodic offer sweep) can announce
new work without depending on the desk app that shows it.

Pages listen on ``ws/desk`` (see ``consumers.py``) and refresh a fragment when an event
arrives; the events carry no personal data, only what changed, so a page always reloads the
facts through the normal views and their permission checks.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from contactcenter.core.redis_fallback import REDIS_ERRORS, channel_send_skipped, redis_circuit

logger = logging.getLogger(__name__)

# --- Pushes held for the end of a request ----------------------------------------------------
#
# A push from a view's thread is a trip to the event loop and back (``async_to_sync``), and on
# a busy server each trip waits for the loop's turn. One desk action pushes several: accepting
# an offer told the supervisors' boards twice (the item's step, then the agent's presence) and
# the chat once. Inside ``live_pushes_together`` (every synchronous view, see
# ``core.asgi_handler``) pushes are held, the same push to the same group is kept once, and
# all go in one trip when the view returns, in the order they were made.

_held = threading.local()


@contextmanager
def live_pushes_together() -> Iterator[None]:
    if getattr(_held, "pushes", None) is not None:  # already holding: the outer one sends
        yield
        return
    _held.pushes = {}
    try:
        yield
    finally:
        pushes, _held.pushes = _held.pushes, None
        if pushes:
            _send_all(list(pushes.values()))


def layer_send(layer: Any, group: str, message: dict[str, Any], *, what: str) -> None:
    """``layer.group_send(group, message)`` now, or at the end of ``live_pushes_together``. A
    failure is logged and swallowed (``what`` names the push in the log): the write it reports
    on is already safe, and pages catch up on their next load or reconnect."""
    held = getattr(_held, "pushes", None)
    if held is not None:
        key = (id(layer), group, json.dumps(message, sort_keys=True, default=str))
        held.setdefault(key, (layer, group, message, what))
        return
    _send_all([(layer, group, message, what)])


def _send_all(pushes: list[tuple[Any, str, dict[str, Any], str]]) -> None:
    """Send ``pushes`` in order, in one trip to the event loop. A push that fails stops none of
    the others, except a Redis failure: the rest are skipped rather than each waiting for the
    same time-out (pages catch up on their next load), and the breaker is told once."""

    async def send() -> list[BaseException | None]:
        outcomes: list[BaseException | None] = []
        for layer, group, message, _what in pushes:
            try:
                await layer.group_send(group, message)
            except REDIS_ERRORS as error:
                outcomes.append(error)
                break
            except Exception as error:  # this push alone; the others still go
                outcomes.append(error)
            else:
                outcomes.append(None)
        return outcomes

    try:
        outcomes = async_to_sync(send)()
    except Exception:  # no trip could be made; the writes the pushes report are safe
        logger.exception("live_events.send_failed", extra={"pushes": len(pushes)})
        return
    for (_layer, group, _message, what), error in zip(pushes, outcomes, strict=False):
        if error is None:
            redis_circuit.succeeded()
        elif isinstance(error, REDIS_ERRORS):
            redis_circuit.failed(error)  # logged once per outage, not per push
        else:
            logger.error(
                "live_events.send_failed", exc_info=error, extra={"group": group, "what": what}
            )


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
    layer_send(layer, group, {"type": "desk.event", "payload": dict(payload)}, what="desk_event")


def desk_event_send_on_commit(group: str, payload: Mapping[str, object]) -> None:
    """Send ``payload`` to ``group`` after the current transaction commits (at once outside
    a transaction)."""
    transaction.on_commit(lambda: desk_event_send(group, payload), robust=True)
