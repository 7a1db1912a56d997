"""Workforce planning's reads of the interval facts: offered volume and abandons per queue.

The facts hold counts only, never a person's data, so these reads cross no permission line and
write no disclosure. The forecasts read history only through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Sum

from contactcenter.operations.models import NO_QUEUE, IntervalFacts
from contactcenter.routing.models import Agent, Queue
from contactcenter.workforce.history import HistoryPoint


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
