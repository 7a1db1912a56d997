"""Reports emailed on a schedule: a supervisor asks for a report (yesterday, the last 7 days or
last month) to reach their own address every day at a set time of the agency's day, as a CSV or
XLSX file.

``report_schedules_send_due`` (the ``operations.send_reports`` periodic job, every minute) sends
each schedule once per agency day, at or after its time: the schedule's row is locked while its
mail goes (``SKIP LOCKED``, so two workers never send the same one) and marked sent in the same
transaction only after the mail server took it; a failed send is tried again on the next run.
The file holds counts only, never a person's data.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.operations.intervals import agency_zone
from contactcenter.operations.models import ReportPeriod, ReportSchedule
from contactcenter.operations.reports import (
    ReportSpec,
    report_csv,
    report_rows,
    report_xlsx,
)

logger = logging.getLogger(__name__)

SCHEDULES_PER_PERSON_MAX = 10
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_period_days(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The agency days a scheduled report covers, seen from ``today``."""
    if period == ReportPeriod.YESTERDAY:
        day = today - dt.timedelta(days=1)
        return day, day
    if period == ReportPeriod.LAST_7_DAYS:
        return today - dt.timedelta(days=7), today - dt.timedelta(days=1)
    if period == ReportPeriod.LAST_MONTH:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    raise InvalidInput(_("Choose yesterday, the last 7 days or last month."))


def report_schedule_add(
    *, user, period: str, send_at: dt.time, grain: str = "day", by: str = "all",
    file_format: str = "csv", language: str = "en",
) -> ReportSchedule:  # fmt: skip
    """A new daily report for ``user``'s own address; anything wrong is refused and nothing
    is kept."""
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        raise InvalidInput(_("Your staff account has no email address to send the report to."))
    if period not in ReportPeriod.values:
        raise InvalidInput(_("Choose yesterday, the last 7 days or last month."))
    if file_format not in ("csv", "xlsx"):
        raise InvalidInput(_("Choose CSV or XLSX."))
    first, last = report_period_days(period, timezone.localdate())
    ReportSpec.parse(first=first.isoformat(), last=last.isoformat(), grain=grain, by=by)
    if ReportSchedule.objects.filter(created_by=user, active=True).count() >= (
        SCHEDULES_PER_PERSON_MAX
    ):
        raise InvalidInput(_("You have 10 scheduled reports already; remove one first."))
    return ReportSchedule.objects.create(
        created_by=user, email=email, period=period, grain=grain, by=by,
        file_format=file_format, send_at=send_at,
        language=language if language in ("en", "es") else "en",
    )  # fmt: skip


def report_schedule_remove(*, user, schedule_id: int) -> None:
    """Stop one of ``user``'s own scheduled reports (someone else's is not found)."""
    changed = ReportSchedule.objects.filter(pk=schedule_id, created_by=user, active=True).update(
        active=False
    )
    if not changed:
        raise NotFound(_("That scheduled report was not found."))


def _attachment(schedule: ReportSchedule, today: dt.date) -> tuple[str, bytes | str, str]:
    first, last = report_period_days(schedule.period, today)
    spec = ReportSpec.parse(
        first=first.isoformat(), last=last.isoformat(), grain=schedule.grain, by=schedule.by
    )
    rows = report_rows(spec, language=schedule.language)
    name = f"contact-center-{first.isoformat()}-{last.isoformat()}-{spec.grain}-{spec.by}"
    if schedule.file_format == "xlsx":
        return f"{name}.xlsx", report_xlsx(rows, spec), XLSX_TYPE
    return f"{name}.csv", report_csv(rows, spec), "text/csv"


def report_schedules_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every schedule due today that has not gone yet; returns how many went."""
    now = now or timezone.now()
    local = now.astimezone(agency_zone())
    today = local.date()
    due = ReportSchedule.objects.filter(active=True, send_at__lte=local.time()).exclude(
        last_sent_on__gte=today
    )
    sent = 0
    for schedule_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            schedule = (
                ReportSchedule.objects.select_for_update(skip_locked=True)
                .filter(pk=schedule_id, active=True)
                .exclude(last_sent_on__gte=today)
                .first()
            )
            if schedule is None:  # another worker has it, or it went meanwhile
                continue
            with translation.override(schedule.language):
                filename, content, mimetype = _attachment(schedule, today)
                message = EmailMessage(
                    subject=_("Contact center report: %(file)s") % {"file": filename},
                    body=_(
                        "The report you scheduled is attached. It holds counts only. To stop "
                        "it, remove it on the Reports page of the staff site."
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[schedule.email],
                    headers={"Auto-Submitted": "auto-generated"},
                )
                message.attach(filename, content, mimetype)
            try:
                message.send(fail_silently=False)
            except Exception as error:  # the mail server refused or is away: next run retries
                logger.warning(
                    "operations.report_send_failed",
                    extra={"schedule_id": schedule.pk, "error": type(error).__name__},
                )
                continue
            schedule.last_sent_on = today
            schedule.save(update_fields=["last_sent_on"])
            sent += 1
    if sent:
        logger.info("operations.reports_sent", extra={"sent": sent})
    return sent
