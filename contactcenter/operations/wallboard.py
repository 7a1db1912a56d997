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
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
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
from contactcenter.routing.models import Agent, Presence, PresenceChange, Queue, WorkState

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


def _serves(agent: Mapping[str, object], queue: Queue) -> bool:
    """The agent could take this queue's work: its tier, language, skill and a channel."""
    tiers, languages = agent["tiers"] or [], agent["languages"] or []
    skills, capacity = agent["skills"] or [], agent["capacity"] or {}
    assert isinstance(tiers, list) and isinstance(languages, list) and isinstance(skills, list)
    assert isinstance(capacity, dict)
    if queue.tier not in tiers or queue.language not in languages:
        return False
    if queue.skill and queue.skill not in skills:
        return False
    return any(int(capacity.get(channel, 0) or 0) > 0 for channel in queue.channels or [])


def _agents_by_state(agents: Iterable[Mapping[str, object]], queue: Queue) -> AgentsByState:
    states = [agent["presence"] for agent in agents if _serves(agent, queue)]
    return AgentsByState(
        available=states.count(Presence.AVAILABLE),
        on_contact=states.count(Presence.BUSY),
        after_contact=states.count(Presence.WRAP_UP),
        away=states.count(Presence.AWAY),
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


FactsByKey = dict[tuple[dt.datetime, int, str], dict[str, int]]


def _folded_today(begin: dt.datetime, end: dt.datetime) -> tuple[FactsByKey, dict[str, int]]:
    """Today's folded counts per (interval, queue, channel), and folded milliseconds per state.

    One plain SELECT: a busy day is a few thousand rows of sixteen sums, and the ORM's
    per-value converters cost more than the query itself."""
    facts: FactsByKey = defaultdict(lambda: dict.fromkeys(FACT_COLUMNS, 0))
    quote = connection.ops.quote_name
    # Only names from the model are interpolated; every value is bound.
    sql = (
        f"SELECT {quote('interval_start')}, {quote('queue_id')}, {quote('channel')}, "  # noqa: S608
        + ", ".join(f"SUM({quote(name)})" for name in FACT_COLUMNS)
        + f" FROM {quote(IntervalFacts._meta.db_table)}"
        f" WHERE {quote('interval_start')} >= %s AND {quote('interval_start')} < %s"
        f" GROUP BY {quote('interval_start')}, {quote('queue_id')}, {quote('channel')}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(begin), adapt(end)])
        for start, queue_id, channel, *sums in cursor.fetchall():
            if isinstance(start, str):
                start = dt.datetime.fromisoformat(start)
            if start.tzinfo is None:  # SQLite gives the UTC it keeps as a naive datetime
                start = start.replace(tzinfo=dt.UTC)
            into = facts[(start, int(queue_id), channel)]
            for name, total in zip(FACT_COLUMNS, sums, strict=True):
                into[name] += int(total or 0)
    states: dict[str, int] = defaultdict(int)
    for presence, milliseconds in (
        AgentStateFacts.objects.filter(interval_start__gte=begin, interval_start__lt=end)
        .values("presence")
        .annotate(total=Sum("milliseconds"))
        .values_list("presence", "total")
        .order_by()
    ):
        states[presence] += int(milliseconds or 0)
    return facts, states


def _pending_today(
    facts: FactsByKey,
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
        if begin <= start < end:
            into = facts[(start, queue_id, channel)]
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
    waiting = Q(items__state=WorkState.QUEUED)
    with _one_snapshot():
        queues = list(
            Queue.objects.filter(active=True).annotate(
                waiting=Count("items", filter=waiting),
                oldest=Min("items__enqueued_at", filter=waiting),
            )
        )
        agents = list(
            Agent.objects.exclude(presence=Presence.OFFLINE).values(
                "presence", "tiers", "languages", "skills", "capacity"
            )
        )
        facts, states = _folded_today(begin, end)
        _pending_today(facts, states, begin=begin, end=end, now=now)
    occupied = occupancy(
        on_contact_ms=sum(states[state] for state in ON_CONTACT),
        available_ms=states[Presence.AVAILABLE],
    )

    by_queue: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FACT_COLUMNS, 0))
    by_interval_queue: dict[tuple[dt.datetime, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(FACT_COLUMNS, 0)
    )
    by_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (start, queue_id, channel), amounts in facts.items():
        by_channel[channel][0] += amounts["self_served"]
        by_channel[channel][1] += amounts["queued"]
        if queue_id == NO_QUEUE:
            continue
        for name, amount in amounts.items():
            by_queue[queue_id][name] += amount
            by_interval_queue[(start, queue_id)][name] += amount

    rows = []
    for queue in queues:
        counts = _counts(by_queue.get(queue.pk, {}))
        met, counted = _terms(queue, counts)
        oldest = queue.oldest
        rows.append(
            QueueNow(
                queue_id=queue.pk,
                code=queue.code,
                name_en=queue.name_en,
                name_es=queue.name_es,
                threshold_seconds=queue.service_level_seconds,
                target_percent=queue.service_level_target_percent,
                formula=queue.service_level_formula,
                waiting=queue.waiting,
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
    for (start, queue_id), amounts in by_interval_queue.items():
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
