"""Writes to the agency profile: load one from a file, or save one edited in the admin.

Either way the profile is checked whole by ``profile.agency_parse`` first; a bad profile
changes nothing, and the error names the field at fault.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from contactcenter.agency.models import AgencyProfile
from contactcenter.agency.profile import DEFAULT_PROFILE_FILE, Agency, agency_file_read


def _row_fill(row: AgencyProfile, agency: Agency) -> None:
    row.name_en, row.name_es = agency.name["en"], agency.name["es"]
    row.short_name_en, row.short_name_es = agency.short_name["en"], agency.short_name["es"]
    row.domain = agency.domain
    row.website_url = agency.website_url
    row.phone_main = agency.phones["main"]
    row.phone_tty = agency.phones.get("tty", "")
    row.phone_international = agency.phones.get("international", "")
    row.phone_intercountry_adoption = agency.phones.get("intercountry-adoption", "")
    row.phone_premium_processing = agency.phones.get("premium-processing", "")
    row.hours_en, row.hours_es = agency.hours["en"], agency.hours["es"]
    row.mailing_addresses = agency.as_dict()["mailing_addresses"]
    row.logo_url = agency.logo_url
    row.official_banner = agency.official_banner
    row.public_base_url = agency.public_base_url


@transaction.atomic
def agency_profile_store(agency: Agency, *, activate: bool | None = True) -> AgencyProfile:
    """Store ``agency`` under its slug (a new row, or the same slug's row replaced): the active
    profile with ``activate`` True, not active with False, as it was with None."""
    row = AgencyProfile.objects.select_for_update().filter(slug=agency.slug).first()
    if row is None:
        row = AgencyProfile(slug=agency.slug)
    _row_fill(row, agency)
    if activate:
        # Only one may be active (a constraint): the others step down first.
        AgencyProfile.objects.filter(active=True).exclude(slug=agency.slug).update(active=False)
        row.active = True
    elif activate is False:
        row.active = False
    row.save()
    return row


def agency_profile_load(path: Path, *, activate: bool | None = True) -> AgencyProfile:
    """A profile file stored (``agency-load``). Raises ``InvalidInput``; nothing changes then."""
    return agency_profile_store(agency_file_read(Path(path)), activate=activate)


@transaction.atomic
def agency_profile_load_default() -> AgencyProfile | None:
    """The default profile stored and made active on a fresh install; a database that has a
    profile already keeps it (an agency's own edits are never overwritten on deploy)."""
    if AgencyProfile.objects.exists():
        return None
    return agency_profile_load(DEFAULT_PROFILE_FILE)
