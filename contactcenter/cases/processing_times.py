"""Posted processing times and the date from which a slow-case inquiry may be made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contactcenter.cases.models import ProcessingTime
from contactcenter.cases.statuses import FINAL_STATUSES, CaseStatus
from contactcenter.core.dates import add_months
from contactcenter.core.languages import active_language

# Statuses whose next step is already set: no slow-case inquiry, whatever the posted time
# says, and what to do instead.
WAITING_ON_A_STEP: dict[str, Any] = {
    CaseStatus.INTERVIEW_SCHEDULED: gettext_lazy(
        "An interview is scheduled for this case: the interview is its next step, so a "
        "processing-time inquiry does not apply now. Your interview notice has the date."
    ),
}


@dataclass(frozen=True, slots=True)
class InquiryEligibility:
    eligible_on: dt.date | None
    allowed_now: bool
    message: str
    months: Decimal | None
    published_on: dt.date | None


def long_date(day: dt.date) -> str:
    """A date spelled out in the active language: "November 20, 2026", "20 de noviembre de 2026"."""
    if active_language() == "es":
        return date_format(day, r"j \d\e F \d\e Y")
    return date_format(day, "F j, Y")


def processing_time_current(
    *, form_id: int, category_id: int, office_id: int, on: dt.date | None = None
) -> ProcessingTime | None:
    """The figure in force on ``on`` (today by default): the latest published by then."""
    on = on or timezone.localdate()
    return (
        ProcessingTime.objects.filter(
            form_id=form_id, category_id=category_id, office_id=office_id, published_on__lte=on
        )
        .order_by("-published_on")
        .first()
    )


def inquiry_eligible_on(*, receipt_date: dt.date, months: Decimal) -> dt.date:
    """The first day a "case outside normal processing time" inquiry may be made."""
    return add_months(receipt_date, months)


def inquiry_eligibility(
    *,
    receipt_date: dt.date,
    status: str,
    processing_time: ProcessingTime | None,
    today: dt.date | None = None,
) -> InquiryEligibility:
    today = today or timezone.localdate()
    if status in FINAL_STATUSES:
        return InquiryEligibility(
            None,
            False,
            _(
                "A decision has been made on this case, so a processing-time inquiry does not "
                "apply."
            ),
            None,
            None,
        )
    if status in WAITING_ON_A_STEP:
        # The case is not stalled: its next step is set. Asking about the processing time
        # would not move it.
        return InquiryEligibility(None, False, str(WAITING_ON_A_STEP[status]), None, None)
    if processing_time is None:
        return InquiryEligibility(
            None,
            False,
            _("No processing time is posted for this form and office yet."),
            None,
            None,
        )
    eligible_on = inquiry_eligible_on(receipt_date=receipt_date, months=processing_time.months)
    if today >= eligible_on:
        message = _("Your case is outside the posted processing time. You can ask about it now.")
        return InquiryEligibility(
            eligible_on, True, message, processing_time.months, processing_time.published_on
        )
    message = _(
        "Your case is within the posted processing time of %(months)s months. You can ask "
        "about it from %(date)s."
    ) % {"months": localize(processing_time.months), "date": long_date(eligible_on)}
    return InquiryEligibility(
        eligible_on, False, message, processing_time.months, processing_time.published_on
    )
