"""Periodic jobs (offer time-outs, SLA checks, reminders) run by the worker on a schedule.

Each job has a row in ``PeriodicJobRun``; a worker takes a due row with
``SELECT ... FOR UPDATE SKIP LOCKED``, runs the job and moves ``next_run_at`` on, so with
several workers each job still runs once per interval, and a worker that dies mid-run only
delays the job until another worker picks it up.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from contactcenter.core.db_outage import DATABASE_ERRORS
from contactcenter.core.models import PeriodicJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    run: Callable[[], object]


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic_register(name: str, *, every: dt.timedelta, run: Callable[[], object]) -> None:
    _REGISTRY[name] = PeriodicJob(name=name, every=every, run=run)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_REGISTRY.values())


def periodic_run_due(*, now: dt.datetime | None = None) -> list[str]:
    """Run every registered job that is due; return the names run.

    A lost database connection is not the job's failure and cannot be recorded anyway: it is
    raised for the worker to wait out (``core.db_outage``), and the job stays due."""
    now = now or timezone.now()
    ran: list[str] = []
    for job in periodic_jobs():
        PeriodicJobRun.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        with transaction.atomic():
            row = (
                PeriodicJobRun.objects.select_for_update(skip_locked=True)
                .filter(name=job.name, next_run_at__lte=now)
                .first()
            )
            if row is None:
                continue
            row.last_started_at = now
            try:
                with transaction.atomic():
                    job.run()
            except DATABASE_ERRORS:
                raise
            except Exception:  # one failing job must not stop the others; it is recorded
                row.last_error = traceback.format_exc(limit=5)[-4000:]
                logger.exception("periodic.failed", extra={"job": job.name})
            else:
                row.last_error = ""
            row.runs += 1
            row.last_finished_at = timezone.now()
            row.next_run_at = now + job.every
            row.save()
            ran.append(job.name)
    return ran
