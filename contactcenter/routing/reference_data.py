"""Load queue definitions from routing/data/queues.yaml (upsert by code, idempotent)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from contactcenter.routing.models import Queue, QueueTier, ServiceLevelFormula

QUEUES_FILE = Path(__file__).parent / "data" / "queues.yaml"
_FIELDS = {
    "name_en", "name_es", "tier", "language", "skill", "channels", "topics", "priority",
    "live_hours_only", "offer_timeout_seconds", "active", "service_level_seconds",
    "service_level_formula", "service_level_counts_flow_outs",
    "service_level_ignores_short_abandons", "service_level_target_percent",
}  # fmt: skip


class QueueDataError(ValueError):
    pass


@transaction.atomic
def queues_load(*, path: Path = QUEUES_FILE) -> int:
    entries = yaml.safe_load(path.read_text()) or []
    for position, entry in enumerate(entries, start=1):
        code = entry.get("code")
        if not code:
            raise QueueDataError(f"{path.name}: queue #{position} has no code")
        unknown = set(entry) - _FIELDS - {"code"}
        if unknown:
            raise QueueDataError(f"{path.name}: queue {code}: unknown keys {sorted(unknown)}")
        if entry.get("tier") not in QueueTier.values:
            raise QueueDataError(
                f"{path.name}: queue {code}: tier must be one of {QueueTier.values}"
            )
        if not entry.get("channels"):
            raise QueueDataError(f"{path.name}: queue {code}: channels must not be empty")
        formula = entry.get("service_level_formula", ServiceLevelFormula.ABANDONS_PENALISED)
        if formula not in ServiceLevelFormula.values:
            raise QueueDataError(
                f"{path.name}: queue {code}: service_level_formula must be one of "
                f"{ServiceLevelFormula.values}"
            )
        seconds = entry.get("service_level_seconds", 20)
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
            raise QueueDataError(
                f"{path.name}: queue {code}: service_level_seconds must be a whole number above 0"
            )
        target = entry.get("service_level_target_percent", 80)
        if not isinstance(target, int) or isinstance(target, bool) or not 1 <= target <= 100:
            raise QueueDataError(
                f"{path.name}: queue {code}: service_level_target_percent must be a whole number "
                "from 1 to 100"
            )
        defaults = {key: entry[key] for key in _FIELDS if key in entry}
        Queue.objects.update_or_create(code=code, defaults=defaults)
    return len(entries)
