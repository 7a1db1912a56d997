"""Workforce planning's reads of the interval facts: offered volume and abandons per queue.

The facts hold counts only, never a person's data, so these reads cross no permission line and
write no disclosure. The forecasts read history only through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum

from contactcenter.operations.models import NO_QUEUE, IntervalFacts
from contactcenter.routing.models import Agent, Queue
from contactcenter.workforce.history import HistoryPoint
from contactcenter.workforce.models import (
    Schedule,
    ScheduledShift,
    ScheduleInterval,
    ScheduleStatus,
)
from contactcenter.workforce.schedule_csv import ShiftBreak, ShiftRow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class AbandonSums:
    """One queue's contacts placed in the queue, those who left, and every one's wait."""

    queued: int
    abandoned: int
    wait_ms: int


def queue_codes_by_id() -> dict[int, str]:
    """Every queue, retired ones included (their history still counts)."""
    return dict(Queue.objects.values_list("id", "code"))


def offered_history(
    *, begin: dt.datetime, end: dt.datetime, queue_codes: Sequence[str] | None = None
) -> list[HistoryPoint]:
    """Contacts placed in a queue per interval in [begin, end): the facts' ``queued``."""
    codes = queue_codes_by_id()
    rows = IntervalFacts.objects.filter(
        interval_start__gte=begin, interval_start__lt=end, queued__gt=0
    ).exclude(queue_id=NO_QUEUE)
    if queue_codes is not None:
        wanted = set(queue_codes)
        rows = rows.filter(queue_id__in=[qid for qid, code in codes.items() if code in wanted])
    return [
        HistoryPoint(start, codes[queue_id], channel, language, float(queued))
        for start, queue_id, channel, language, queued in rows.values_list(
            "interval_start", "queue_id", "channel", "language", "queued"
        ).order_by("interval_start")
        if queue_id in codes
    ]


def abandon_sums(
    *, begin: dt.datetime, end: dt.datetime, queue_codes: Sequence[str]
) -> dict[str, AbandonSums]:
    """Per queue code, over [begin, end): queued, abandoned and the wait of all queued."""
    codes = queue_codes_by_id()
    ids = [qid for qid, code in codes.items() if code in set(queue_codes)]
    sums = (
        IntervalFacts.objects.filter(
            interval_start__gte=begin, interval_start__lt=end, queue_id__in=ids
        )
        .values("queue_id")
        .annotate(
            q=Sum("queued"),
            a=Sum("abandoned"),
            wa=Sum("wait_answered_ms"),
            wb=Sum("wait_abandoned_ms"),
        )
    )
    answer = {code: AbandonSums(0, 0, 0) for code in queue_codes}
    for row in sums:
        code = codes[row["queue_id"]]
        answer[code] = AbandonSums(
            queued=int(row["q"] or 0),
            abandoned=int(row["a"] or 0),
            wait_ms=int(row["wa"] or 0) + int(row["wb"] or 0),
        )
    return answer


def queue_live_hours_only() -> dict[str, bool]:
    return dict(Queue.objects.values_list("code", "live_hours_only"))


@dataclass(frozen=True)
class HandleSums:
    """Contacts an agent finished, and their talk plus after-contact time."""

    handled: int
    handle_ms: int


def handle_sums(
    *, begin: dt.datetime, end: dt.datetime, queue_codes: Sequence[str]
) -> dict[tuple[str, str], HandleSums]:
    """Per (queue code, channel), over [begin, end): handled and talk + after-contact time."""
    codes = queue_codes_by_id()
    ids = [qid for qid, code in codes.items() if code in set(queue_codes)]
    sums = (
        IntervalFacts.objects.filter(
            interval_start__gte=begin, interval_start__lt=end, queue_id__in=ids, handled__gt=0
        )
        .values("queue_id", "channel")
        .annotate(h=Sum("handled"), t=Sum("talk_ms"), w=Sum("after_contact_ms"))
    )
    return {
        (codes[row["queue_id"]], row["channel"]): HandleSums(
            handled=int(row["h"] or 0), handle_ms=int(row["t"] or 0) + int(row["w"] or 0)
        )
        for row in sums
    }


def queue_service_levels(*, queue_codes: Sequence[str]) -> dict[str, tuple[float, int]]:
    """Per queue code known to routing: its service-level target (a share) and threshold
    (seconds). Queues not in routing (a history file's own codes) are left out."""
    return {
        code: (percent / 100, seconds)
        for code, percent, seconds in Queue.objects.filter(code__in=list(queue_codes)).values_list(
            "code", "service_level_target_percent", "service_level_seconds"
        )
    }


