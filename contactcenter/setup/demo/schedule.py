"""Published schedules for the demo's current week and the next, so the desk's schedule pages
and every demo agent's "My schedule" have shifts to show on a new install.

It is made the way a supervisor makes one (``schedule_draft_from_plan``: the plan from the
demo's four weeks of history, the shipped shift patterns, the lines handed to routing's agents
by username, so tier1.alice and the others get lines of their own) and then published. On the
demo data that takes about two seconds a week.
"""

from __future__ import annotations

import datetime as dt
import logging

from contactcenter.core.errors import ApplicationError
from contactcenter.workforce.models import Schedule
from contactcenter.workforce.services import schedule_draft_from_plan, schedule_publish

logger = logging.getLogger(__name__)


def demo_schedule_write(*, today: dt.date) -> int:
    """Publish a schedule for the week of ``today`` and for the week after (an agent's page
    shows both); returns the current week's agent lines. A week that already has a schedule,
    or whose plan cannot be made (no history), is left alone."""
    this_monday = today - dt.timedelta(days=today.weekday())
    lines = 0
    for monday in (this_monday, this_monday + dt.timedelta(days=7)):
        if Schedule.objects.filter(week_start=monday).exists():
            continue
        try:
            schedule = schedule_draft_from_plan(week=monday)
        except ApplicationError as error:
            logger.warning("setup.demo_schedule_skipped", extra={"code": str(error.code)})
            continue
        published = schedule_publish(schedule=schedule)
        if monday == this_monday:
            lines = published.agent_lines
    return lines
