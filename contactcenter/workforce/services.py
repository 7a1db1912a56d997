"""Workforce planning's writes: a schedule stored as a draft, then published to the agents."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.workforce.errors import ScheduleRefused
from contactcenter.workforce.models import (
    Schedule,
    ScheduledShift,
    ScheduleInterval,
    ScheduleStatus,
)
from contactcenter.workforce.plan import plan_make
from contactcenter.workforce.schedule import (
    ScheduleResult,
    requirement_from_plan,
    schedule_make,
)
from contactcenter.workforce.selectors import schedulable_agents
from contactcenter.workforce.shifts import patterns_load

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def schedule_save(*, result: ScheduleResult, created_by: User | None = None) -> Schedule:
    """Store a schedule made by ``schedule.schedule_make`` as a draft: the schedule, one row
    per shift and one per interval, all or nothing. A relaxation (fractional agents) is not a
    schedule and is refused."""
    if result.relaxed:
        raise ScheduleRefused(_("A linear relaxation has no shifts to store."))
    with transaction.atomic():
        schedule = Schedule.objects.create(
            week_start=result.requirement.monday,
            interval_minutes=result.requirement.minutes,
            created_by=created_by,
            absence=result.absence,
            agent_lines=len(result.lines),
            paid_hours=result.paid_hours,
            required_hours=result.required_hours,
            short_hours=result.short_hours,
            over_hours=result.over_hours,
        )
        ScheduledShift.objects.bulk_create(
            [
                ScheduledShift(
                    schedule=schedule,
                    agent_id=line.agent_id,
                    line_label=line.label,
                    pattern=line.pattern.code,
                    day=shift.day,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    breaks=[
                        {
                            "start": placed.start.isoformat(),
                            "end": placed.end.isoformat(),
                            "paid": placed.paid,
                        }
                        for placed in shift.breaks
                    ],
                )
                for line in result.lines
                for shift in line.shifts
            ],
            batch_size=1000,
        )
        ScheduleInterval.objects.bulk_create(
            [
                ScheduleInterval(
                    schedule=schedule,
                    start=row.start,
                    required=row.required,
                    scheduled=row.scheduled,
                )
                for row in result.intervals
            ],
            batch_size=1000,
        )
    logger.info(
        "workforce.schedule_saved",
        extra={"schedule_id": schedule.pk, "week_start": str(schedule.week_start)},
    )
    return schedule


def schedule_publish(*, schedule: Schedule) -> Schedule:
    """Make a draft the week's published schedule; the one published before it, if any, is
    superseded. Only a draft can be published (``ScheduleRefused`` otherwise)."""
    with transaction.atomic():
        locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
        if locked.status != ScheduleStatus.DRAFT:
            raise ScheduleRefused(
                _("Schedule %(id)s is %(status)s; only a draft can be published.")
                % {"id": locked.pk, "status": locked.get_status_display()}
            )
        Schedule.objects.filter(
            week_start=locked.week_start, status=ScheduleStatus.PUBLISHED
        ).update(status=ScheduleStatus.SUPERSEDED)
        locked.status = ScheduleStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    logger.info(
        "workforce.schedule_published",
        extra={"schedule_id": locked.pk, "week_start": str(locked.week_start)},
    )
    return locked


def schedule_draft_from_plan(*, week: dt.date, created_by: User | None = None) -> Schedule:
    """What ``contactcenter schedule --week W --all --assign-agents --save`` does: the plan for
    every queue with history, scheduled on the shipped patterns with the default absence and
    time limit, the lines handed to routing's agents by username, stored as a draft. ``week``
    is any day of the week. The plan's and the solver's refusals (no history, ...) pass
    through as ``ApplicationError`` before anything is stored."""
    monday = week - dt.timedelta(days=week.weekday())
    run = plan_make(queue_codes=None, day=monday)
    result = schedule_make(
        requirement=requirement_from_plan(run),
        patterns=patterns_load(),
        agents=schedulable_agents(),
    )
    return schedule_save(result=result, created_by=created_by)
