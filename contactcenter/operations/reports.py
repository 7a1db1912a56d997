"""Reports over the interval facts: any range of the agency's days, by interval, day, week or
month, and by queue, channel, language, agent or office (or all together), as rows a page, a
CSV file and an XLSX workbook all show alike.

One aggregate query over the facts whatever the range: rows by interval read
``IntervalFacts`` (up to a month of them); rows by day, week or month read ``DailyFacts``, the
same counts the fold sums per agency day as it goes, so a year by day for every queue reads a
few thousand rows, never the intervals or the contacts. Service level is each queue's own
formula when the rows are by queue; rows that mix queues (by channel, language, or all
together) use the default formula, ``abandons_penalised`` (answered within the threshold over
all answered and abandoned), each contact still judged by its own queue's threshold when it
was counted.

Rows by agent by day, week or month read ``AgentDailyFacts`` (contacts and time by presence
per agency day) in one aggregate query; by interval, ``AgentContactFacts`` and
``AgentStateFacts`` in two. Rows by office read ``OfficeFacts``, kept per agency day (office
work is not cut into intervals). Each adds one lookup of the agents' or offices' names.
Figures that mean nothing for a grouping (service level by agent, handle time by office) are
not in its rows: ``counts`` is None on agent and office rows, ``agent`` and ``office`` on the
others.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from contactcenter.core.errors import InvalidInput
from contactcenter.offices.models import Office
from contactcenter.operations.intervals import agency_zone, local_day_bounds
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentContactFacts,
    AgentDailyFacts,
    AgentStateFacts,
    DailyFacts,
    IntervalFacts,
    OfficeFacts,
)
from contactcenter.operations.service_level import (
    Counts,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    occupancy,
    percent,
    service_level,
    utilisation,
)
from contactcenter.routing.models import Agent, Presence, Queue

GRAINS = ("interval", "day", "week", "month")
DIMENSIONS = ("all", "queue", "channel", "language", "agent", "office")
# Interval rows are for looking closely at a few days; longer ranges go by day or more.
MAX_DAYS = {"interval": 31, "day": 400, "week": 800, "month": 3700}
# By agent, an interval has a row per agent signed in: a week of them is already thousands.
MAX_AGENT_INTERVAL_DAYS = 7
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
            raise InvalidInput(_("Choose all, queue, channel, language, agent or office."))
        days = (last_day - first_day).days + 1
        if days > MAX_DAYS[str(grain)]:
            raise InvalidInput(
                _("A report by %(grain)s covers at most %(days)s days; choose a shorter range.")
                % {"grain": grain, "days": MAX_DAYS[str(grain)]}
            )
        if grain == "interval" and by == "office":
            raise InvalidInput(
                _("Office work is counted by day: choose one row per day, week or month.")
            )
        if grain == "interval" and by == "agent" and days > MAX_AGENT_INTERVAL_DAYS:
            raise InvalidInput(
                _(
                    "A report by interval and agent covers at most %(days)s days; choose a "
                    "shorter range or one row per day."
                )
                % {"days": MAX_AGENT_INTERVAL_DAYS}
            )
        return cls(first=first_day, last=last_day, grain=str(grain), by=str(by))


_AGENT_SUMMED = ("answered", "handled", "talk_ms", "after_contact_ms", "transferred_out")
_AGENT_DAY_SUMMED = (*_AGENT_SUMMED, "available_ms", "busy_ms", "wrap_up_ms", "away_ms")
_OFFICE_SUMMED = (
    "received", "transferred_in", "transferred_out", "resolved", "resolved_timed", "resolve_ms",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AgentFigures:
    """One agent's contacts and time by presence over a period (milliseconds)."""

    answered: int = 0
    handled: int = 0
    talk_ms: int = 0
    after_contact_ms: int = 0
    transferred_out: int = 0
    available_ms: int = 0
    busy_ms: int = 0
    wrap_up_ms: int = 0
    away_ms: int = 0

    @property
    def average_handle_time(self) -> Decimal | None:
        return average_handle_time(
            Counts(handled=self.handled, talk_ms=self.talk_ms,
                   after_contact_ms=self.after_contact_ms)
        )  # fmt: skip

    @property
    def occupancy(self) -> Fraction | None:
        return occupancy(
            on_contact_ms=self.busy_ms + self.wrap_up_ms, available_ms=self.available_ms
        )

    @property
    def utilisation(self) -> Fraction | None:
        return utilisation(
            on_contact_ms=self.busy_ms + self.wrap_up_ms,
            signed_in_ms=self.available_ms + self.busy_ms + self.wrap_up_ms + self.away_ms,
        )


