"""Fill a fresh database for the live-update browser test (run in a subprocess against the
uvicorn server's own SQLite file): two Tier 1 agents, a supervisor, one waiting call.

    DATABASE_URL=sqlite:///... python -m tests.desk.live_data   -> prints the usernames as JSON
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import QueueTier, WorkKind
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.routing.services import QueueChoice, queue_for, work_item_enqueue
    from contactcenter.staff.models import Role
    from tests.factories import StaffUserFactory

    queues_load()
    users = {
        "agent_a": StaffUserFactory(username="agent_a", role=Role.TIER1).username,
        "agent_b": StaffUserFactory(username="agent_b", role=Role.TIER1).username,
        "supervisor": StaffUserFactory(username="boss", role=Role.SUPERVISOR).username,
    }
    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550142")
    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
    work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)
    sys.stdout.write(json.dumps({**users, "reference": inquiry.reference_number}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
