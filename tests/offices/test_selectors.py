"""Jurisdiction by ZIP code and closures in effect."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.offices.models import Office, OfficeKind
from contactcenter.offices.selectors import (
    InvalidZipCode,
    field_office_for_zip,
    office_closures_in_effect,
    office_get_by_code,
    zip_code_parse,
)
from contactcenter.offices.services import office_closure_create


@pytest.mark.parametrize(
    ("zip_code", "office"),
    [
        ("10025", "NYC"),
        ("11375", "NYC"),
        (" 10025-1234 ", "NYC"),
        ("100251234", "NYC"),
        ("90012", "LOS"),
        ("60614", "CHI"),
        ("77005", "HOU"),
        ("33125", "MIA"),
        ("94110", "SFR"),
        ("98115", "SEA"),
        ("30307", "ATL"),
        ("02139", "BOS"),
        ("20009", "WAS"),
        ("75201", "DAL"),
        ("19104", "PHI"),
    ],
)
def test_field_office_for_zip(reference_data, zip_code, office):
    found = field_office_for_zip(zip_code)
    assert found is not None and found.code == office
    assert found.kind == OfficeKind.FIELD_OFFICE


def test_zip_outside_every_service_area_has_no_office(reference_data):
    assert field_office_for_zip("99501") is None  # Anchorage: no office in the demo data


@pytest.mark.parametrize("raw", ["", "1002", "100256", "10O25", "10025-12", "ten", None, 10025])
def test_bad_zip_codes_get_a_clear_error(raw):
    with pytest.raises(InvalidZipCode):
        zip_code_parse(raw)


def test_bad_zip_code_is_rejected_before_any_query(db, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(InvalidZipCode, match="5-digit"):
        field_office_for_zip("abc")


def test_office_get_by_code(reference_data):
    assert office_get_by_code(" mex ").code == "MEX"
    assert office_get_by_code("ZZZ") is None


def test_closures_in_effect(reference_data):
    office = Office.objects.get(code="ATL")
    office_closure_create(
        office=office,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 1, 6),
        reason_en="Ice storm",
        reason_es="Tormenta de hielo",
    )
    assert [c.office.code for c in office_closures_in_effect(on=dt.date(2026, 1, 6))] == ["ATL"]
    assert not office_closures_in_effect(on=dt.date(2026, 1, 7)).exists()
