from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema

from contactcenter.core.api_schemas import (
    BAD_INPUT,
    NOT_FOUND,
    RATE_LIMITED,
    ServiceRequestNumberText,
    receipt_number_text,
)
from contactcenter.core.errors import ApplicationError
from contactcenter.core.rate_limits import rate_limit_hit_by_client
from contactcenter.core.receipt_numbers import PREFIXES, ReceiptNumber
from contactcenter.servicerequests.selectors import service_request_public

router = Router(tags=["self-service"])

ReceiptNumberText = Annotated[str, receipt_number_text(PREFIXES)]


class ServiceRequestOut(Schema):
    number: str
    type: str
    type_title: str
    state: str
    state_text: str
    created_on: dt.date
    due_on: dt.date
    language: str


@router.get(
    "/service-requests/{number}",
    response={200: ServiceRequestOut, **BAD_INPUT, **NOT_FOUND, **RATE_LIMITED},
    summary="State of one service request, by its number and the case's receipt number",
)
def service_request_status(
    request: HttpRequest,
    number: ServiceRequestNumberText,
    receipt_number: ReceiptNumberText,
    language: Literal["en", "es"] = "en",
) -> ServiceRequestOut:
    # Same budget as case status, counted separately: both numbers are needed, but without a
    # limit the 8-digit space could still be walked for one known receipt number.
    rate_limit_hit_by_client(
        request,
        scope="service-request-status",
        limit=settings.CASE_STATUS_RATE_LIMIT,
        window_seconds=settings.CASE_STATUS_RATE_WINDOW_SECONDS,
    )
    with translation.override(language):
        try:
            result = service_request_public(
                number=number,
                receipt_number=ReceiptNumber.parse(receipt_number),
                language=language,
            )
        except ApplicationError as error:
            error.message = str(error.message)
            raise
        return ServiceRequestOut(
            number=result.number,
            type=result.type,
            type_title=result.type_title,
            state=result.state,
            state_text=result.state_text,
            created_on=result.created_on,
            due_on=result.due_on,
            language=language,
        )
