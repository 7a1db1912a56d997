"""Reports over the interval facts: any range of the agency's days, by interval, day, week or
month, and by queue, channel or language (or all together), as rows a page, a CSV file and an
XLSX workbook all show alike.

One aggregate query over the facts whatever the range: rows by interval read
``IntervalFacts`` (up to a month of them); rows by day, week or month read ``DailyFacts``, the
same counts the fold sums per agency day as it goes, so a year by day for every queue reads a
few thousand rows, never the intervals or the contacts. Service level is each queue's own
formula when the rows are by queue; rows that mix queues (by channel, language, or all
together) use the default formula, ``abandons_penalised`` (answered within the threshold over
all answered and abandoned), each contact still judged by its own queue's threshold when it
was counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from contactcenter.core.errors import InvalidInput
from contactcenter.operations.intervals import agency_zone, local_day_bounds
from contactcenter.operations.models import NO_QUEUE, DailyFacts, IntervalFacts
from contactcenter.operations.service_level import (
    Counts,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    percent,
    service_level,
)
from contactcenter.routing.models import Queue

GRAINS = ("interval", "day", "week", "month")
DIMENSIONS = ("all", "queue", "channel", "language")
# Interval rows are for looking closely at a few days; longer ranges go by day or more.
MAX_DAYS = {"interval": 31, "day": 400, "week": 800, "month": 3700}
CROSS_QUEUE_FORMULA = "abandons_penalised"

_SUMMED = (
    "queued", "answered", "answered_within", "abandoned", "abandoned_within", "abandoned_short",
    "callbacks_requested", "callbacks_within", "handled", "wait_answered_ms", "talk_ms",
    "after_contact_ms",
)  # fmt: skip
_EXTRA = ("transferred", "self_served", "started")


@dataclass(frozen=True, slots=True)
class ReportSpec:
    first: dt.date
    last: dt.date
    grain: str = "day"
    by: str = "all"

    @classmethod
    def parse(cls, *, first: object, last: object, grain: object = "day", by: object = "all"):
        """A report's choices from a form or a query string; anything wrong is refused with
        the reason, and nothing is read."""
        try:
            first_day = dt.date.fromisoformat(str(first))
            last_day = dt.date.fromisoformat(str(last))
        except ValueError:
            raise InvalidInput(_("Give the first and last day as YYYY-MM-DD.")) from None
        if last_day < first_day:
            raise InvalidInput(_("The last day comes before the first."))
        if grain not in GRAINS:
            raise InvalidInput(_("Choose interval, day, week or month."))
        if by not in DIMENSIONS:
            raise InvalidInput(_("Choose all, queue, channel or language."))
        days = (last_day - first_day).days + 1
        if days > MAX_DAYS[str(grain)]:
            raise InvalidInput(
                _("A report by %(grain)s covers at most %(days)s days; choose a shorter range.")
                % {"grain": grain, "days": MAX_DAYS[str(grain)]}
            )
        return cls(first=first_day, last=last_day, grain=str(grain), by=str(by))


@dataclass(frozen=True, slots=True)
class ReportRow:
    period: dt.datetime  # the period's start, in the agency's time zone
    key: str  # the queue's code, the channel or the language ("" for all)
    label: str
    counts: Counts
    transferred: int
    self_served: int
    started: int
    service_level: Fraction | None
    threshold_seconds: int | None
    abandonment_rate: Fraction | None
    average_speed_of_answer: Decimal | None
    average_handle_time: Decimal | None

    @property
    def service_level_percent(self) -> Decimal | None:
        return percent(self.service_level)

    @property
    def abandonment_percent(self) -> Decimal | None:
        return percent(self.abandonment_rate)


def report_rows(spec: ReportSpec, *, language: str = "en") -> list[ReportRow]:
    """The report's rows, oldest period first, then by queue, channel or language."""
    zone = agency_zone()
    facts: QuerySet[IntervalFacts] | QuerySet[DailyFacts]
    if spec.grain == "interval":
        begin, end = local_day_bounds(spec.first, spec.last, zone=zone)
        facts = IntervalFacts.objects.filter(interval_start__gte=begin, interval_start__lt=end)
        period: Any = F("interval_start")
    else:
        facts = DailyFacts.objects.filter(day__gte=spec.first, day__lte=spec.last)
        period = {"day": F("day"), "week": TruncWeek("day"), "month": TruncMonth("day")}[spec.grain]
    group = ["period"]
    if spec.by == "queue":
        facts = facts.exclude(queue_id=NO_QUEUE)
        group.append("queue_id")
    elif spec.by in ("channel", "language"):
        group.append(spec.by)
    rows = (
        facts.annotate(period=period)
        .values(*group)
        .annotate(**{name: Sum(name) for name in (*_SUMMED, *_EXTRA)})
        .order_by(*group)
    )
    queues = {queue.pk: queue for queue in Queue.objects.all()} if spec.by == "queue" else {}
    result = []
    for row in rows:
        counts = Counts(**{name: int(row[name] or 0) for name in _SUMMED})
        queue = queues.get(row.get("queue_id")) if spec.by == "queue" else None
        if queue is not None:
            key, label = queue.code, queue.name_es if language == "es" else queue.name_en
            level = service_level(
                counts, queue.service_level_formula,
                counts_flow_outs=queue.service_level_counts_flow_outs,
                ignores_short_abandons=queue.service_level_ignores_short_abandons,
            )  # fmt: skip
            threshold: int | None = queue.service_level_seconds
        else:
            if spec.by == "queue":  # a queue removed since: its counts still add up
                key = label = str(row.get("queue_id"))
            else:
                key = str(row.get(spec.by, "")) if spec.by != "all" else ""
                label = key or _("All contacts")
            level = service_level(counts, CROSS_QUEUE_FORMULA)
            threshold = None
        start = row["period"]
        if not isinstance(start, dt.datetime):  # a day, week or month: from its midnight
            start = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
        result.append(
            ReportRow(
                period=start.astimezone(zone),
                key=key,
                label=label,
                counts=counts,
                transferred=int(row["transferred"] or 0),
                self_served=int(row["self_served"] or 0),
                started=int(row["started"] or 0),
                service_level=level,
                threshold_seconds=threshold,
                abandonment_rate=abandonment_rate(counts),
                average_speed_of_answer=average_speed_of_answer(counts),
                average_handle_time=average_handle_time(counts),
            )
        )
    return result


