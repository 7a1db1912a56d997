"""The retention schedule: ``data/retention.yaml`` (or ``RECORDS_RETENTION_FILE``), checked.

A bad file is refused whole, with the record type and key at fault named, and the purge then
removes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import ErrorCode, InvalidInput

SCHEDULE_FILE = Path(__file__).resolve().parent / "data" / "retention.yaml"

# Every kind of record the purge knows how to remove, and what its period counts from.
RECORD_TYPES = {
    "inquiry": "resolution",
    "call": "resolution",
    "chat": "resolution",
    "secure_message": "resolution",
    "notification": "sent",
    "disclosure_accounting": "disclosure",
    "contact_event": "event",
    "survey": "invitation",
    "email": "received",
    "mail_scan": "received",
    "fax": "received",
}


class RetentionFileError(InvalidInput):
    code = ErrorCode.INVALID_DATA_FILE


@dataclass(frozen=True, slots=True)
class Retention:
    record_type: str
    title: str
    authority: str
    keep_years: int
    after: str
    or_life_of_record: bool

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Records whose period started before this moment are past retention."""
        try:
            return now.replace(year=now.year - self.keep_years)
        except ValueError:  # 29 February
            return now.replace(year=now.year - self.keep_years, day=28)


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    types: dict[str, Retention]
    record_life_ends_at: frozenset[str]


def _fail(where: str, message: str) -> RetentionFileError:
    return RetentionFileError(
        _("Retention file, %(where)s: %(message)s") % {"where": where, "message": message}
    )


def retention_schedule_parse(text: str) -> RetentionSchedule:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        raise _fail("file", _("not valid YAML.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("record_types"), dict):
        raise _fail("file", _("a record_types mapping is required."))
    types: dict[str, Retention] = {}
    for name, entry in data["record_types"].items():
        if name not in RECORD_TYPES:
            raise _fail(str(name), _("not a record type the purge knows."))
        if not isinstance(entry, dict):
            raise _fail(name, _("each record type is a mapping."))
        years = entry.get("keep_years")
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
            raise _fail(f"{name}.keep_years", _("a whole number of years from 1 to 100."))
        after = entry.get("after")
        if after != RECORD_TYPES[name]:
            raise _fail(f"{name}.after", _("must be %(after)s.") % {"after": RECORD_TYPES[name]})
        for key in ("title", "authority"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise _fail(f"{name}.{key}", _("required text."))
        life = entry.get("or_life_of_record", False)
        if not isinstance(life, bool):
            raise _fail(f"{name}.or_life_of_record", _("true or false."))
        types[name] = Retention(
            record_type=name, title=entry["title"].strip(), authority=entry["authority"].strip(),
            keep_years=years, after=after, or_life_of_record=life,
        )  # fmt: skip
    missing = sorted(set(RECORD_TYPES) - set(types))
    if missing:
        raise _fail(", ".join(missing), _("every record type needs a period."))
    ends = data.get("record_life_ends_at", [])
    if not isinstance(ends, list) or any(status not in CaseStatus.values for status in ends):
        raise _fail("record_life_ends_at", _("a list of case statuses."))
    return RetentionSchedule(types=types, record_life_ends_at=frozenset(ends))


def retention_schedule() -> RetentionSchedule:
    path = Path(settings.RECORDS_RETENTION_FILE or SCHEDULE_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise _fail("file", _("cannot be read.")) from None
    return retention_schedule_parse(text)
