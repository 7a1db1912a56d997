"""Receipt numbers as the agency issues them: an intake office's prefix, the fiscal year, the
number of the federal workday in that year, and a five-digit sequence."""

from __future__ import annotations

import datetime as dt
import functools

import holidays

from contactcenter.core.receipt_numbers import PREFIX_OFFICES

# The prefix each intake office stamps on the receipts it issues.
OFFICE_PREFIXES: dict[str, str] = {
    "VSC": "EAC",
    "CSC": "WAC",
    "NSC": "LIN",
    "TSC": "SRC",
    "NBC": "MSC",
    "PSC": "YSC",
}
# Receipts of forms filed online start with IOE; in this demo the Potomac Service Center holds
# them (the real agency spreads them over several centers).
IOE_HOLDING_OFFICE = "PSC"


def intake_office_for_prefix(prefix: str) -> str:
    """The office that holds a case when it is received under ``prefix``."""
    return IOE_HOLDING_OFFICE if prefix == "IOE" else PREFIX_OFFICES[prefix]


def fiscal_year_of(day: dt.date) -> int:
    """Federal fiscal years start on October 1: 2025-10-01 is in fiscal year 2026."""
    return day.year + 1 if day.month >= 10 else day.year


@functools.cache
def _receipt_days(fiscal_year: int) -> tuple[dt.date, ...]:
    federal = holidays.country_holidays("US", years=[fiscal_year - 1, fiscal_year])
    day = dt.date(fiscal_year - 1, 10, 1)
    days: list[dt.date] = []
    while day.year < fiscal_year or day.month < 10:
        if day.weekday() < 5 and day not in federal:
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


@functools.cache
def _workday_numbers(fiscal_year: int) -> dict[dt.date, int]:
    return {day: number for number, day in enumerate(_receipt_days(fiscal_year), start=1)}


def is_receipt_day(day: dt.date) -> bool:
    """Receipts are issued on federal workdays only (no weekends, no federal holidays)."""
    return day in _workday_numbers(fiscal_year_of(day))


def fiscal_workday(day: dt.date) -> int:
    """The number of ``day`` among the workdays of its fiscal year (October 1 is usually 1)."""
    number = _workday_numbers(fiscal_year_of(day)).get(day)
    if number is None:
        raise ValueError(f"{day} is not a federal workday")
    return number


def receipt_day_for(fiscal_year: int, workday: int) -> dt.date:
    days = _receipt_days(fiscal_year)
    if not 1 <= workday <= len(days):
        raise ValueError(f"fiscal year {fiscal_year} has workdays 1 to {len(days)}")
    return days[workday - 1]


def previous_receipt_day(day: dt.date) -> dt.date:
    while not is_receipt_day(day):
        day -= dt.timedelta(days=1)
    return day


def receipt_number_compose(*, prefix: str, receipt_date: dt.date, sequence: int) -> str:
    if not 0 <= sequence <= 99_999:
        raise ValueError("a receipt sequence has five digits")
    year = fiscal_year_of(receipt_date) % 100
    return f"{prefix}{year:02d}{fiscal_workday(receipt_date):03d}{sequence:05d}"


def receipt_date_of(receipt_number: str) -> dt.date:
    """The receipt date a (normalised) receipt number encodes."""
    return receipt_day_for(2000 + int(receipt_number[3:5]), int(receipt_number[5:8]))
