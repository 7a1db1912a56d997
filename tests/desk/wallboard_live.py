"""The real services, run against the uvicorn server's own SQLite file while a browser watches
the wallboard (tests/desk/test_wallboard_browser.py). The server and this process share a Redis
channel layer, so the desk's live events reach the page as they would from any worker.

    python -m tests.desk.wallboard_live fill      -> the supervisor's username, as JSON
    python -m tests.desk.wallboard_live answer    a call queued and answered by an agent
    python -m tests.desk.wallboard_live abandon   a call queued and hung up while waiting
    python -m tests.desk.wallboard_live day       a busy day so far (docs/images/wallboard-1366.png)
"""

from __future__ import annotations

import json
import os
import sys


def main(step: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    from contactcenter.desk.services import desk_offer_accept
    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import Agent, Presence, QueueTier, WorkKind
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.routing.services import (
        QueueChoice,
        agent_ensure_for_user,
        agent_set_presence,
        queue_for,
        work_item_enqueue,
        work_item_offer_next,
        work_items_cancel_for_inquiry,
    )
    from contactcenter.staff.models import Role
    from tests.factories import StaffUserFactory

    def waiting_call():
        inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550199")
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
        work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)
        return inquiry

    if step == "fill":
        queues_load()
        boss = StaffUserFactory(username="boss", role=Role.SUPERVISOR)
        agent = agent_ensure_for_user(user=StaffUserFactory(username="agent", role=Role.TIER1))
        Agent.objects.filter(pk=agent.pk).update(capacity={"phone": 1})
        sys.stdout.write(json.dumps({"supervisor": boss.username}))
    elif step == "answer":
        agent = Agent.objects.get(user__username="agent")
        agent = agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
        waiting_call()
        item = work_item_offer_next(agent=agent)
        assert item is not None
        desk_offer_accept(agent=agent, item_id=item.pk)  # as the agent's Accept button does
    elif step == "abandon":
        work_items_cancel_for_inquiry(inquiry=waiting_call(), abandoned=True)
    elif step == "day":
        _busy_day()
    else:
        sys.stderr.write(f"unknown step {step!r}\n")
        return 2
    return 0


def _busy_day() -> None:
    """Today from 8:00 to now in the agency's time: contacts in four queues (Spanish general
    running late), self-service, agents in every state and calls waiting now. Hand-built
    events through ``contact_event_emit``, as the channels report them."""
    import datetime as dt
    import random

    from django.utils import timezone

    from contactcenter.core.domain_events import ContactEventKind as Kind
    from contactcenter.core.domain_events import contact_event_emit
    from contactcenter.operations.intervals import agency_zone
    from contactcenter.routing.models import Agent, Presence, PresenceChange, Queue
    from contactcenter.routing.services import agent_ensure_for_user, agent_set_presence
    from contactcenter.staff.models import Role
    from tests.factories import StaffUserFactory

    chance = random.Random(7)
    now = timezone.now()
    start = now.astimezone(agency_zone()).replace(hour=8, minute=0, second=0, microsecond=0)
    # (queue, contacts an hour, share answered, typical wait in seconds)
    plan = [
        ("t1-general-en", 40, 0.95, 12),
        ("t1-general-es", 24, 0.85, 35),
        ("t1-premium-processing", 8, 0.97, 9),
        ("t1-intercountry-adoption", 4, 0.9, 25),
    ]
    item = 10_000
    for code, per_hour, answered_share, wait in plan:
        queue = Queue.objects.get(code=code)
        moment = start
        while moment < now - dt.timedelta(minutes=2):
            item += 1
            waited = max(1, round(chance.expovariate(1 / wait)))
            common = {"channel": "phone", "language": queue.language, "inquiry_id": item,
                      "queue_id": queue.pk, "work_item_id": item}  # fmt: skip
            contact_event_emit(Kind.QUEUED, at=moment, detail={"work": "call"}, **common)
            left = moment + dt.timedelta(seconds=waited)
            if chance.random() < answered_share:
                contact_event_emit(Kind.ANSWERED, at=left, detail={"work": "call",
                                   "waited_seconds": waited}, **common)  # fmt: skip
                end = left + dt.timedelta(seconds=chance.randint(240, 540))
                if end < now:
                    contact_event_emit(Kind.ENDED, channel="phone", at=end,
                                       language=queue.language, inquiry_id=item)  # fmt: skip
                    contact_event_emit(Kind.WRAPPED_UP, at=end + dt.timedelta(seconds=60),
                                       detail={"work": "call"}, **common)  # fmt: skip
            else:
                contact_event_emit(Kind.ABANDONED, at=left, detail={"work": "call",
                                   "waited_seconds": waited}, **common)  # fmt: skip
            moment += dt.timedelta(seconds=round(chance.expovariate(per_hour / 3600)))
    moment = start
    while moment < now:
        channel = "virtual_assistant" if chance.random() < 0.6 else "phone"
        contact_event_emit(Kind.SELF_SERVED, channel=channel, at=moment, language="en")
        moment += dt.timedelta(seconds=chance.randint(60, 200))
    states = (
        [Presence.AVAILABLE] * 3 + [Presence.BUSY] * 5 + [Presence.WRAP_UP] * 2 + [Presence.AWAY]
    )
    for number, presence in enumerate(states, start=1):
        user = StaffUserFactory(username=f"agent{number}", role=Role.TIER1)
        agent = agent_ensure_for_user(user=user)
        Agent.objects.filter(pk=agent.pk).update(
            capacity={"phone": 1}, languages=["en", "es"] if number % 2 else ["en"],
            skills=["premium"] if number < 4 else [],
        )  # fmt: skip
        agent.refresh_from_db()
        agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
        # Signed in since 8:00, on contacts most of the day.
        PresenceChange.objects.filter(agent=agent).update(changed_at=start)
        busy = PresenceChange.objects.create(agent=agent, presence=Presence.BUSY)
        busy_from = start + dt.timedelta(minutes=20)
        PresenceChange.objects.filter(pk=busy.pk).update(changed_at=busy_from)
        agent_set_presence(agent=agent, presence=presence)
    for _ in range(3):
        waiting_call_in("t1-general-es", language="es")
    waiting_call_in("t1-general-en", language="en")


def waiting_call_in(code: str, *, language: str) -> None:
    """A call waiting in ``code`` for a minute and a half."""
    import datetime as dt

    from django.utils import timezone

    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import Queue, WorkItem, WorkKind
    from contactcenter.routing.services import work_item_enqueue

    inquiry = inquiry_open(channel="phone", language=language, contact_phone="+14025550177")
    item = work_item_enqueue(
        inquiry=inquiry, kind=WorkKind.CALL, queue=Queue.objects.get(code=code)
    )
    WorkItem.objects.filter(pk=item.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(seconds=95)
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
