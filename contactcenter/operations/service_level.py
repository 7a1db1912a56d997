"""Figures from raw counts: service level by the agency's formula, abandonment, ASA, AHT,
occupancy, self-service. Pure arithmetic on exact fractions, no database.

Every figure is a ``Fraction`` (or, for times, ``Decimal`` seconds) and ``None`` when its
denominator is zero: an interval nobody called in has no service level, which is not 0 % and
not 100 %. ``percent`` rounds a fraction for showing, half up, never before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from contactcenter.routing.models import ServiceLevelFormula


@dataclass(frozen=True, slots=True)
class Counts:
    """The counts of a queue over some intervals (``IntervalFacts`` summed)."""

    queued: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_within: int = 0
    abandoned_short: int = 0
    flowed_out: int = 0
    callbacks_requested: int = 0
    callbacks_within: int = 0
    handled: int = 0
    wait_answered_ms: int = 0
    talk_ms: int = 0
    hold_ms: int = 0
    after_contact_ms: int = 0

    def __post_init__(self) -> None:
        if self.answered_within > self.answered or self.abandoned_within > self.abandoned:
            raise ValueError("a within-threshold count cannot exceed its total")
        if self.abandoned_short > self.abandoned_within:
            raise ValueError("short abandons are a part of the abandons within the threshold")


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator > 0 else None


def service_level_terms(
    counts: Counts,
    formula: str,
    *,
    counts_flow_outs: bool = False,
    ignores_short_abandons: bool = False,
) -> tuple[int, int]:
    """The service level's numerator and denominator (served in time, counted), unreduced, so
    queues measured by different formulas can be added into one figure."""
    ai = counts.answered_within
    answered = counts.answered
    late_abandons = counts.abandoned - counts.abandoned_within
    match ServiceLevelFormula(formula):
        case ServiceLevelFormula.REMOVED_WITHIN:
            return ai + counts.abandoned_within + counts.callbacks_within, counts.queued
        case ServiceLevelFormula.ABANDONS_PENALISED:
            offered = answered + counts.abandoned
            if counts_flow_outs:
                offered += counts.flowed_out
            if ignores_short_abandons:
                offered -= counts.abandoned_short
            return ai, offered
        case ServiceLevelFormula.ABANDONS_EXCLUDED:
            return ai, answered
        case ServiceLevelFormula.LATE_ABANDONS_ONLY:
            return ai, answered + late_abandons
    raise ValueError(f"unknown service-level formula {formula!r}")  # pragma: no cover


def service_level(
    counts: Counts,
    formula: str,
    *,
    counts_flow_outs: bool = False,
    ignores_short_abandons: bool = False,
) -> Fraction | None:
    """The share of contacts served in time, as the queue's formula defines it.

    ``removed_within``: (Ai + Bi + callbacks within T) / Q. ``abandons_penalised``:
    Ai / (Ai + Ao + Bi + Bo), plus flow-outs when ``counts_flow_outs``, less short abandons when
    ``ignores_short_abandons``. ``abandons_excluded``: Ai / (Ai + Ao). ``late_abandons_only``:
    Ai / (Ai + Ao + Bo). The two switches belong to ``abandons_penalised`` only.
    """
    met, counted = service_level_terms(
        counts,
        formula,
        counts_flow_outs=counts_flow_outs,
        ignores_short_abandons=ignores_short_abandons,
    )
    return _ratio(met, counted)


def abandonment_rate(counts: Counts) -> Fraction | None:
    """Abandoned / queued."""
    return _ratio(counts.abandoned, counts.queued)


def _seconds(milliseconds: int, count: int) -> Decimal | None:
    if count <= 0:
        return None
    return (Decimal(milliseconds) / Decimal(1000) / Decimal(count)).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )


def average_speed_of_answer(counts: Counts) -> Decimal | None:
    """Seconds waited in the queue (not in the phone menu) per contact answered."""
    return _seconds(counts.wait_answered_ms, counts.answered)


def average_handle_time(counts: Counts) -> Decimal | None:
    """(Talk + hold + after-contact work) per contact handled, in seconds."""
    return _seconds(counts.talk_ms + counts.hold_ms + counts.after_contact_ms, counts.handled)


def occupancy(*, on_contact_ms: int, available_ms: int) -> Fraction | None:
    """Time on contacts (and their after-contact work) over that time plus idle available time."""
    return _ratio(on_contact_ms, on_contact_ms + available_ms)


def utilisation(*, on_contact_ms: int, signed_in_ms: int) -> Fraction | None:
    """Time on contacts (and their after-contact work) over all the time signed in (available,
    on contacts, in after-contact work or away)."""
    return _ratio(on_contact_ms, signed_in_ms)


def self_service_rate(*, self_served: int, queued: int) -> Fraction | None:
    """Contacts that ended in self-service, of those plus the ones that queued for a person."""
    return _ratio(self_served, self_served + queued)


def percent(value: Fraction | None, *, places: int = 2) -> Decimal | None:
    """A fraction as a percentage rounded half up to ``places`` (None stays None)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
