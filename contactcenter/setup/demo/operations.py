"""Four weeks of contact-center counts for the demo, so that the reports page and the
wallboard's history have something to show on a new install.

Counts only, per 15- or 30-minute interval of the live-help hours on business days, for the
Tier 1 queues' phone and chat lines: no contact, person or event stands behind them. Today is
left alone, so the wallboard's "today" is what the demo itself does. The shape is the usual one
(a morning and an afternoon peak, Mondays busiest) and the same seed gives the same counts.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.operations.intervals import agency_zone, interval_minutes
from contactcenter.operations.models import NO_QUEUE, IntervalFacts
from contactcenter.operations.services import interval_facts_add
from contactcenter.routing.models import Queue, QueueTier

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


def operations_history_write(*, today: dt.date, seed: int) -> int:
    """Write the counts for the business days of the four weeks before ``today``; returns the
    number of interval rows written (rows already there are left as they are)."""
    rng = random.Random(f"operations-{seed}")  # noqa: S311 - demo data, not secrets
    calendar = BusinessCalendar()
    zone, minutes = agency_zone(), interval_minutes()
    queues = list(
        Queue.objects.filter(active=True, tier=QueueTier.TIER1).order_by("code")
    )  # fmt: skip
    facts: dict[tuple[dt.datetime, int, str, str], dict[str, int]] = {}
    for back in range(DAYS_BACK, 0, -1):
        day = today - dt.timedelta(days=back)
        if not calendar.is_business_day(day):
            continue
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
                        key = (start.astimezone(dt.UTC), queue.pk, channel, queue.language)
                        facts[key] = counts
        # Self-service on the phone line and the assistant, with no queue.
        for channel, per_day in (("phone", 900), ("virtual_assistant", 1400)):
            start = dt.datetime.combine(day, dt.time(12, 0), tzinfo=zone)
            facts[(start.astimezone(dt.UTC), NO_QUEUE, channel, "en")] = {
                "self_served": round(rng.gauss(per_day, per_day**0.5) * WEEKDAY[day.weekday()])
            }
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