@dataclass(frozen=True, slots=True)
class OfficeFigures:
    """One office's requests over a period."""

    received: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    resolved: int = 0
    resolved_timed: int = 0
    resolve_ms: int = 0

    @property
    def average_time_to_resolve(self) -> Decimal | None:
        """Seconds from receipt to resolution per resolved request whose receipt is known."""
        if self.resolved_timed <= 0:
            return None
        return (Decimal(self.resolve_ms) / 1000 / self.resolved_timed).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def average_hours_to_resolve(self) -> Decimal | None:
        seconds = self.average_time_to_resolve
        if seconds is None:
            return None
        return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ReportRow:
    period: dt.datetime  # the period's start, in the agency's time zone
    # The queue's code, the channel, the language, the agent's user name or the office's code
    # ("" for all).
    key: str
    label: str
    # Contacts' counts and figures: None on rows by agent or office.
    counts: Counts | None = None
    transferred: int | None = None
    self_served: int | None = None
    started: int | None = None
    service_level: Fraction | None = None
    threshold_seconds: int | None = None
    abandonment_rate: Fraction | None = None
    average_speed_of_answer: Decimal | None = None
    average_handle_time: Decimal | None = None
    agent: AgentFigures | None = None
    office: OfficeFigures | None = None

    @property
    def service_level_percent(self) -> Decimal | None:
        return percent(self.service_level)

    @property
    def abandonment_percent(self) -> Decimal | None:
        return percent(self.abandonment_rate)


def _day_period(grain: str) -> Any:
    """A day's row's period: the day itself, or the week or month it starts."""
    return {"day": F("day"), "week": TruncWeek("day"), "month": TruncMonth("day")}[grain]


def _period_start(value: dt.date | dt.datetime, zone) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # a day, week or month: from its midnight
        value = dt.datetime.combine(value, dt.time(0), tzinfo=zone)
    return value.astimezone(zone)


def _agent_name(agent: Agent) -> tuple[str, str]:
    user = agent.user
    return user.get_username(), (user.get_full_name() or user.get_username())


def _agent_sums_by_day(spec: ReportSpec) -> dict[tuple[Any, int], dict[str, int]]:
    """Days, weeks or months per agent: one aggregate query over ``AgentDailyFacts``."""
    rows = (
        AgentDailyFacts.objects.filter(day__gte=spec.first, day__lte=spec.last)
        .annotate(period=_day_period(spec.grain))
        .values("period", "agent_id")
        .annotate(**{name: Coalesce(Sum(name), 0) for name in _AGENT_DAY_SUMMED})
        .order_by()
    )
    return {
        (row["period"], row["agent_id"]): {
            name: int(row[name])  # type: ignore[literal-required]
            for name in _AGENT_DAY_SUMMED
        }
        for row in rows
    }


def _agent_sums_by_interval(
    begin: dt.datetime, end: dt.datetime
) -> dict[tuple[Any, int], dict[str, int]]:
    """Intervals per agent: contacts and time by state, one aggregate query each."""
    contacts = (
        AgentContactFacts.objects.filter(interval_start__gte=begin, interval_start__lt=end)
        .values("interval_start", "agent_id")
        .annotate(**{name: Coalesce(Sum(name), 0) for name in _AGENT_SUMMED})
        .order_by()
    )
    states = (
        AgentStateFacts.objects.filter(interval_start__gte=begin, interval_start__lt=end)
        .values("interval_start", "agent_id", "presence")
        .annotate(total=Coalesce(Sum("milliseconds"), 0))
        .order_by()
    )
    sums: dict[tuple[Any, int], dict[str, int]] = {}
    for row in contacts:
        into = sums.setdefault((row["interval_start"], row["agent_id"]), {})
        into.update({name: int(row[name]) for name in _AGENT_SUMMED})  # type: ignore[literal-required]
    state_field: dict[str, str] = {
        Presence.AVAILABLE: "available_ms", Presence.BUSY: "busy_ms",
        Presence.WRAP_UP: "wrap_up_ms", Presence.AWAY: "away_ms",
    }  # fmt: skip
    for row in states:
        name = state_field.get(row["presence"])
        if name is not None:
            into = sums.setdefault((row["interval_start"], row["agent_id"]), {})
            into[name] = into.get(name, 0) + int(row["total"])
    return sums


