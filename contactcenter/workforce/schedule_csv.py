"""A schedule as CSV: one row per shift, and one row per interval with what is short or over.

The same writers serve the ``schedule`` command (a schedule just made, ``ScheduleResult``) and
the desk's schedule page (a stored one): both turn their shifts into ``ShiftRow`` values and
hand over their intervals, so the two files never drift apart. The headers and the words in
the breaks column are fixed English, like any machine-read file; times are written in the
agency's time zone with their UTC offset.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Protocol

from contactcenter.workforce.schedule import ScheduleResult

SHIFT_COLUMNS = ["agent", "line", "pattern", "day", "start", "end", "breaks", "paid_hours"]
COVERAGE_COLUMNS = ["interval_start", "required", "scheduled", "short", "over"]


@dataclass(frozen=True)
class ShiftBreak:
    start: dt.datetime
    end: dt.datetime
    paid: bool


@dataclass(frozen=True)
class ShiftRow:
    """One agent-line's shift on one day, times on the agency's clock."""

    agent: str  # the agent's username, or "" for a line not handed to anyone
    line: str
    pattern: str  # the pattern's code
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    breaks: tuple[ShiftBreak, ...]

    @property
    def paid_hours(self) -> float:
        """Time on site less the unpaid breaks (lengths are elapsed time, as the solver's)."""
        unpaid = sum(
            ((placed.end - placed.start) for placed in self.breaks if not placed.paid),
            dt.timedelta(),
        )
        return (self.end - self.start - unpaid).total_seconds() / 3600


class CoverageLike(Protocol):
    @property
    def start(self) -> dt.datetime: ...
    @property
    def required(self) -> int: ...
    @property
    def scheduled(self) -> float: ...
    @property
    def short(self) -> float: ...
    @property
    def over(self) -> float: ...


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def breaks_text(breaks: Sequence[ShiftBreak]) -> str:
    """``10:30-10:45 paid;12:00-12:30 unpaid``: fixed English words, as the CSV's headers."""
    return ";".join(
        f"{_clock(placed.start)}-{_clock(placed.end)} {'paid' if placed.paid else 'unpaid'}"
        for placed in breaks
    )


def result_shift_rows(result: ScheduleResult) -> list[ShiftRow]:
    """A schedule just made, as rows: line by line, each line's days in order."""
    return [
        ShiftRow(
            agent=line.agent_name,
            line=line.label,
            pattern=line.pattern.code,
            day=shift.day,
            start=shift.starts_at,
            end=shift.ends_at,
            breaks=tuple(ShiftBreak(b.start, b.end, b.paid) for b in shift.breaks),
        )
        for line in result.lines
        for shift in line.shifts
    ]


def shifts_csv_write(rows: Iterable[ShiftRow], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHIFT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.agent,
                row.line,
                row.pattern,
                row.day.isoformat(),
                row.start.isoformat(),
                row.end.isoformat(),
                breaks_text(row.breaks),
                f"{row.paid_hours:.2f}",
            ]
        )


def coverage_csv_write(rows: Iterable[CoverageLike], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COVERAGE_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.start.isoformat(),
                row.required,
                f"{row.scheduled:.2f}",
                f"{row.short:.2f}",
                f"{row.over:.2f}",
            ]
        )
