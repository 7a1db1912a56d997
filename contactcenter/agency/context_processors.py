"""The active agency in every template: ``agency`` (the profile), ``agency_texts`` (its names,
numbers and hours in the page's language, by placeholder name: ``agency_texts.agency_phone``)
and ``agency_addresses`` (its mailing addresses, labelled in that language)."""

from __future__ import annotations

from django.http import HttpRequest

from contactcenter.agency.selectors import agency_profile
from contactcenter.core.languages import active_language


def agency(request: HttpRequest) -> dict[str, object]:
    profile = agency_profile()
    language = active_language()
    return {
        "agency": profile,
        "agency_texts": profile.values(language),
        "agency_addresses": [
            (address.label.get(language) or address.label["en"], address.lines)
            for address in profile.mailing_addresses
        ],
    }
