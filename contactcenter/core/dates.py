"""Calendar arithmetic that the standard library leaves out."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

AVERAGE_DAYS_PER_MONTH = Decimal("30.44")


def add_months(day: dt.date, months: Decimal | int) -> dt.date:
    """``day`` plus a possibly fractional number of months.

    Whole months move the calendar month (the 31st becomes the month's last day when the
    target month is shorter); the fraction is converted to days at the average month length,
    the way posted processing times such as 8.5 months are read.
    """
    months = Decimal(months)
    whole = int(months)
    fraction = months - whole
    month_index = day.month - 1 + whole
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    moved = day.replace(year=year, month=month, day=min(day.day, last))
    extra_days = int((fraction * AVERAGE_DAYS_PER_MONTH).quantize(Decimal(1), ROUND_HALF_UP))
    return moved + dt.timedelta(days=extra_days)