def _agent_rows(spec: ReportSpec, begin: dt.datetime, end: dt.datetime, zone) -> list[ReportRow]:
    """One row per period and agent who answered, handled or was signed in during it."""
    if spec.grain == "interval":
        sums = _agent_sums_by_interval(begin, end)
    else:
        sums = _agent_sums_by_day(spec)
    ids = {agent_id for _start, agent_id in sums}
    names = {
        agent.pk: _agent_name(agent)
        for agent in Agent.objects.filter(pk__in=ids).select_related("user")
    }
    result = [
        ReportRow(
            period=_period_start(start, zone),
            key=names.get(agent_id, (str(agent_id), ""))[0],
            label=names.get(agent_id, ("", str(agent_id)))[1],
            agent=AgentFigures(**figures),
        )
        for (start, agent_id), figures in sums.items()
    ]
    result.sort(key=lambda row: (row.period, row.label.casefold(), row.key))
    return result


def _office_rows(spec: ReportSpec, zone, language: str) -> list[ReportRow]:
    """One row per period and office that received, passed on or resolved a request in it."""
    rows = (
        OfficeFacts.objects.filter(day__gte=spec.first, day__lte=spec.last)
        .annotate(period=_day_period(spec.grain))
        .values("period", "office_id")
        .annotate(**{name: Coalesce(Sum(name), 0) for name in _OFFICE_SUMMED})
        .order_by()
    )
    sums = {
        (row["period"], row["office_id"]): {
            name: int(row[name])  # type: ignore[literal-required]
            for name in _OFFICE_SUMMED
        }
        for row in rows
    }
    offices = {
        office.pk: office for office in Office.objects.filter(pk__in={key[1] for key in sums})
    }
    result = []
    for (start, office_id), figures in sums.items():
        office = offices.get(office_id)
        result.append(
            ReportRow(
                period=_period_start(start, zone),
                key=office.code if office is not None else str(office_id),
                label=office.name(language) if office is not None else str(office_id),
                office=OfficeFigures(**figures),
            )
        )
    result.sort(key=lambda row: (row.period, row.key))
    return result


def report_rows(spec: ReportSpec, *, language: str = "en") -> list[ReportRow]:
    """The report's rows, oldest period first, then by queue, channel, language, agent's name
    or office code."""
    zone = agency_zone()
    if spec.by == "agent":
        begin, end = local_day_bounds(spec.first, spec.last, zone=zone)
        return _agent_rows(spec, begin, end, zone)
    if spec.by == "office":
        return _office_rows(spec, zone, language)
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


def _columns(spec: ReportSpec) -> list[str]:
    if spec.by == "agent":
        return [
            _("Period start"), _("Agent"), _("Name"), pgettext("report column", "Answered"),
            _("Handled"), _("Transferred out"), _("Average handle time (seconds)"),
            _("Occupancy (%)"), _("Utilisation (%)"), _("Available (minutes)"),
            _("On a contact (minutes)"), _("After-contact work (minutes)"), _("Away (minutes)"),
        ]  # fmt: skip
    if spec.by == "office":
        return [
            _("Period start"), _("Office"), _("Name"), pgettext("report column", "Received"),
            _("From another office"), _("Sent to another office"),
            pgettext("report column", "Resolved"),
            _("Average time to resolve (hours)"),
        ]  # fmt: skip
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


def _minutes(milliseconds: int) -> Decimal:
    return (Decimal(milliseconds) / 60_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _values(row: ReportRow, grain: str) -> list[object]:
    if row.agent is not None:
        agent = row.agent
        return [
            _period_text(row, grain), row.key, row.label, agent.answered, agent.handled,
            agent.transferred_out, agent.average_handle_time, percent(agent.occupancy),
            percent(agent.utilisation), _minutes(agent.available_ms), _minutes(agent.busy_ms),
            _minutes(agent.wrap_up_ms), _minutes(agent.away_ms),
        ]  # fmt: skip
    if row.office is not None:
        office = row.office
        return [
            _period_text(row, grain), row.key, row.label, office.received, office.transferred_in,
            office.transferred_out, office.resolved, office.average_hours_to_resolve,
        ]  # fmt: skip
    counts = row.counts
    assert counts is not None
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
    writer.writerow(_columns(spec))
    for row in rows:
        writer.writerow(["" if value is None else value for value in _values(row, spec.grain)])
    return out.getvalue()


def report_xlsx(rows: Sequence[ReportRow], spec: ReportSpec) -> bytes:
    """The rows as an XLSX workbook (openpyxl): one sheet, numbers stored as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")
    sheet.append(_columns(spec))
    for row in rows:
        sheet.append(
            [float(value) if isinstance(value, Decimal) else value
             for value in _values(row, spec.grain)]
        )  # fmt: skip
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
