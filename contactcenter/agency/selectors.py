"""The active agency profile, read once and kept (every page, prompt and message reads it).

A save through the ORM clears the kept profile at once in the saving process and again on
commit; other server processes see it within ``PROFILE_TTL_SECONDS``. With no profile stored
(a fresh database, the tests), the default profile file stands in, so an install names the
same agency before and after its first ``load-reference-data``.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings

from contactcenter.agency.models import AgencyProfile
from contactcenter.agency.profile import (
    DEFAULT_PROFILE_FILE,
    Agency,
    agency_file_read,
    agency_fill,
    agency_parse,
)
from contactcenter.core.errors import InvalidInput
from contactcenter.core.process_cache import ProcessCache

logger = logging.getLogger(__name__)

PROFILE_TTL_SECONDS = 60.0


def profile_data(row: AgencyProfile) -> dict[str, object]:
    """A stored row as a profile file would give it."""
    phones = {
        "main": row.phone_main,
        "tty": row.phone_tty,
        "international": row.phone_international,
        "intercountry-adoption": row.phone_intercountry_adoption,
        "premium-processing": row.phone_premium_processing,
    }
    return {
        "slug": row.slug,
        "name": {"en": row.name_en, "es": row.name_es},
        "short_name": {"en": row.short_name_en, "es": row.short_name_es},
        "domain": row.domain,
        "website_url": row.website_url,
        "phones": {line: number for line, number in phones.items() if number},
        "hours": {"en": row.hours_en, "es": row.hours_es},
        "mailing_addresses": row.mailing_addresses or [],
        "logo_url": row.logo_url,
        "official_banner": row.official_banner,
        "public_base_url": row.public_base_url,
    }


@lru_cache(maxsize=1)
def default_agency() -> Agency:
    """The profile an install starts with, from its file."""
    return agency_file_read(DEFAULT_PROFILE_FILE)


def _active_load() -> Agency:
    row = AgencyProfile.objects.filter(active=True).first()
    if row is None:
        return default_agency()
    try:
        return agency_parse(profile_data(row), where=f"agency profile {row.slug}")
    except InvalidInput as error:
        # Only a row changed behind the admin's and agency-load's checks gets here. Every page
        # and prompt reads the profile, so they go on with the default one, loudly.
        logger.error("agency.profile_invalid slug=%s: %s", row.slug, error.message)
        return default_agency()


ACTIVE_PROFILE: ProcessCache[Agency] = ProcessCache(
    "agency_profile", _active_load, ttl_seconds=PROFILE_TTL_SECONDS, keep_in_transaction=True
)


def agency_profile() -> Agency:
    """The agency this install answers for."""
    return ACTIVE_PROFILE.get()


def agency_text(text: str, language: str) -> str:
    """``text`` with the active agency's placeholders filled in ``language``."""
    if "{agency_" not in text:
        return text
    return agency_fill(text, agency_profile(), language)


def agency_text_without_database(text: str, language: str) -> str:
    """``agency_text`` for words said when the database has failed: the profile last read in
    this process, or the default profile's file, never a query."""
    if "{agency_" not in text:
        return text
    return agency_fill(text, ACTIVE_PROFILE.kept() or default_agency(), language)


def public_base_url() -> str:
    """The start of every link sent by text or email, without a trailing slash: the profile's,
    or the ``PUBLIC_BASE_URL`` setting when the profile leaves it empty."""
    base = agency_profile().public_base_url or str(
        getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    )
    return base.rstrip("/")