def arrivals_history(*, begin: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Contacts that reached the agency per interval in [begin, end), every queue, channel and
    language added up, self-service included (the facts' ``started``)."""
    return [
        (start, int(started or 0))
        for start, started in IntervalFacts.objects.filter(
            interval_start__gte=begin, interval_start__lt=end, started__gt=0
        )
        .values("interval_start")
        .annotate(started=Sum("started"))
        .values_list("interval_start", "started")
        .order_by("interval_start")
    ]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def schedule_latest(*, week: dt.date, published_only: bool = True) -> Schedule | None:
    """The week's published schedule (``week`` is any day of it); with ``published_only``
    off, the newest of any status. None when there is none."""
    rows = Schedule.objects.filter(week_start=_monday(week))
    if published_only:
        rows = rows.filter(status=ScheduleStatus.PUBLISHED)
    return rows.order_by("-created_at", "-pk").first()


def shifts_for_agent(*, user: AbstractBaseUser, week: dt.date) -> list[ScheduledShift]:
    """The agent's own shifts in the week's published schedule, in time order (none when
    nothing is published). Only the agent's own rows: no one else's shifts are read."""
    schedule = schedule_latest(week=week)
    if schedule is None:
        return []
    return list(
        ScheduledShift.objects.filter(schedule=schedule, agent_id=user.pk).order_by("starts_at")
    )


@dataclass(frozen=True)
class CoverageRow:
    start: dt.datetime
    required: int
    scheduled: float

    @property
    def short(self) -> float:
        return max(0.0, self.required - self.scheduled)

    @property
    def over(self) -> float:
        return max(0.0, self.scheduled - self.required)


def coverage_by_interval(*, schedule: Schedule) -> list[CoverageRow]:
    """Per interval of the schedule's week: agents required, on the floor, short and over."""
    return [
        CoverageRow(start, required, scheduled)
        for start, required, scheduled in ScheduleInterval.objects.filter(
            schedule=schedule
        ).values_list("start", "required", "scheduled")
    ]


def schedule_shown(*, week: dt.date, draft: bool = False) -> Schedule | None:
    """The schedule the planning page shows for the week: the published one, else the newest
    draft; with ``draft``, the newest draft even when one is published."""
    if not draft:
        published = schedule_latest(week=week)
        if published is not None:
            return published
    return (
        Schedule.objects.filter(week_start=_monday(week), status=ScheduleStatus.DRAFT)
        .order_by("-created_at", "-pk")
        .first()
    )


def schedule_newer_draft(*, schedule: Schedule) -> Schedule | None:
    """A draft of the same week made after ``schedule``, if any (to offer it on the page)."""
    return (
        Schedule.objects.filter(
            week_start=schedule.week_start, status=ScheduleStatus.DRAFT, pk__gt=schedule.pk
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def schedule_zone() -> ZoneInfo:
    """The clock schedules are made on: live help's (the business calendar's) time zone."""
    return ZoneInfo(settings.LIVE_HELP_TIME_ZONE)


def line_number(label: str) -> int:
    """``Line 12`` (or ``Línea 12``) → 12: lines are ordered by number, not as text."""
    digits = "".join(character for character in label if character.isdigit())
    return int(digits) if digits else 0


def shift_row(shift: ScheduledShift) -> ShiftRow:
    """A stored shift on the agency's clock, as the CSV writers and the pages take it."""
    zone = schedule_zone()
    return ShiftRow(
        agent=shift.agent.get_username() if shift.agent is not None else "",
        line=shift.line_label,
        pattern=shift.pattern,
        day=shift.day,
        start=shift.starts_at.astimezone(zone),
        end=shift.ends_at.astimezone(zone),
        breaks=tuple(
            ShiftBreak(
                dt.datetime.fromisoformat(placed["start"]).astimezone(zone),
                dt.datetime.fromisoformat(placed["end"]).astimezone(zone),
                bool(placed["paid"]),
            )
            for placed in shift.breaks
        ),
    )


def schedule_shift_rows(*, schedule: Schedule) -> list[ShiftRow]:
    """Every shift of a stored schedule, line by line (Line 1, 2, ... 10), each line's days in
    order: the rows of the shifts CSV and of the page's table per agent. Supervisors only."""
    shifts = ScheduledShift.objects.filter(schedule=schedule).select_related("agent")
    rows = [shift_row(shift) for shift in shifts]
    rows.sort(key=lambda row: (line_number(row.line), row.line, row.day))
    return rows


def coverage_local(*, schedule: Schedule) -> list[CoverageRow]:
    """``coverage_by_interval`` with each start on the agency's clock."""
    zone = schedule_zone()
    return [
        CoverageRow(row.start.astimezone(zone), row.required, row.scheduled)
        for row in coverage_by_interval(schedule=schedule)
    ]


def schedulable_agents() -> list[tuple[int, str]]:
    """Routing's agents whose accounts are active, as (user id, username): the front line
    (agents with Tier 1 work, not supervisors) first, then other agents, then supervisors (who
    may take calls too), each by username then id. The stable order in which a schedule's lines
    are handed to real agents, so supervisors get lines only when the agents are all placed."""
    rows = Agent.objects.filter(user__is_active=True).values_list(
        "user_id", "user__username", "tiers"
    )
    ordered = sorted(
        rows,
        key=lambda row: (
            "supervisor" in (row[2] or []),
            "tier1" not in (row[2] or []),
            row[1],
            row[0],
        ),
    )
    return [(user_id, username) for user_id, username, _tiers in ordered]


def agent_skill_sets(*, queue_codes: Sequence[str]) -> dict[frozenset[str], int]:
    """Per set of queues (among ``queue_codes``) that active agents can serve, how many such
    agents there are. An agent serves a queue as routing offers its work: the queue's tier and
    language are among the agent's, its skill (if it has one) among the agent's skills, and
    the agent takes at least one of its channels. Agents serving none of the queues are left
    out. Counts only, no one's data."""
    queues = list(
        Queue.objects.filter(code__in=list(queue_codes)).values_list(
            "code", "tier", "language", "skill", "channels"
        )
    )
    counts: dict[frozenset[str], int] = {}
    agents = Agent.objects.filter(user__is_active=True).values_list(
        "tiers", "languages", "skills", "capacity"
    )
    for tiers, languages, skills, capacity in agents:
        taken = {channel for channel, limit in (capacity or {}).items() if int(limit) > 0}
        served = frozenset(
            code
            for code, tier, language, skill, channels in queues
            if tier in (tiers or [])
            and language in (languages or [])
            and (not skill or skill in (skills or []))
            and taken.intersection(channels or [])
        )
        if served:
            counts[served] = counts.get(served, 0) + 1
    return counts
