from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Schema

from contactcenter.cases.selectors import case_status_public, processing_times_current
from contactcenter.core.api_schemas import (
    BAD_INPUT,
    NOT_FOUND,
    RATE_LIMITED,
    CatalogueCodeText,
    receipt_number_text,
)
from contactcenter.core.dates import add_months
from contactcenter.core.db_threads import db_thread
from contactcenter.core.errors import ApplicationError, InvalidInput
from contactcenter.core.rate_limits import rate_limit_hit_by_client
from contactcenter.core.receipt_numbers import PREFIXES, ReceiptNumber
from contactcenter.core.text_patterns import CATALOGUE_CODE_MAX_LENGTH, CATALOGUE_CODE_PATTERN

router = Router(tags=["self-service"])

ReceiptNumberText = Annotated[str, receipt_number_text(PREFIXES)]
_CATALOGUE_CODE_RE = re.compile(CATALOGUE_CODE_PATTERN)


class CaseStatusOut(Schema):
    receipt_number: str
    form: str
    form_title: str
    status: str
    status_text: str
    status_date: dt.date
    inquiry_eligible_on: dt.date | None
    inquiry_allowed_now: bool
    inquiry_message: str
    language: str


class ProcessingTimeOut(Schema):
    form: str
    form_title: str
    category: str
    category_title: str
    office: str
    office_name: str
    months: float
    published_on: dt.date
    receipt_date_for_inquiry: dt.date


def case_status_rate_limit(request: HttpRequest) -> None:
    rate_limit_hit_by_client(
        request,
        scope="case-status",
        limit=settings.CASE_STATUS_RATE_LIMIT,
        window_seconds=settings.CASE_STATUS_RATE_WINDOW_SECONDS,
    )


def _case_status_lookup(request: HttpRequest, receipt_number: str, language: str) -> CaseStatusOut:
    case_status_rate_limit(request)
    with translation.override(language):
        try:
            parsed = ReceiptNumber.parse(receipt_number)
            result = case_status_public(receipt_number=parsed, language=language)
        except ApplicationError as error:
            # Render the message now, while the requested language is active.
            error.message = str(error.message)
            raise
        eligibility = result.eligibility
        return CaseStatusOut(
            receipt_number=result.receipt_number,
            form=result.form,
            form_title=result.form_title,
            status=result.status,
            status_text=result.status_text,
            status_date=result.status_date,
            inquiry_eligible_on=eligibility.eligible_on,
            inquiry_allowed_now=eligibility.allowed_now,
            inquiry_message=str(eligibility.message),
            language=language,
        )


@router.get(
    "/case-status/{receipt_number}",
    response={200: CaseStatusOut, **BAD_INPUT, **NOT_FOUND, **RATE_LIMITED},
    summary="Status of one case by receipt number",
)
async def case_status(
    request: HttpRequest, receipt_number: ReceiptNumberText, language: Literal["en", "es"] = "en"
) -> CaseStatusOut:
    # The busiest public endpoint: async so it skips Django's thread-per-request for sync
    # views, with its database work on a pooled thread that keeps its connection.
    return await db_thread(_case_status_lookup, request, receipt_number, language)


def _catalogue_code_check(value: str | None) -> None:
    """A filter is a code of the catalogue; anything else could match nothing anyway, and a
    NUL byte or the like must not reach the database."""
    if value is not None and (
        len(value) > CATALOGUE_CODE_MAX_LENGTH or _CATALOGUE_CODE_RE.fullmatch(value) is None
    ):
        raise InvalidInput(
            _("A form, category or office code has only letters, digits and dashes.")
        )


@router.get(
    "/processing-times",
    response={200: list[ProcessingTimeOut], **BAD_INPUT, **NOT_FOUND},
    summary="Posted processing times in force today",
)
def processing_times(
    request: HttpRequest,
    form: CatalogueCodeText | None = None,
    category: CatalogueCodeText | None = None,
    office: CatalogueCodeText | None = None,
    language: Literal["en", "es"] = "en",
) -> list[ProcessingTimeOut]:
    with translation.override(language):
        for value in (form, category, office):
            _catalogue_code_check(value)
    today = timezone.localdate()
    return [
        ProcessingTimeOut(
            form=row.form.code,
            form_title=row.form.title(language),
            category=row.category.code,
            category_title=row.category.title(language),
            office=row.office.code,
            office_name=row.office.name(language),
            months=float(row.months),
            published_on=row.published_on,
            receipt_date_for_inquiry=add_months(today, -row.months),
        )
        for row in processing_times_current(form=form, category=category, office=office)
    ]
