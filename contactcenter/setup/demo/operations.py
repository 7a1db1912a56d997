"""Four weeks of contact-center counts for the demo, so that the reports page and the
wallboard's history have something to show on a new install: per queue, per agent (the demo's
Tier 1 agents' shifts) and per office (service requests received, moved and resolved).

Counts only, per 15- or 30-minute interval of the live-help hours on business days, for the
Tier 1 queues' phone and chat lines: no contact, person or event stands behind them. Today is
counted up to the moment of seeding (what the demo itself does then adds to it), so the
wallboard opens on a day in progress. The shape is the usual one (a morning and an afternoon
peak, Mondays busiest) and the same seed gives the same counts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.offices.models import Office
from contactcenter.operations.intervals import agency_zone, interval_minutes
from contactcenter.operations.models import (
    NO_QUEUE,
    AgentDailyFacts,
    IntervalFacts,
    OfficeFacts,
)
from contactcenter.operations.services import (
    agent_facts_add,
    interval_facts_add,
    office_facts_add,
)
from contactcenter.routing.models import Agent, Queue, QueueTier
from contactcenter.servicerequests.models import WORKING_OFFICE_KINDS

DAYS_BACK = 28
CHANNELS = ("phone", "chat")
# Contacts per hour on an average weekday, by local hour of the live-help day.
HOURLY = {8: 30, 9: 52, 10: 64, 11: 60, 12: 44, 13: 50, 14: 58, 15: 54, 16: 42, 17: 30,
          18: 22, 19: 14}  # fmt: skip
WEEKDAY = {0: 1.25, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.85}
SHARE = {"phone": 0.7, "chat": 0.3}
LANGUAGE_SHARE = {"en": 1.0, "es": 0.35}


def _interval_counts(rng: random.Random, expected: float, threshold: int) -> dict[str, int]:
    queued = max(0, round(rng.gauss(expected, expected**0.5)))
    if not queued:
        return {}
    abandon_rate = rng.uniform(0.03, 0.12)
    abandoned = min(queued, round(queued * abandon_rate))
    answered = queued - abandoned
    within_share = rng.uniform(0.62, 0.92)
    answered_within = round(answered * within_share)
    abandoned_within = round(abandoned * rng.uniform(0.3, 0.7))
    abandoned_short = round(abandoned_within * rng.uniform(0.2, 0.5))
    mean_wait = threshold * (1.6 - within_share)  # slower answers when fewer are in time
    return {
        "queued": queued, "answered": answered, "answered_within": answered_within,
        "abandoned": abandoned, "abandoned_within": abandoned_within,
        "abandoned_short": abandoned_short, "handled": answered,
        "wait_answered_ms": round(answered * mean_wait * 1000),
        "wait_abandoned_ms": round(abandoned * mean_wait * 1500),
        "talk_ms": round(answered * rng.uniform(300, 420) * 1000),
        "after_contact_ms": round(answered * rng.uniform(40, 70) * 1000),
        "transferred": round(answered * rng.uniform(0.02, 0.06)),
        "started": queued,
    }  # fmt: skip


# Contacts ending in self-service (the phone line and the assistant, open round the clock) per
# hour on an average weekday: they reach the agency early and late too, which is how workforce
# planning estimates who would ask for a person if live help opened longer.
SELF_SERVICE_HOURLY = {6: 14, 7: 30, 8: 52, 9: 80, 10: 92, 11: 88, 12: 70, 13: 76, 14: 82,
                       15: 78, 16: 66, 17: 52, 18: 44, 19: 34, 20: 26, 21: 16, 22: 8}  # fmt: skip
SELF_SERVICE_CHANNELS = {"phone": 1.0, "virtual_assistant": 1.5}
SATURDAY = 0.35


def _self_service_add(
    facts: dict[tuple[dt.datetime, int, str, str], dict[str, int]],
    rng: random.Random,
    day: dt.date,
    zone: dt.tzinfo,
) -> None:
    scale = WEEKDAY.get(day.weekday(), SATURDAY)
    for channel, share in SELF_SERVICE_CHANNELS.items():
        for hour, per_hour in SELF_SERVICE_HOURLY.items():
            expected = per_hour * share * scale
            served = max(0, round(rng.gauss(expected, expected**0.5)))
            if served:
                start = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zone)
                facts[(start.astimezone(dt.UTC), NO_QUEUE, channel, "en")] = {
                    "self_served": served, "started": served,
                }  # fmt: skip


def _queue_day_add(
    facts: dict[tuple[dt.datetime, int, str, str], dict[str, int]],
    rng: random.Random,
    day: dt.date,
    queues: list[Queue],
    zone: dt.tzinfo,
    minutes: int,
) -> None:
    """One business day of the Tier 1 queues' phone and chat counts, interval by interval."""
    for queue in queues:
        language_share = LANGUAGE_SHARE.get(queue.language, 0.2)
        specialised = 0.15 if queue.skill else 1.0
        for channel in CHANNELS:
            if channel not in queue.channels:
                continue
            for hour, per_hour in HOURLY.items():
                for minute in range(0, 60, minutes):
                    expected = (per_hour * minutes / 60 * WEEKDAY[day.weekday()]
                                * SHARE[channel] * language_share * specialised)  # fmt: skip
                    counts = _interval_counts(rng, expected, queue.service_level_seconds)
                    if not counts:
                        continue
                    start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
                    facts[(start.astimezone(dt.UTC), queue.pk, channel, queue.language)] = counts


