"""Reads of office data. Offices are public information, so these carry no permission check."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import ErrorCode, InvalidInput
from contactcenter.offices.models import Office, OfficeClosure, OfficeKind

# Five digits, optionally followed by the ZIP+4 extension, which jurisdiction ignores.
_ZIP = re.compile(r"^\s*([0-9]{5})(?:[\s-]?[0-9]{4})?\s*$")


class InvalidZipCode(InvalidInput):
    code = ErrorCode.INVALID_ZIP_CODE


def zip_code_parse(raw: object) -> str:
    """The five-digit ZIP code in ``raw`` (``"10025"``, ``"10025-1234"``), or a clear error."""
    if not isinstance(raw, str):
        raise InvalidZipCode(_("A ZIP code must be text."))
    match = _ZIP.match(raw)
    if match is None:
        raise InvalidZipCode(
            _("Enter a 5-digit ZIP code, for example 10025 (ZIP+4 such as 10025-1234 is fine).")
        )
    return match.group(1)


def field_office_for_zip(zip_code: str) -> Office | None:
    """The field office with jurisdiction over a residential ZIP code, or None if none serves
    it (for example a ZIP code outside the areas in the reference data)."""
    five = zip_code_parse(zip_code)
    return (
        Office.objects.filter(kind=OfficeKind.FIELD_OFFICE, service_areas__zip_code=five)
        .order_by()
        .first()
    )


def office_get_by_code(code: str) -> Office | None:
    return Office.objects.filter(code=code.strip().upper()).first()


def office_closures_in_effect(*, on: dt.date | None = None) -> QuerySet[OfficeClosure]:
    """Closures covering ``on`` (today in the agency's time zone by default)."""
    day = on or timezone.localdate()
    return OfficeClosure.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related(
        "office"
    )
