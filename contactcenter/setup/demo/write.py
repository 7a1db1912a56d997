"""Writing a plan: all of it in one transaction, or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from contactcenter.setup.demo.build import demo_plan_problems
from contactcenter.setup.demo.cases import cases_write
from contactcenter.setup.demo.closures import closures_write
from contactcenter.setup.demo.operations import (
    agent_office_history_write,
    operations_history_write,
)
from contactcenter.setup.demo.outreach import outreach_events_write
from contactcenter.setup.demo.people import people_write
from contactcenter.setup.demo.plan import DemoPlan
from contactcenter.setup.demo.processing_times import processing_times_write
from contactcenter.setup.demo.replies import canned_replies_write
from contactcenter.setup.demo.schedule import demo_schedule_write
from contactcenter.setup.demo.staff import staff_users_write
from contactcenter.setup.demo.work import live_work_write

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedSummary:
    cases: int
    people: int
    events: int
    processing_times: int
    representatives: int
    closures: int
    staff: int
    canned_replies: int = 0
    intervals: int = 0
    schedule_lines: int = 0
    outreach_events: int = 0
    accounts: int = 0
    service_requests: int = 0
    appointment_requests: int = 0
    callbacks: int = 0
    threads: int = 0


@transaction.atomic
def demo_plan_write(
    *, plan: DemoPlan, progress: Callable[[int], object] | None = None
) -> SeedSummary:
    """Write a consistent plan; the reference data must already be loaded.

    All or nothing: a failure half-way leaves the database as it was.
    """
    problems = demo_plan_problems(plan)
    if problems:
        raise ValueError("the demo plan is inconsistent: " + "; ".join(problems[:5]))
    processing_times = processing_times_write(plan=plan)
    people, representatives = people_write(plan=plan)
    events = cases_write(
        plan=plan, people=people, representatives=representatives, progress=progress
    )
    closures = closures_write(plan=plan)
    staff = staff_users_write(staff=plan.staff)
    canned_replies = canned_replies_write(replies=plan.canned_replies)
    intervals = operations_history_write(today=plan.today, seed=plan.seed)
    intervals += agent_office_history_write(today=plan.today, seed=plan.seed)
    schedule_lines = demo_schedule_write(today=plan.today)
    outreach_events = outreach_events_write(plan=plan)
    work = live_work_write(plan=plan)
    summary = SeedSummary(
        cases=len(plan.cases),
        people=len(people),
        events=events,
        processing_times=processing_times,
        representatives=len(representatives),
        closures=closures,
        staff=staff,
        canned_replies=canned_replies,
        intervals=intervals,
        schedule_lines=schedule_lines,
        outreach_events=outreach_events,
        **work,
    )
    logger.info("setup.demo_seeded", extra={"cases": summary.cases, "seed": plan.seed})
    return summary
