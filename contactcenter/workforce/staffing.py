"""One staffing problem, as a planner states it: contacts in an interval, handle time, target.

The ``staffing`` command (and later the what-if page) call ``staffing_solve``; the maths is in
``erlang.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactcenter.workforce.erlang import (
    QueueFigures,
    offered_load,
    required_agents,
    scheduled_positions,
)
from contactcenter.workforce.errors import StaffingInputInvalid


@dataclass(frozen=True)
class StaffingAnswer:
    """``agents`` are people on the queue at once; ``servers`` = agents × concurrency (the
    figures' own ``agents``); ``positions`` are the people to schedule after shrinkage."""

    figures: QueueFigures
    agents: int
    servers: int
    positions: int
    concurrency: int
    service_level_target: float
    shrinkage: float
    max_occupancy: float | None
    patience_seconds: float | None

    def as_dict(self) -> dict[str, object]:
        figures = self.figures
        return {
            "model": str(figures.model),
            "load_erlangs": figures.load,
            "agents": self.agents,
            "servers": self.servers,
            "concurrency": self.concurrency,
            "positions": self.positions,
            "shrinkage": self.shrinkage,
            "service_level": figures.service_level,
            "service_level_target": self.service_level_target,
            "target_seconds": figures.target_seconds,
            "probability_of_waiting": figures.probability_of_waiting,
            "asa_seconds": figures.average_wait_seconds,
            "occupancy": figures.occupancy,
            "max_occupancy": self.max_occupancy,
            "probability_of_abandoning": figures.probability_of_abandoning,
            "patience_seconds": self.patience_seconds,
        }


def share_parse(text: str) -> float:
    """A share written as a fraction (``0.8``) or a percentage (``80%``), as a fraction.

    A bare number above 1 is refused rather than guessed to be a percentage.
    """
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    number = cleaned.removesuffix("%").strip()
    try:
        value = float(number)
    except ValueError:
        raise StaffingInputInvalid(
            _("%(text)s is not a number: write a share as 0.8 or 80%%.") % {"text": text}
        ) from None
    if not math.isfinite(value):
        raise StaffingInputInvalid(_("%(text)s is not a number.") % {"text": text})
    if percent:
        return value / 100
    if value > 1:
        raise StaffingInputInvalid(
            _("%(text)s is more than 1: write a share as 0.8 or 80%%.") % {"text": text}
        )
    return value


def staffing_solve(
    *,
    contacts: float,
    interval_minutes: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
    concurrency: int = 1,
) -> StaffingAnswer:
    """Agents and positions for one interval: Erlang A when ``patience_seconds`` is given,
    Erlang C otherwise. Raises ``StaffingInputInvalid`` for any figure out of range."""
    if not (isinstance(interval_minutes, int | float) and 0 < interval_minutes <= 1440):
        raise StaffingInputInvalid(_("The interval must be above 0 and at most 1440 minutes."))
    load = offered_load(
        contacts=contacts, interval_seconds=interval_minutes * 60, aht_seconds=aht_seconds
    )
    figures = required_agents(
        load=load,
        aht_seconds=aht_seconds,
        target_seconds=target_seconds,
        service_level=service_level,
        patience_seconds=patience_seconds,
        max_occupancy=max_occupancy,
        concurrency=concurrency,
    )
    agents = figures.agents // concurrency
    return StaffingAnswer(
        figures=figures,
        agents=agents,
        servers=figures.agents,
        positions=scheduled_positions(agents=agents, shrinkage=shrinkage),
        concurrency=concurrency,
        service_level_target=service_level,
        shrinkage=shrinkage,
        max_occupancy=max_occupancy,
        patience_seconds=patience_seconds,
    )
