"""Writes to offices: the reference-data load and office closures.

The offices are data (``offices/data/offices.yaml``), validated on load: a bad file changes
nothing and the error names the office and the field at fault.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.db import transaction

from contactcenter.core.errors import ErrorCode, InvalidInput
from contactcenter.offices.models import Office, OfficeClosure, OfficeHours, OfficeKind, ServiceArea

logger = logging.getLogger(__name__)

OFFICES_FILE = Path(__file__).resolve().parent / "data" / "offices.yaml"

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_TEXT_FIELDS = (
    "name_en",
    "name_es",
    "street",
    "city",
    "state",
    "zip_code",
    "country",
    "phone",
    "email",
    "time_zone",
    "public_contact_note_en",
    "public_contact_note_es",
)
_REQUIRED = ("code", "kind", "name_en", "name_es")
_KNOWN_KEYS = frozenset({*_TEXT_FIELDS, "code", "kind", "open_to_public", "hours", "zips"})
# Bulk writes are chunked so no single statement passes SQLite's bound-parameter limit.
_CHUNK = 900


class ReferenceDataError(InvalidInput):
    """The reference-data file is malformed; nothing was written."""

    code = ErrorCode.INVALID_DATA_FILE


@dataclass(frozen=True, slots=True)
class HoursDefinition:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time


@dataclass(frozen=True, slots=True)
class OfficeDefinition:
    """One office as the data file describes it, already validated."""

    code: str
    kind: str
    name_en: str
    name_es: str
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    country: str = "US"
    phone: str = ""
    email: str = ""
    time_zone: str = "America/New_York"
    open_to_public: bool = True
    public_contact_note_en: str = ""
    public_contact_note_es: str = ""
    hours: tuple[HoursDefinition, ...] = ()
    zips: tuple[str, ...] = ()

    def model_fields(self) -> dict[str, Any]:
        values = asdict(self)
        del values["hours"], values["zips"]
        return values


@dataclass(slots=True)
class OfficeLoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    hours_replaced: list[str] = field(default_factory=list)
    service_areas_added: int = 0
    service_areas_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.hours_replaced
            or self.service_areas_added
            or self.service_areas_removed
        )


def expand_zip_ranges(entries: Sequence[object], *, where: str = "zips") -> list[str]:
    """``["10001-10003", "10101"]`` -> ``["10001", "10002", "10003", "10101"]``."""
    zips: list[str] = []
    for entry in entries:
        text = str(entry).strip()
        first, _, last = text.partition("-")
        last = last or first
        if not (len(first) == len(last) == 5 and first.isdigit() and last.isdigit()):
            raise ReferenceDataError(
                f"{where}: {text!r} is not a 5-digit ZIP code or a range like 10001-10299."
            )
        if int(last) < int(first):
            raise ReferenceDataError(f"{where}: the range {text!r} ends before it starts.")
        zips.extend(f"{number:05d}" for number in range(int(first), int(last) + 1))
    return zips


def _parse_time(raw: object, *, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(raw))
    except ValueError:
        raise ReferenceDataError(f"{where}: {raw!r} is not a time like 07:30.") from None


def _parse_hours(raw: object, *, where: str) -> tuple[HoursDefinition, ...]:
    if not isinstance(raw, list):
        raise ReferenceDataError(f"{where}: hours must be a list of {{days, opens, closes}}.")
    hours: list[HoursDefinition] = []
    for block in raw:
        if not isinstance(block, dict) or not {"days", "opens", "closes"} <= block.keys():
            raise ReferenceDataError(f"{where}: each hours entry needs days, opens and closes.")
        opens = _parse_time(block["opens"], where=where)
        closes = _parse_time(block["closes"], where=where)
        if closes <= opens:
            raise ReferenceDataError(f"{where}: closes ({closes}) must be after opens ({opens}).")
        days = block["days"]
        if not isinstance(days, list) or not days:
            raise ReferenceDataError(f"{where}: days must be a list such as [mon, tue].")
        for day in days:
            if str(day).lower() not in _WEEKDAYS:
                raise ReferenceDataError(f"{where}: {day!r} is not a weekday (mon..sun).")
            hours.append(HoursDefinition(_WEEKDAYS[str(day).lower()], opens, closes))
    keys = [(h.weekday, h.opens_at) for h in hours]
    if len(set(keys)) != len(keys):
        raise ReferenceDataError(f"{where}: the same day and opening time appear twice.")
    return tuple(sorted(hours, key=lambda h: (h.weekday, h.opens_at)))


def _parse_office(raw: object, *, index: int, hour_sets: Mapping[str, object]) -> OfficeDefinition:
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"offices[{index}]: each office must be a mapping.")
    where = f"office {raw.get('code') or f'#{index + 1}'}"
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise ReferenceDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    for key in _REQUIRED:
        if not str(raw.get(key) or "").strip():
            raise ReferenceDataError(f"{where}: {key} is required.")
    code = str(raw["code"]).strip()
    if len(code) > Office._meta.get_field("code").max_length:  # type: ignore[operator]
        raise ReferenceDataError(f"{where}: the code is longer than 8 characters.")
    kind = str(raw["kind"])
    if kind not in OfficeKind.values:
        raise ReferenceDataError(
            f"{where}: kind {kind!r} is not one of {', '.join(OfficeKind.values)}."
        )
    texts = {key: str(raw[key]).strip() for key in _TEXT_FIELDS if raw.get(key) is not None}
    time_zone = texts.get("time_zone", "America/New_York")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReferenceDataError(f"{where}: {time_zone!r} is not an IANA time zone.") from None
    if kind == OfficeKind.INTERNATIONAL and not (
        texts.get("public_contact_note_en") and texts.get("public_contact_note_es")
    ):
        raise ReferenceDataError(
            f"{where}: an international office needs public_contact_note_en and _es."
        )
    hours_raw = raw.get("hours", [])
    if isinstance(hours_raw, str):
        if hours_raw not in hour_sets:
            raise ReferenceDataError(f"{where}: no hour set named {hours_raw!r}.")
        hours_raw = hour_sets[hours_raw]
    zips_raw = raw.get("zips") or []
    if zips_raw and kind != OfficeKind.FIELD_OFFICE:
        raise ReferenceDataError(f"{where}: only field offices serve ZIP codes.")
    if not isinstance(zips_raw, list):
        raise ReferenceDataError(f"{where}: zips must be a list.")
    zips = expand_zip_ranges(zips_raw, where=where)
    if len(set(zips)) != len(zips):
        raise ReferenceDataError(f"{where}: a ZIP code is listed twice.")
    return OfficeDefinition(
        code=code,
        kind=kind,
        open_to_public=bool(raw.get("open_to_public", True)),
        hours=_parse_hours(hours_raw, where=where),
        zips=tuple(zips),
        **texts,
    )


def office_definitions_read(*, path: Path = OFFICES_FILE) -> list[OfficeDefinition]:
    """Parse and validate the offices file without touching the database."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ReferenceDataError(f"{Path(path).name} is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("offices"), list):
        raise ReferenceDataError(f"{Path(path).name} needs a top-level list named offices.")
    hour_sets = document.get("hour_sets") or {}
    definitions = [
        _parse_office(raw, index=index, hour_sets=hour_sets)
        for index, raw in enumerate(document["offices"])
    ]
    seen_codes: set[str] = set()
    zip_owner: dict[str, str] = {}
    for definition in definitions:
        if definition.code in seen_codes:
            raise ReferenceDataError(f"office {definition.code}: the code appears twice.")
        seen_codes.add(definition.code)
        for zip_code in definition.zips:
            other = zip_owner.setdefault(zip_code, definition.code)
            if other != definition.code:
                raise ReferenceDataError(
                    f"ZIP code {zip_code} is served by both {other} and {definition.code}; "
                    "a ZIP code may belong to one field office only."
                )
    return definitions


