"""The supervisors' wallboard: each queue now and today, live.

Now: who is waiting and for how long, and the agents who could take the queue's work by
state, from routing's live tables. Today (the agency's day, ``TIME_ZONE``): the interval facts
folded so far plus what the log rows not yet folded add, counted in memory by the fold's own
rules (``services.contact_events_count``, ``services.agent_states_count``), so an answer or an
abandon shows within seconds rather than after the fold's settling time, and is counted once:
the facts, the watermark and the rows past it are read in one snapshot (a repeatable-read
transaction on PostgreSQL; SQLite's read transaction is one already), so a fold that commits
meanwhile cannot be seen half.

Counts only, no person's data: the desk checks the viewer's role. A fixed number of queries
whatever the number of queues, agents or intervals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from contactcenter.inquiries.models import Channel
from contactcenter.operations.intervals import (
    agency_zone,
    interval_minutes,
    interval_start,
    local_day_bounds,
    next_interval_start,
)
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentStateCursor,
    AgentStateFacts,
    ContactEventRecord,
    FoldWatermark,
    IntervalFacts,
)
from contactcenter.operations.service_level import (
    Counts,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    occupancy,
    percent,
    self_service_rate,
    service_level_terms,
)
from contactcenter.operations.services import (
    EVENTS,
    FACT_COLUMNS,
    PRESENCE,
    agent_states_count,
    contact_events_count,
)
from contactcenter.routing.models import Agent, Presence, PresenceChange, Queue
from contactcenter.routing.wait_estimates import queues_waiting

# The interval chart shows at most this many intervals, the latest (12 hours of 15 minutes).
CHART_INTERVALS = 48
_COUNT_FIELDS = tuple(field.name for field in fields(Counts))
ON_CONTACT = (Presence.BUSY, Presence.WRAP_UP)


@dataclass(frozen=True, slots=True)
class AgentsByState:
    available: int = 0
    on_contact: int = 0
    after_contact: int = 0
    away: int = 0


@dataclass(frozen=True, slots=True)
class QueueNow:
    """One queue on the board: now, and today so far."""

    queue_id: int
    code: str
    name_en: str
    name_es: str
    threshold_seconds: int
    target_percent: int
    formula: str
    waiting: int
    oldest_wait_seconds: int | None
    agents: AgentsByState
    counts: Counts
    service_level: Fraction | None
    abandonment_rate: Fraction | None
    average_speed_of_answer: Decimal | None
    average_handle_time: Decimal | None

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en

    @property
    def service_level_percent(self) -> Decimal | None:
        return percent(self.service_level, places=0)

    @property
    def abandonment_percent(self) -> Decimal | None:
        return percent(self.abandonment_rate, places=0)

    @property
    def below_target(self) -> bool:
        """Today's service level is under the queue's target (no figure yet is no alert)."""
        return self.service_level is not None and self.service_level * 100 < self.target_percent

    @property
    def oldest_wait_clock(self) -> str:
        return clock(self.oldest_wait_seconds)

    @property
    def asa_clock(self) -> str:
        return clock(self.average_speed_of_answer)

    @property
    def aht_clock(self) -> str:
        return clock(self.average_handle_time)

    @property
    def bar_width(self) -> Decimal:
        """The service-level bar's length, of 100 (the target is drawn at ``target_percent``)."""
        return self.service_level_percent or Decimal(0)


@dataclass(frozen=True, slots=True)
class IntervalPoint:
    start: dt.datetime  # aware, in the agency's zone
    met: int
    counted: int

    @property
    def percent(self) -> Decimal | None:
        return percent(Fraction(self.met, self.counted) if self.counted else None, places=0)


@dataclass(frozen=True, slots=True)
class ChannelSelfService:
    channel: str
    self_served: int
    queued: int

    @property
    def label(self) -> str:
        return str(dict(Channel.choices).get(self.channel, self.channel))

    @property
    def percent(self) -> Decimal | None:
        rate = self_service_rate(self_served=self.self_served, queued=self.queued)
        return percent(rate, places=0)


