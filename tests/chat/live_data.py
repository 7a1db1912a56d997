"""Fill a fresh database for the chat tests that run real servers (in a subprocess, against
the servers' own SQLite file): the queues, the knowledge base and two Tier 1 agents.

    DATABASE_URL=sqlite:///... python -m tests.chat.live_data   -> prints the usernames as JSON
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    from contactcenter.assistant.services import knowledge_base_load
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.staff.models import Role
    from tests.factories import StaffUserFactory

    queues_load()
    knowledge_base_load()
    users = {
        "agent": StaffUserFactory(username="rosa", first_name="Rosa", role=Role.TIER1).username,
        "other": StaffUserFactory(username="omar", first_name="Omar", role=Role.TIER1).username,
    }
    sys.stdout.write(json.dumps(users))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
