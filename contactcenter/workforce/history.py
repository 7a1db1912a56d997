"""Offered volume as history for the forecasts: one point per interval, queue, channel and
language, read from the interval facts (``selectors.offered_history``) or from a CSV file.

The file is read whole before anything uses it: one bad row refuses the file, and the error
lists every bad row by its line number, so nothing is ever half-read.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from contactcenter.workforce.errors import HistoryFileInvalid

CSV_COLUMNS = ("interval_start", "queue", "channel", "language", "contacts")
_WORD = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# More bad rows than this are counted, not listed: the first ones show what is wrong.
_LISTED_ERRORS = 20


@dataclass(frozen=True)
class HistoryPoint:
    """Contacts offered in the interval starting at ``start`` (aware)."""

    start: dt.datetime
    queue: str
    channel: str
    language: str
    contacts: float


def _row_point(
    row: dict[str, str], *, minutes: int, zone: ZoneInfo, languages: set[str]
) -> HistoryPoint:
    text = (row.get("interval_start") or "").strip()
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(text)s is not an ISO 8601 date and time.") % {"text": text}) from None
    if start.tzinfo is None:
        raise ValueError(_("%(text)s has no UTC offset.") % {"text": text})
    local = start.astimezone(zone)
    if local.minute % minutes or local.second or local.microsecond:
        raise ValueError(
            _("%(text)s does not start a %(minutes)s-minute interval.")
            % {"text": text, "minutes": minutes}
        )
    queue = (row.get("queue") or "").strip()
    channel = (row.get("channel") or "").strip()
    language = (row.get("language") or "").strip()
    if not _WORD.match(queue):
        raise ValueError(_("%(text)s is not a queue code.") % {"text": queue or '""'})
    if not _WORD.match(channel):
        raise ValueError(_("%(text)s is not a channel.") % {"text": channel or '""'})
    if language and language not in languages:
        raise ValueError(_("%(text)s is not a language of the agency.") % {"text": language})
    number = (row.get("contacts") or "").strip()
    try:
        contacts = int(number)
    except ValueError:
        raise ValueError(_("%(text)s is not a whole number.") % {"text": number or '""'}) from None
    if contacts < 0:
        raise ValueError(_("%(text)s contacts is below zero.") % {"text": number})
    return HistoryPoint(start, queue, channel, language, float(contacts))


def history_csv_read(*, path: Path, minutes: int, zone: ZoneInfo) -> list[HistoryPoint]:
    """Every row of ``path`` as a point, or ``HistoryFileInvalid`` naming each bad line."""
    languages = {code for code, _name in settings.LANGUAGES}
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError:
        raise HistoryFileInvalid(_("%(path)s cannot be read.") % {"path": path}) from None
    points: list[HistoryPoint] = []
    errors: list[str] = []
    seen: dict[tuple[dt.datetime, str, str, str], int] = {}
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError:
            raise HistoryFileInvalid(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
        missing = [column for column in CSV_COLUMNS if column not in header]
        if missing:
            raise HistoryFileInvalid(
                _("The history file lacks the columns %(columns)s (line 1).")
                % {"columns": ", ".join(missing)}
            )
        try:
            for row in reader:
                line = reader.line_num
                try:
                    point = _row_point(row, minutes=minutes, zone=zone, languages=languages)
                except ValueError as error:
                    errors.append(_("line %(line)s: %(error)s") % {"line": line, "error": error})
                    continue
                key = (point.start, point.queue, point.channel, point.language)
                if key in seen:
                    errors.append(
                        _(
                            "line %(line)s: the same interval, queue, channel and language "
                            "as line %(first)s."
                        )
                        % {"line": line, "first": seen[key]}
                    )
                    continue
                seen[key] = line
                points.append(point)
        except UnicodeDecodeError:
            raise HistoryFileInvalid(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
    if errors:
        listed = errors[:_LISTED_ERRORS]
        if len(errors) > _LISTED_ERRORS:
            listed.append(
                _("... and %(count)s more bad rows.") % {"count": len(errors) - _LISTED_ERRORS}
            )
        raise HistoryFileInvalid(
            _("The history file was not used; fix these rows:") + "\n" + "\n".join(listed)
        )
    if not points:
        raise HistoryFileInvalid(_("The history file has no rows."))
    return points