def _sync_hours(
    *, offices: Mapping[str, Office], definitions: Sequence[OfficeDefinition]
) -> list[str]:
    current: dict[int, set[tuple[int, dt.time, dt.time]]] = defaultdict(set)
    for office_id, weekday, opens_at, closes_at in OfficeHours.objects.filter(
        office__in=offices.values()
    ).values_list("office_id", "weekday", "opens_at", "closes_at"):
        current[office_id].add((weekday, opens_at, closes_at))
    replaced: list[str] = []
    new_rows: list[OfficeHours] = []
    for definition in definitions:
        office = offices[definition.code]
        wanted = {(h.weekday, h.opens_at, h.closes_at) for h in definition.hours}
        if wanted == current[office.pk]:
            continue
        OfficeHours.objects.filter(office=office).delete()
        new_rows.extend(
            OfficeHours(office=office, weekday=w, opens_at=o, closes_at=c)
            for w, o, c in sorted(wanted)
        )
        replaced.append(definition.code)
    OfficeHours.objects.bulk_create(new_rows, batch_size=_CHUNK)
    return replaced


def _sync_service_areas(
    *, offices: Mapping[str, Office], definitions: Sequence[OfficeDefinition]
) -> tuple[int, int]:
    """Make the ZIP codes of the listed offices exactly those in the file.

    A ZIP the file gives to another office is taken from its old owner first, so the unique
    constraint on ZIP codes holds at every statement.
    """
    wanted = {z: offices[d.code].pk for d in definitions for z in d.zips}
    listed_ids = {office.pk for office in offices.values()}
    stale: list[int] = []
    present: set[str] = set()
    # The whole table is a few thousand short rows: one read beats thousands of IN parameters.
    for row_id, zip_code, office_id in ServiceArea.objects.values_list("id", "zip_code", "office"):
        owner = wanted.get(zip_code)
        if owner == office_id:
            present.add(zip_code)
        elif owner is not None or office_id in listed_ids:
            stale.append(row_id)
    for start in range(0, len(stale), _CHUNK):
        ServiceArea.objects.filter(id__in=stale[start : start + _CHUNK]).delete()
    new_rows = [
        ServiceArea(office_id=office_id, zip_code=zip_code)
        for zip_code, office_id in sorted(wanted.items())
        if zip_code not in present
    ]
    ServiceArea.objects.bulk_create(new_rows, batch_size=_CHUNK)
    return len(new_rows), len(stale)


