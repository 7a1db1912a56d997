"""What every API endpoint shares in its OpenAPI document: the error body and its statuses,
and the published shape of the identifiers it takes (from ``core.text_patterns``)."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import WithJsonSchema

from contactcenter.core.text_patterns import (
    CATALOGUE_CODE_MAX_LENGTH,
    CATALOGUE_CODE_PATTERN,
    FREE_TEXT_PATTERN,
    RECEIPT_NUMBER_MAX_LENGTH,
    SERVICE_REQUEST_NUMBER_MAX_LENGTH,
    SERVICE_REQUEST_NUMBER_PATTERN,
    receipt_number_pattern,
)


class ErrorOut(Schema):
    """Every refusal: a stable ``code`` and a ``message`` safe to show."""

    code: str
    message: str


# 400: the input is malformed (bad JSON, a missing or malformed parameter); 422: it is well
# formed but refused (a control character, for one); 429: too many requests from this client.
BAD_INPUT = {400: ErrorOut, 422: ErrorOut}
RATE_LIMITED = {429: ErrorOut}
NOT_FOUND = {404: ErrorOut}


def _text(description: str, *, pattern: str, max_length: int, min_length: int = 1) -> object:
    # Published only: the parsers check the same pattern themselves, so that each refusal
    # says what was wrong in the person's language rather than a generic validation error.
    return WithJsonSchema(
        {
            "type": "string",
            "description": description,
            "pattern": pattern,
            "minLength": min_length,
            "maxLength": max_length,
        }
    )


def receipt_number_text(prefixes: frozenset[str]) -> object:
    return _text(
        "Three letters and ten digits, for example EAC2212345678; any case, with spaces or "
        "dashes anywhere.",
        pattern=receipt_number_pattern(prefixes),
        max_length=RECEIPT_NUMBER_MAX_LENGTH,
    )


ServiceRequestNumberText = Annotated[
    str,
    _text(
        "Eight digits, the first not zero, for example 41234567; spaces or dashes allowed.",
        pattern=SERVICE_REQUEST_NUMBER_PATTERN,
        max_length=SERVICE_REQUEST_NUMBER_MAX_LENGTH,
    ),
]

CatalogueCodeText = Annotated[
    str,
    _text(
        "A code from the catalogue (letters, digits, dashes), for example I-485 or NSC.",
        pattern=CATALOGUE_CODE_PATTERN,
        max_length=CATALOGUE_CODE_MAX_LENGTH,
        min_length=0,
    ),
]


def free_text(description: str, *, max_length: int) -> object:
    return _text(description, pattern=FREE_TEXT_PATTERN, max_length=max_length)
