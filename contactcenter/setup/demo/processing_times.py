"""Posted processing times: six monthly publications per form, category and office, tuned so
that the showcase cases fall within or outside normal processing time as their story says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contactcenter.cases.models import FormCategory, FormType, ProcessingTime
from contactcenter.offices.models import Office
from contactcenter.setup.demo.batches import BATCH_SIZE
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.plan import DemoPlan, ProcessingTimePlan
from contactcenter.setup.demo.profiles import (
    ASYLUM,
    ASYLUM_OFFICE_FOR_FIELD_OFFICE,
    FIELD,
    INTERNATIONAL_WEIGHTS,
    PROFILES,
    Profile,
)
from contactcenter.setup.demo.receipts import IOE_HOLDING_OFFICE, receipt_date_of
from contactcenter.setup.demo.showcases import SHOWCASES


def _half(value: float) -> Decimal:
    """Posted times are published to the half month."""
    return Decimal(max(1, round(value * 2))) / 2


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def _publication_dates(today: dt.date, count: int = 6) -> list[dt.date]:
    """The 15th of the last ``count`` months, the newest on or before ``today``."""
    year, month = today.year, today.month
    if today.day < 15:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    dates = []
    for _ in range(count):
        dates.append(dt.date(year, month, 15))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(dates)


def _offices_for(draft: Draft, profile: Profile) -> list[str]:
    codes = list(profile.intake)
    if profile.online:
        codes.append(IOE_HOLDING_OFFICE)
    if profile.transfer_to == FIELD:
        codes += [o.code for o in draft.field_offices]
    if profile.transfer_to == ASYLUM:
        codes += sorted(set(ASYLUM_OFFICE_FOR_FIELD_OFFICE.values()))
    if profile.abroad:
        codes += list(INTERNATIONAL_WEIGHTS)
    return list(dict.fromkeys(codes))


def processing_times_build(draft: Draft) -> None:
    """Add the publications to the plan and note the current figure each case is timed by."""
    rng = draft.rng("processing-times")
    dates = _publication_dates(draft.today)
    tuned = {(s.form, s.category, s.events[-1][2]): s for s in SHOWCASES if s.posted}
    for profile in PROFILES:
        for office in _offices_for(draft, profile):
            key = (profile.form, profile.category, office)
            current = profile.months * rng.uniform(0.75, 1.3)
            showcase = tuned.get(key)
            if showcase is not None:
                age = _months_between(receipt_date_of(showcase.receipt_number), draft.today)
                current = (
                    max(current, age + 4)
                    if showcase.posted == "within"
                    else min(current, max(age - 3, 1))
                )
            values = [current]
            for _ in dates[1:]:
                values.append(values[-1] * (1 + rng.uniform(-0.05, 0.08)))
            # values run newest to oldest; publications oldest to newest.
            for published_on, months in zip(dates, reversed(values), strict=True):
                draft.plan.processing_times.append(
                    ProcessingTimePlan(*key, min(_half(months), Decimal(120)), published_on)
                )
            draft.posted[key] = _half(current)


def processing_times_write(*, plan: DemoPlan) -> int:
    offices = dict(Office.objects.values_list("code", "id"))
    forms = dict(FormType.objects.values_list("code", "id"))
    categories = {
        (form_code, code): pk
        for form_code, code, pk in FormCategory.objects.values_list("form__code", "code", "id")
    }
    rows = [
        ProcessingTime(
            form_id=forms[p.form],
            category_id=categories[(p.form, p.category)],
            office_id=offices[p.office],
            months=p.months,
            published_on=p.published_on,
        )
        for p in plan.processing_times
    ]
    # Seeding again (for example after the cases were deleted) refreshes the figures.
    ProcessingTime.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["form", "category", "office", "published_on"],
        update_fields=["months"],
    )
    return len(rows)