# --- Files: the same columns in CSV and XLSX --------------------------------------------------


def _columns() -> list[str]:
    return [
        _("Period start"), _("Group"), _("Contacts started"), _("Self-served"), _("Queued"),
        pgettext("report column", "Answered"), _("Answered within threshold"), _("Abandoned"),
        _("Abandoned within threshold"), _("Short abandons"), _("Callbacks requested"),
        pgettext("report column", "Transferred"), _("Handled"), _("Service level (%)"),
        _("Threshold (seconds)"), _("Abandonment rate (%)"), _("Average speed of answer (seconds)"),
        _("Average handle time (seconds)"),
    ]  # fmt: skip


def _period_text(row: ReportRow, grain: str) -> str:
    if grain == "interval":
        return row.period.strftime("%Y-%m-%d %H:%M %z")
    return row.period.date().isoformat()


def _values(row: ReportRow, grain: str) -> list[object]:
    counts = row.counts
    return [
        _period_text(row, grain), row.label, row.started, row.self_served, counts.queued,
        counts.answered, counts.answered_within, counts.abandoned, counts.abandoned_within,
        counts.abandoned_short, counts.callbacks_requested, row.transferred, counts.handled,
        percent(row.service_level), row.threshold_seconds, percent(row.abandonment_rate),
        row.average_speed_of_answer, row.average_handle_time,
    ]  # fmt: skip


def report_csv(rows: Sequence[ReportRow], spec: ReportSpec) -> str:
    """The rows as CSV (UTF-8 text, a header row, empty cells where a figure has nothing to
    divide by)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_columns())
    for row in rows:
        writer.writerow(["" if value is None else value for value in _values(row, spec.grain)])
    return out.getvalue()


def report_xlsx(rows: Sequence[ReportRow], spec: ReportSpec) -> bytes:
    """The rows as an XLSX workbook (openpyxl): one sheet, numbers stored as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")
    sheet.append(_columns())
    for row in rows:
        sheet.append(
            [float(value) if isinstance(value, Decimal) else value
             for value in _values(row, spec.grain)]
        )  # fmt: skip
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