def operations_history_write(*, today: dt.date, seed: int, now: dt.datetime | None = None) -> int:
    """Write the counts for the business days of the four weeks before ``today``, and for the
    intervals of ``today`` already over at ``now`` (all of them when ``today`` is past), so
    the wallboard and the reports have a day in progress; returns the number of interval rows
    written (rows already there are left as they are).

    Today's counts are drawn after the history's and in full whatever the hour, so the same
    seed gives the same figures; only the moment of seeding decides how many are written."""
    rng = random.Random(f"operations-{seed}")  # noqa: S311 - demo data, not secrets
    calendar = BusinessCalendar()
    zone, minutes = agency_zone(), interval_minutes()
    queues = list(
        Queue.objects.filter(active=True, tier=QueueTier.TIER1).order_by("code")
    )  # fmt: skip
    facts: dict[tuple[dt.datetime, int, str, str], dict[str, int]] = {}
    for back in range(DAYS_BACK, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() == 5 and calendar.closure_reason(day) == "weekend":
            _self_service_add(facts, rng, day, zone)  # the phone line and assistant never close
        if not calendar.is_business_day(day):
            continue
        _queue_day_add(facts, rng, day, queues, zone, minutes)
        _self_service_add(facts, rng, day, zone)
    facts.update(_today(rng, today, queues, zone, minutes, now or timezone.now()))
    if not facts:
        return 0
    # Intervals already counted (a second demo load, or the fold) are left as they are.
    starts = [key[0] for key in facts]
    there = set(
        IntervalFacts.objects.filter(
            interval_start__gte=min(starts), interval_start__lte=max(starts)
        ).values_list("interval_start", "queue_id", "channel", "language")
    )
    new = {key: counts for key, counts in facts.items() if key not in there}
    with transaction.atomic():
        interval_facts_add(facts=new)
    return len(new)


def _today(
    rng: random.Random,
    today: dt.date,
    queues: list[Queue],
    zone: dt.tzinfo,
    minutes: int,
    now: dt.datetime,
) -> dict[tuple[dt.datetime, int, str, str], dict[str, int]]:
    """Today's counts for the intervals that have ended by ``now``."""
    calendar = BusinessCalendar()
    day: dict[tuple[dt.datetime, int, str, str], dict[str, int]] = {}
    if calendar.is_business_day(today):
        _queue_day_add(day, rng, today, queues, zone, minutes)
    if calendar.is_business_day(today) or (
        today.weekday() == 5 and calendar.closure_reason(today) == "weekend"
    ):
        _self_service_add(day, rng, today, zone)
    length = dt.timedelta(minutes=minutes)
    # Self-service counts are kept by the hour; a queue's by the interval.
    return {
        key: counts
        for key, counts in day.items()
        if key[0] + (dt.timedelta(hours=1) if key[1] == NO_QUEUE else length) <= now
    }


# Agents' shifts: eight hours from one of these local hours, a half-hour break in the middle.
SHIFT_STARTS = (8, 10, 12)
SHIFT_HOURS = 8


def _agent_interval(
    rng: random.Random, length_ms: int, *, on_break: bool
) -> tuple[dict[str, int], dict[str, int]]:
    """One interval of one agent's shift: time by state, and the contacts that fill it."""
    if on_break:
        return {"away": length_ms}, {}
    available = round(length_ms * rng.uniform(0.08, 0.35))
    on_contact = length_ms - available
    wrap_up = round(on_contact * rng.uniform(0.1, 0.2))
    handle_ms = rng.uniform(330, 480) * 1000
    handled = max(0, round(on_contact / handle_ms + rng.uniform(-0.5, 0.5)))
    contacts = {
        "answered": handled, "handled": handled, "talk_ms": on_contact - wrap_up if handled else 0,
        "after_contact_ms": wrap_up if handled else 0,
        "transferred_out": int(rng.random() < 0.04),
    }  # fmt: skip
    return {"available": available, "busy": on_contact - wrap_up, "wrap_up": wrap_up}, contacts


@dataclass(frozen=True, slots=True)
class _Shifts:
    """Where the agents' intervals go, and what they are drawn for."""

    states: dict[tuple[dt.datetime, int, str], int]
    contacts: dict[tuple[dt.datetime, int, int, str], dict[str, int]]
    agents: list[Agent]
    queues: dict[str, Queue]
    zone: dt.tzinfo
    minutes: int


def _shifts_add(
    shifts: _Shifts, rng: random.Random, day: dt.date, *, until: dt.datetime | None = None
) -> None:
    """Each agent's shift on ``day``; with ``until``, only the intervals over by then."""
    minutes = shifts.minutes
    length_ms = minutes * 60_000
    for index, agent in enumerate(shifts.agents):
        queue = shifts.queues.get((agent.languages or ["en"])[0]) or next(
            iter(shifts.queues.values()), None
        )
        begin = dt.datetime.combine(day, dt.time(SHIFT_STARTS[index % 3]), tzinfo=shifts.zone)
        slots = SHIFT_HOURS * 60 // minutes
        for slot in range(slots):
            start = (begin + dt.timedelta(minutes=slot * minutes)).astimezone(dt.UTC)
            by_state, counted = _agent_interval(
                rng, length_ms, on_break=slots // 2 <= slot < slots // 2 + 30 // minutes
            )
            if until is not None and start + dt.timedelta(minutes=minutes) > until:
                continue
            for presence, milliseconds in by_state.items():
                if milliseconds:
                    shifts.states[(start, agent.pk, presence)] = milliseconds
            if counted and queue is not None:
                shifts.contacts[(start, agent.pk, queue.pk, "phone")] = counted


def agent_office_history_write(*, today: dt.date, seed: int, now: dt.datetime | None = None) -> int:
    """Write four weeks of the demo Tier 1 agents' shifts (time by state and the contacts in
    it) and of each working office's service requests, before ``today``, the way the fold
    writes them (intervals and agency days together), and today's shifts up to ``now``;
    returns the rows given. A second load over days already written adds nothing."""
    rng = random.Random(f"operations-agents-{seed}")  # noqa: S311 - demo data, not secrets
    calendar = BusinessCalendar()
    zone, minutes = agency_zone(), interval_minutes()
    first = today - dt.timedelta(days=DAYS_BACK)
    if (
        AgentDailyFacts.objects.filter(day__gte=first, day__lt=today).exists()
        or OfficeFacts.objects.filter(day__gte=first, day__lt=today).exists()
    ):
        return 0
    queues = {
        queue.language: queue
        for queue in Queue.objects.filter(active=True, tier=QueueTier.TIER1, skill="")
        .order_by("-code")
    }  # fmt: skip
    agents = [agent for agent in Agent.objects.order_by("pk") if "tier1" in (agent.tiers or [])]
    offices = list(Office.objects.filter(kind__in=WORKING_OFFICE_KINDS).order_by("code")[:8])
    states: dict[tuple[dt.datetime, int, str], int] = {}
    contacts: dict[tuple[dt.datetime, int, int, str], dict[str, int]] = {}
    shifts = _Shifts(states, contacts, agents, queues, zone, minutes)
    office_work: dict[tuple[dt.date, int, str], dict[str, int]] = {}
    for back in range(DAYS_BACK, 0, -1):
        day = today - dt.timedelta(days=back)
        if not calendar.is_business_day(day):
            continue
        _shifts_add(shifts, rng, day)
        # Each office sends a request on to the next one now and then.
        moved = [int(len(offices) > 1 and rng.random() < 0.3) for _office in offices]
        for index, office in enumerate(offices):
            resolved = max(0, round(rng.gauss(8, 3)))
            office_work[(day, office.pk, "service_request")] = {
                "received": max(0, round(rng.gauss(9, 3))), "transferred_out": moved[index],
                "transferred_in": moved[index - 1], "resolved": resolved,
                "resolved_timed": resolved,
                "resolve_ms": round(sum(rng.uniform(20, 120) for _ in range(resolved))
                                    * 3_600_000),
            }  # fmt: skip
    if calendar.is_business_day(today):
        # Today's shifts so far: drawn in full, so the hour of seeding changes only how many.
        _shifts_add(shifts, rng, today, until=now or timezone.now())
    with transaction.atomic():
        agent_facts_add(contacts=contacts, states=states)
        office_facts_add(facts=office_work)
    return len(states) + len(contacts) + len(office_work)
