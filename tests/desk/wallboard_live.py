"""The real services, run against the uvicorn server's own SQLite file while a browser watches
the wallboard (tests/desk/test_wallboard_browser.py). The server and this process share a Redis
channel layer, so the desk's live events reach the page as they would from any worker.

    python -m tests.desk.wallboard_live fill      -> the supervisor's username, as JSON
    python -m tests.desk.wallboard_live answer    a call queued and answered by an agent
    python -m tests.desk.wallboard_live abandon   a call queued and hung up while waiting
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
    else:
        sys.stderr.write(f"unknown step {step!r}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