@dataclass(frozen=True, slots=True)
class Wallboard:
    day: dt.date
    as_of: dt.datetime  # aware, in the agency's zone
    queues: list[QueueNow]
    intervals: list[IntervalPoint]  # all queues together, each by its own formula
    occupancy: Fraction | None
    self_service: list[ChannelSelfService]  # per channel, busiest first
    self_served: int
    queued: int

    @property
    def below_target(self) -> list[QueueNow]:
        return [queue for queue in self.queues if queue.below_target]

    @property
    def occupancy_percent(self) -> Decimal | None:
        return percent(self.occupancy, places=0)

    @property
    def self_service_percent(self) -> Decimal | None:
        rate = self_service_rate(self_served=self.self_served, queued=self.queued)
        return percent(rate, places=0)

    @property
    def chart_points(self) -> list[tuple[IntervalPoint, Decimal, Decimal, Decimal]]:
        """Each interval with its bar's x, top and height on a 100 by 100 drawing."""
        if not self.intervals:
            return []
        step = Decimal(100) / len(self.intervals)
        points = []
        for index, point in enumerate(self.intervals):
            height = point.percent or Decimal(0)
            points.append((point, (step * index).quantize(Decimal("0.01")), 100 - height, height))
        return points

    @property
    def chart_bar_width(self) -> Decimal:
        if not self.intervals:
            return Decimal(0)
        return (Decimal(100) / len(self.intervals) * Decimal("0.8")).quantize(Decimal("0.01"))


