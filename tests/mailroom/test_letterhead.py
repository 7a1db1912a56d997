"""Cover sheets and reply letters carry the agency of the active profile, in the letter's
language: switch the profile and the paper follows."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest

from contactcenter.agency.profile import DATA_DIR
from contactcenter.agency.selectors import agency_profile
from contactcenter.agency.services import agency_profile_load
from contactcenter.mailroom.documents import Recipient, fax_cover_sheet, reply_letter

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_paper_carries_the_active_agency_in_the_letters_language():
    agency_profile_load(DATA_DIR / "family-benefits.yaml")
    agency = agency_profile()
    letter = _text(reply_letter(
        recipient=Recipient(name="Ana Ruiz", address_lines=("1 Main St", "Lakeland")),
        reference_number="1234567897", language="es", body="Recibimos su carta.",
        when=dt.date(2026, 12, 7),
    ))  # fmt: skip
    assert agency.name["es"] in letter
    assert agency.mailing_addresses[0].lines[0] in letter
    cover = _text(fax_cover_sheet(reference_number="1234567897", when=dt.date(2026, 12, 7)))
    assert agency.name["en"] in cover
    assert "Citizenship" not in letter + cover
