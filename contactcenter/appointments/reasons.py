"""Appointment reasons and accommodations, as data (``data/reasons.yaml``), validated on load.

A bad file fails with the entry and the field at fault; nothing half-read is ever used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from contactcenter.core.errors import ErrorCode, InvalidInput
from contactcenter.offices.models import OfficeKind

REASONS_FILE = Path(__file__).resolve().parent / "data" / "reasons.yaml"
REQUESTABLE_KIND = OfficeKind.FIELD_OFFICE
BIOMETRICS_REASON = "biometrics"

_REASON_KEYS = frozenset(
    {"code", "office_kind", "urgent", "title_en", "title_es", "bring_en", "bring_es"}
)
_ACCOMMODATION_KEYS = frozenset({"code", "needs_note", "title_en", "title_es"})
_OFFICE_KINDS = frozenset({OfficeKind.FIELD_OFFICE, OfficeKind.SUPPORT_CENTER})


class ReasonsFileError(InvalidInput):
    """The reasons file is malformed."""

    code = ErrorCode.INVALID_DATA_FILE


@dataclass(frozen=True, slots=True)
class AppointmentReason:
    code: str
    office_kind: str
    urgent: bool
    title_en: str
    title_es: str
    bring_en: tuple[str, ...]
    bring_es: tuple[str, ...]

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    def bring(self, language: str) -> tuple[str, ...]:
        return self.bring_es if language == "es" else self.bring_en

    @property
    def requestable(self) -> bool:
        """Whether a person may ask for it (biometrics are booked by the agency only)."""
        return self.office_kind == REQUESTABLE_KIND


@dataclass(frozen=True, slots=True)
class Accommodation:
    code: str
    needs_note: bool
    title_en: str
    title_es: str

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en


@dataclass(frozen=True, slots=True)
class Catalogue:
    reasons: dict[str, AppointmentReason]
    accommodations: dict[str, Accommodation]


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReasonsFileError(f"{where}: {key} is required text.")
    return value.strip()


def _lines(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise ReasonsFileError(f"{where}: {key} must be a non-empty list.")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ReasonsFileError(f"{where}: every line of {key} must be text.")
    return tuple(item.strip() for item in value)


def _entry(raw: object, *, index: int, section: str, keys: frozenset[str]) -> tuple[dict, str]:
    if not isinstance(raw, dict):
        raise ReasonsFileError(f"{section}[{index}]: each entry must be a mapping.")
    where = f"{section} {raw.get('code') or f'#{index + 1}'}"
    unknown = set(raw) - keys
    if unknown:
        raise ReasonsFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    code = _text(raw, "code", where)
    if not code.replace("_", "").isalnum() or not code.islower():
        raise ReasonsFileError(f"{where}: a code is lower-case letters, digits and _.")
    return raw, where


def catalogue_read(*, path: Path = REASONS_FILE) -> Catalogue:
    """Parse and validate the file without touching the database."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ReasonsFileError(f"{Path(path).name} is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ReasonsFileError(f"{Path(path).name} needs reasons and accommodations lists.")
    raw_reasons, raw_accommodations = document.get("reasons"), document.get("accommodations")
    if not isinstance(raw_reasons, list) or not isinstance(raw_accommodations, list):
        raise ReasonsFileError(f"{Path(path).name} needs reasons and accommodations lists.")
    reasons: dict[str, AppointmentReason] = {}
    for index, item in enumerate(raw_reasons):
        raw, where = _entry(item, index=index, section="reasons", keys=_REASON_KEYS)
        kind = _text(raw, "office_kind", where)
        if kind not in _OFFICE_KINDS:
            raise ReasonsFileError(f"{where}: office_kind must be field_office or support_center.")
        if not isinstance(raw.get("urgent", False), bool):
            raise ReasonsFileError(f"{where}: urgent must be true or false.")
        reason = AppointmentReason(
            code=raw["code"].strip(),
            office_kind=kind,
            urgent=bool(raw.get("urgent", False)),
            title_en=_text(raw, "title_en", where),
            title_es=_text(raw, "title_es", where),
            bring_en=_lines(raw, "bring_en", where),
            bring_es=_lines(raw, "bring_es", where),
        )
        if reason.code in reasons:
            raise ReasonsFileError(f"{where}: the code appears twice.")
        reasons[reason.code] = reason
    if BIOMETRICS_REASON not in reasons:
        raise ReasonsFileError(f"reasons: {BIOMETRICS_REASON!r} is required (ASC appointments).")
    accommodations: dict[str, Accommodation] = {}
    for index, item in enumerate(raw_accommodations):
        raw, where = _entry(item, index=index, section="accommodations", keys=_ACCOMMODATION_KEYS)
        if not isinstance(raw.get("needs_note", False), bool):
            raise ReasonsFileError(f"{where}: needs_note must be true or false.")
        accommodation = Accommodation(
            code=raw["code"].strip(),
            needs_note=bool(raw.get("needs_note", False)),
            title_en=_text(raw, "title_en", where),
            title_es=_text(raw, "title_es", where),
        )
        if accommodation.code in accommodations:
            raise ReasonsFileError(f"{where}: the code appears twice.")
        accommodations[accommodation.code] = accommodation
    return Catalogue(reasons=reasons, accommodations=accommodations)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return catalogue_read()


def reason_get(code: str) -> AppointmentReason | None:
    return catalogue().reasons.get(code)


def reasons_requestable() -> list[AppointmentReason]:
    return [reason for reason in catalogue().reasons.values() if reason.requestable]
