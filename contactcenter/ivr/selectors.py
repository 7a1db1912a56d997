"""Reads of the phone line for the supervisors' board: how today's calls ended, line by line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from contactcenter.ivr.models import Call, FlowVersion, Outcome

# Left to right on the bar: served by the line itself first, lost calls last.
OUTCOME_ORDER = (
    Outcome.SELF_SERVED, Outcome.CALLBACK, Outcome.QUEUED, Outcome.AFTER_HOURS, Outcome.ABANDONED,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class OutcomeShare:
    outcome: str
    label: str
    count: int
    # Where the share starts on the bar and how wide it is, in percent, written out for SVG
    # (so a Spanish page's decimal comma cannot reach an attribute).
    start: str
    width: str


@dataclass(frozen=True, slots=True)
class LineDay:
    line: str
    title: str
    ended: int
    in_progress: int
    shares: tuple[OutcomeShare, ...]
    self_served_percent: int | None  # of the calls that ended; None before any has


def phone_lines_today(*, language: str = "en", now: dt.datetime | None = None) -> list[LineDay]:
    """Every line with calls since local midnight: how the ended ones ended and how many are
    still going. Two queries whatever the number of calls (the started_at index)."""
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Call.objects.filter(started_at__gte=midnight)
        .values("line", "outcome")
        .annotate(calls=Count("id"), going=Count("id", filter=Q(ended_at__isnull=True)))
    )
    counts: dict[str, dict[str, int]] = {}
    going: dict[str, int] = {}
    for row in rows:
        line = row["line"]
        going[line] = going.get(line, 0) + row["going"]
        ended = row["calls"] - row["going"]
        if ended and row["outcome"]:
            by_outcome = counts.setdefault(line, {})
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + ended
    active = FlowVersion.objects.filter(active=True)
    titles = dict(active.values_list("line", f"definition__title__{language}"))
    days = []
    for line in sorted(set(counts) | set(going)):
        by_outcome = counts.get(line, {})
        ended = sum(by_outcome.values())
        shares, start = [], 0.0
        for outcome in OUTCOME_ORDER:
            count = by_outcome.get(outcome, 0)
            if not count:
                continue
            width = 100 * count / ended
            label = str(Outcome(outcome).label)
            shares.append(OutcomeShare(outcome=outcome, label=label, count=count,
                                       start=f"{start:.2f}", width=f"{width:.2f}"))  # fmt: skip
            start += width
        served = by_outcome.get(Outcome.SELF_SERVED, 0)
        days.append(LineDay(
            line=line, title=titles.get(line) or line, ended=ended,
            in_progress=going.get(line, 0), shares=tuple(shares),
            self_served_percent=round(100 * served / ended) if ended else None,
        ))  # fmt: skip
    return days