@transaction.atomic
def office_reference_data_load(*, path: Path = OFFICES_FILE) -> OfficeLoadSummary:
    """Upsert every office in the file by code, with its hours and ZIP codes.

    Idempotent: a second load with the same file writes nothing (``updated_at`` is untouched).
    Offices absent from the file are kept, since cases and staff may refer to them.
    """
    definitions = office_definitions_read(path=path)
    summary = OfficeLoadSummary()
    existing = {o.code: o for o in Office.objects.filter(code__in=[d.code for d in definitions])}
    offices: dict[str, Office] = {}
    for definition in definitions:
        values = definition.model_fields()
        office = existing.get(definition.code)
        if office is None:
            office = Office.objects.create(**values)
            summary.created.append(definition.code)
        else:
            changed = [name for name, value in values.items() if getattr(office, name) != value]
            if changed:
                for name in changed:
                    setattr(office, name, values[name])
                office.save(update_fields=[*changed, "updated_at"])
                summary.updated.append(definition.code)
            else:
                summary.unchanged += 1
        offices[definition.code] = office
    summary.hours_replaced = _sync_hours(offices=offices, definitions=definitions)
    added, removed = _sync_service_areas(offices=offices, definitions=definitions)
    summary.service_areas_added, summary.service_areas_removed = added, removed
    logger.info(
        "offices.reference_data_loaded",
        extra={
            "offices_created": len(summary.created),
            "offices_updated": len(summary.updated),
            "offices_unchanged": summary.unchanged,
            "hours_replaced": len(summary.hours_replaced),
            "service_areas_added": added,
            "service_areas_removed": removed,
        },
    )
    return summary


@transaction.atomic
def office_closure_create(
    *,
    office: Office,
    starts_on: dt.date,
    ends_on: dt.date,
    reason_en: str,
    reason_es: str,
) -> OfficeClosure:
    """Record that ``office`` is closed from ``starts_on`` to ``ends_on`` inclusive.

    Both reasons are shown to the public, so both languages are required. Recording the same
    closure twice returns the existing row.
    """
    if ends_on < starts_on:
        raise InvalidInput("A closure cannot end before it starts.")
    if not reason_en.strip() or not reason_es.strip():
        raise InvalidInput("A closure needs a reason in English and in Spanish.")
    closure, created = OfficeClosure.objects.get_or_create(
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
        defaults={"reason_en": reason_en.strip(), "reason_es": reason_es.strip()},
    )
    if created:
        logger.info(
            "offices.closure_created",
            extra={"office": office.code, "starts_on": starts_on.isoformat()},
        )
    return closure
