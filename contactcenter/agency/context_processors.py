"""The active agency in every template: ``agency`` (the profile) and ``agency_texts`` (its
names, numbers and hours in the page's language)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from contactcenter.agency.selectors import agency_profile


def agency(request: HttpRequest) -> dict[str, object]:
    profile = agency_profile()
    return {"agency": profile, "agency_texts": profile.values(translation.get_language() or "en")}
