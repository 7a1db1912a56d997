"""Reads of the interval facts: figures per queue over days of the agency's calendar.

The facts hold counts only, never a person's data, so these reads cross no permission line
and write no disclosure; whoever shows them (the wallboard, reports) checks the viewer's role.
Every read is one aggregate query over the facts' (interval start, queue) index, whatever the
length of the range, so a year of a large agency answers from the facts alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from contactcenter.operations.models import (
    NO_QUEUE,
    ContactEventRecord,
    DailyFacts,
    FoldWatermark,
)
from contactcenter.operations.service_level import (
    Counts,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    service_level,
)
from contactcenter.routing.models import Queue

# The sums a queue's figures are worked out from (``Counts`` field names, all in the facts tables).
_SUMMED = (
    "queued", "answered", "answered_within", "abandoned", "abandoned_within", "abandoned_short",
    "callbacks_requested", "callbacks_within", "handled", "wait_answered_ms", "talk_ms",
    "after_contact_ms",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue_id: int
    code: str
    name_en: str
    name_es: str
    threshold_seconds: int
    formula: str
    counts: Counts
    service_level: Fraction | None
    abandonment_rate: Fraction | None
    average_speed_of_answer: Decimal | None
    average_handle_time: Decimal | None
    transferred: int

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


def contact_events_folded() -> QuerySet[ContactEventRecord]:
    """The event log's rows the fold has already counted (the records purge removes only these,
    so a count is never lost to retention)."""
    watermark = FoldWatermark.objects.filter(name="events").values_list("last_id", flat=True)
    return ContactEventRecord.objects.filter(id__lte=Coalesce(Subquery(watermark[:1]), 0))


def queue_figures_for_days(*, first: dt.date, last: dt.date) -> list[QueueFigures]:
    """Each queue's counts and figures from the agency's midnight starting ``first`` to the one
    ending ``last``, service level by the queue's own formula and threshold. Queues with no
    counts in the range are listed too (with no figures), busiest first, then by code."""
    if last < first:
        raise ValueError("the range ends before it starts")
    rows = (
        DailyFacts.objects.filter(day__gte=first, day__lte=last)
        .exclude(queue_id=NO_QUEUE)
        .values("queue_id")
        .annotate(**{name: Sum(name) for name in (*_SUMMED, "transferred")})
        .order_by()
    )
    sums: dict[int, dict[str, int]] = {
        int(row["queue_id"]): {
            name: int(row[name] or 0)  # type: ignore[literal-required]
            for name in (*_SUMMED, "transferred")
        }
        for row in rows
    }
    figures = []
    for queue in Queue.objects.order_by("code"):
        summed = sums.get(queue.pk, {})
        transferred = summed.get("transferred", 0)
        counts = Counts(**{name: summed.get(name, 0) for name in _SUMMED})
        figures.append(
            QueueFigures(
                queue_id=queue.pk,
                code=queue.code,
                name_en=queue.name_en,
                name_es=queue.name_es,
                threshold_seconds=queue.service_level_seconds,
                formula=queue.service_level_formula,
                counts=counts,
                service_level=service_level(
                    counts,
                    queue.service_level_formula,
                    counts_flow_outs=queue.service_level_counts_flow_outs,
                    ignores_short_abandons=queue.service_level_ignores_short_abandons,
                ),
                abandonment_rate=abandonment_rate(counts),
                average_speed_of_answer=average_speed_of_answer(counts),
                average_handle_time=average_handle_time(counts),
                transferred=transferred,
            )
        )
    figures.sort(key=lambda figure: -figure.counts.queued)
    return figures


def self_served_for_days(*, first: dt.date, last: dt.date) -> dict[str, int]:
    """Contacts that ended in self-service, per channel, over the agency's days."""
    rows = (
        DailyFacts.objects.filter(day__gte=first, day__lte=last)
        .values("channel")
        .annotate(total=Sum("self_served"))
        .order_by("channel")
    )
    return {row["channel"]: int(row["total"] or 0) for row in rows if row["total"]}