def clock(seconds: float | Decimal | None) -> str:
    """Seconds as a clock reading, "m:ss" or "h:mm:ss" (the same in every language)."""
    if seconds is None:
        return "—"
    whole = max(0, round(float(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# What decides whether an agent counts for a queue: presence, tiers, languages, skills and
# the channels they have capacity on. Agents alike in all of these are counted together.
AgentProfile = tuple[str, frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


def _agent_profiles(agents: Iterable[Mapping[str, Any]]) -> Counter[AgentProfile]:
    profiles: Counter[AgentProfile] = Counter()
    for agent in agents:
        capacity = agent["capacity"] or {}
        profiles[
            (
                agent["presence"],
                frozenset(agent["tiers"] or []),
                frozenset(agent["languages"] or []),
                frozenset(agent["skills"] or []),
                frozenset(channel for channel, slots in capacity.items() if int(slots or 0) > 0),
            )
        ] += 1
    return profiles


def _serves(profile: AgentProfile, queue: Queue) -> bool:
    """Agents of this profile could take the queue's work: its tier, language, skill and a
    channel."""
    _presence, tiers, languages, skills, channels = profile
    if queue.tier not in tiers or queue.language not in languages:
        return False
    if queue.skill and queue.skill not in skills:
        return False
    return any(channel in channels for channel in queue.channels or [])


def _agents_by_state(profiles: Mapping[AgentProfile, int], queue: Queue) -> AgentsByState:
    states: Counter[str] = Counter()
    for profile, count in profiles.items():
        if _serves(profile, queue):
            states[profile[0]] += count
    return AgentsByState(
        available=states[Presence.AVAILABLE],
        on_contact=states[Presence.BUSY],
        after_contact=states[Presence.WRAP_UP],
        away=states[Presence.AWAY],
    )


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """On PostgreSQL, read everything in one repeatable-read transaction. Elsewhere (SQLite,
    whose IMMEDIATE transactions would take the write lock for a read) the reads go in an order
    that can miss a fold committing between them, for one refresh, but never count it twice:
    the folded counts first, then the watermarks, then the rows past them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# Today's counts per (interval, queue), and per channel its self-served and queued contacts.
FactsByKey = dict[tuple[dt.datetime, int], dict[str, int]]
ByChannel = dict[str, list[int]]


def _folded_today(
    begin: dt.datetime, end: dt.datetime
) -> tuple[FactsByKey, ByChannel, dict[str, int]]:
    """Today's folded counts per (interval, queue) and per channel, and folded milliseconds
    per state.

    Plain SELECTs: a busy day is a thousand rows of sixteen sums, and the ORM's per-value
    converters cost more than the queries themselves."""
    facts: FactsByKey = defaultdict(lambda: dict.fromkeys(FACT_COLUMNS, 0))
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    table, start = quote(IntervalFacts._meta.db_table), quote("interval_start")
    today = f"{start} >= %s AND {start} < %s"
    # Only names from the model are interpolated; every value is bound.
    by_queue = (
        f"SELECT {start}, {quote('queue_id')}, "  # noqa: S608
        + ", ".join(f"SUM({quote(name)})" for name in FACT_COLUMNS)
        + f" FROM {table} WHERE {today} AND {quote('queue_id')} <> %s"
        f" GROUP BY {start}, {quote('queue_id')}"
    )
    by_channel_sql = (
        f"SELECT {quote('channel')}, SUM({quote('self_served')}), SUM({quote('queued')})"  # noqa: S608
        f" FROM {table} WHERE {today} GROUP BY {quote('channel')}"
    )
    by_channel: ByChannel = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(by_queue, [adapt(begin), adapt(end), NO_QUEUE])
        for moment, queue_id, *sums in cursor.fetchall():
            if isinstance(moment, str):
                moment = dt.datetime.fromisoformat(moment)
            if moment.tzinfo is None:  # SQLite gives the UTC it keeps as a naive datetime
                moment = moment.replace(tzinfo=dt.UTC)
            facts[(moment, int(queue_id))] = {
                name: int(total or 0) for name, total in zip(FACT_COLUMNS, sums, strict=True)
            }
        cursor.execute(by_channel_sql, [adapt(begin), adapt(end)])
        for channel, served, queued in cursor.fetchall():
            by_channel[channel] = [int(served or 0), int(queued or 0)]
    states: dict[str, int] = defaultdict(int)
    for presence, milliseconds in (
        AgentStateFacts.objects.filter(interval_start__gte=begin, interval_start__lt=end)
        .values("presence")
        .annotate(total=Sum("milliseconds"))
        .values_list("presence", "total")
        .order_by()
    ):
        states[presence] += int(milliseconds or 0)
    return facts, by_channel, states


def _pending_today(
    facts: FactsByKey,
    by_channel: ByChannel,
    states: dict[str, int],
    *,
    begin: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> None:
    """Add what the log rows and presence changes past the watermarks count for today."""
    marks = dict(
        FoldWatermark.objects.filter(name__in=[EVENTS, PRESENCE]).values_list("name", "last_id")
    )
    pending = list(
        ContactEventRecord.objects.filter(
            id__gt=marks.get(EVENTS, 0), at__gte=begin, at__lt=end
        ).order_by("id")
    )
    for (start, queue_id, channel, _language), amounts in contact_events_count(pending).items():
        if not begin <= start < end:
            continue
        by_channel[channel][0] += amounts["self_served"]
        by_channel[channel][1] += amounts["queued"]
        if queue_id == NO_QUEUE:
            continue
        into = facts[(start, queue_id)]
        for name, amount in amounts.items():
            into[name] += amount
    pending_states = agent_states_count(
        cursors=AgentStateCursor.objects.all(),
        changes=PresenceChange.objects.filter(id__gt=marks.get(PRESENCE, 0)).order_by("id"),
        until=now,
    )
    for (start, _agent_id, presence), milliseconds in pending_states.items():
        if begin <= start < end:
            states[presence] += milliseconds


def _counts(amounts: Mapping[str, int]) -> Counts:
    return Counts(**{name: amounts.get(name, 0) for name in _COUNT_FIELDS})


def _terms(queue: Queue, counts: Counts) -> tuple[int, int]:
    return service_level_terms(
        counts,
        queue.service_level_formula,
        counts_flow_outs=queue.service_level_counts_flow_outs,
        ignores_short_abandons=queue.service_level_ignores_short_abandons,
    )


def wallboard_today(*, now: dt.datetime | None = None) -> Wallboard:
    """Every active queue now and today so far, today's service level by interval, occupancy
    and self-service. Ten queries or so, whatever the numbers."""
    now = now or timezone.now()
    zone, minutes = agency_zone(), interval_minutes()
    day = now.astimezone(zone).date()
    begin, end = local_day_bounds(day, day, zone=zone)
    with _one_snapshot():
        queues = list(Queue.objects.filter(active=True))
        waiting = queues_waiting()
        agents = _agent_profiles(
            Agent.objects.exclude(presence=Presence.OFFLINE).values(
                "presence", "tiers", "languages", "skills", "capacity"
            )
        )
        facts, by_channel, states = _folded_today(begin, end)
        _pending_today(facts, by_channel, states, begin=begin, end=end, now=now)
    occupied = occupancy(
        on_contact_ms=sum(states[state] for state in ON_CONTACT),
        available_ms=states[Presence.AVAILABLE],
    )

    by_queue: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FACT_COLUMNS, 0))
    for (_start, queue_id), amounts in facts.items():
        into = by_queue[queue_id]
        for name, amount in amounts.items():
            into[name] += amount

    rows = []
    for queue in queues:
        counts = _counts(by_queue.get(queue.pk, {}))
        met, counted = _terms(queue, counts)
        how_many, oldest = waiting.get(queue.pk, (0, None))
        rows.append(
            QueueNow(
                queue_id=queue.pk,
                code=queue.code,
                name_en=queue.name_en,
                name_es=queue.name_es,
                threshold_seconds=queue.service_level_seconds,
                target_percent=queue.service_level_target_percent,
                formula=queue.service_level_formula,
                waiting=how_many,
                oldest_wait_seconds=(
                    max(0, int((now - oldest).total_seconds())) if oldest else None
                ),
                agents=_agents_by_state(agents, queue),
                counts=counts,
                service_level=Fraction(met, counted) if counted else None,
                abandonment_rate=abandonment_rate(counts),
                average_speed_of_answer=average_speed_of_answer(counts),
                average_handle_time=average_handle_time(counts),
            )
        )

    queues_by_id = {queue.pk: queue for queue in queues}
    per_interval: dict[dt.datetime, list[int]] = defaultdict(lambda: [0, 0])
    for (start, queue_id), amounts in facts.items():
        if queue_id not in queues_by_id:
            continue  # a queue no longer in use
        met, counted = _terms(queues_by_id[queue_id], _counts(amounts))
        per_interval[start][0] += met
        per_interval[start][1] += counted
    intervals = []
    if per_interval:
        # From the first interval with a figure to the present one, gaps shown as gaps.
        cursor = min(per_interval)
        current = interval_start(now, minutes=minutes, zone=zone)
        while cursor <= current and cursor < end:
            met, counted = per_interval.get(cursor, (0, 0))
            intervals.append(IntervalPoint(cursor.astimezone(zone), met, counted))
            cursor = next_interval_start(cursor, minutes=minutes, zone=zone)
    channels = sorted(
        (
            ChannelSelfService(channel, served, queued)
            for channel, (served, queued) in by_channel.items()
            if served or queued
        ),
        key=lambda share: (-(share.self_served + share.queued), share.channel),
    )
    return Wallboard(
        day=day,
        as_of=now.astimezone(zone),
        queues=rows,
        intervals=intervals[-CHART_INTERVALS:],
        occupancy=occupied,
        self_service=channels,
        self_served=sum(share.self_served for share in channels),
        queued=sum(share.queued for share in channels),
    )
