"""The offices data file and its idempotent load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from contactcenter.core.errors import InvalidInput
from contactcenter.offices.models import Office, OfficeHours, OfficeKind, ServiceArea
from contactcenter.offices.services import (
    OFFICES_FILE,
    ReferenceDataError,
    expand_zip_ranges,
    office_closure_create,
    office_definitions_read,
    office_reference_data_load,
)

SERVICE_CENTERS = {"VSC", "CSC", "NSC", "TSC", "PSC"}
FIELD_OFFICES = {"NYC", "LOS", "CHI", "HOU", "MIA", "SFR", "SEA", "ATL", "BOS", "WAS", "DAL", "PHI"}


def _write(tmp_path: Path, offices: list[dict], **extra) -> Path:
    path = tmp_path / "offices.yaml"
    path.write_text(yaml.safe_dump({"offices": offices, **extra}), encoding="utf-8")
    return path


def _field_office(code: str, zips: list[str], **fields) -> dict:
    return {
        "code": code,
        "kind": "field_office",
        "name_en": f"{code} Field Office",
        "name_es": f"Oficina Local {code}",
        "time_zone": "America/Chicago",
        "hours": [{"days": ["mon", "tue"], "opens": "08:00", "closes": "16:00"}],
        "zips": zips,
        **fields,
    }


def test_expand_zip_ranges_keeps_leading_zeros():
    assert expand_zip_ranges(["01701-01703", "10025"]) == ["01701", "01702", "01703", "10025"]


@pytest.mark.parametrize(
    "entry", ["1234", "12345-1234", "10299-10001", "ABCDE", "10001-10002-10003", ""]
)
def test_expand_zip_ranges_rejects_bad_entries(entry):
    with pytest.raises(ReferenceDataError):
        expand_zip_ranges([entry])


def test_shipped_file_has_every_required_office_in_both_languages():
    offices = {o.code: o for o in office_definitions_read()}
    assert SERVICE_CENTERS | FIELD_OFFICES | {"NBC", "MEX"} <= offices.keys()
    for code in SERVICE_CENTERS:
        assert offices[code].kind == OfficeKind.SERVICE_CENTER
        assert offices[code].open_to_public is False
    assert offices["NBC"].kind == OfficeKind.BENEFITS_CENTER
    assert "IOE" not in offices
    kinds = {o.kind for o in offices.values()}
    assert {OfficeKind.SUPPORT_CENTER, OfficeKind.ASYLUM_OFFICE, OfficeKind.INTERNATIONAL} <= kinds
    for office in offices.values():
        assert office.name_en and office.name_es and office.name_es != office.name_en
        assert office.phone and office.email and office.time_zone
    for code in FIELD_OFFICES:
        office = offices[code]
        assert office.zips and office.hours and office.city and office.street
        assert all(h.weekday < 5 for h in office.hours)
    mexico = offices["MEX"]
    assert mexico.kind == OfficeKind.INTERNATIONAL and mexico.country == "MX"
    assert "Mexico City" in mexico.public_contact_note_en
    assert "Ciudad de México" in mexico.public_contact_note_es


def test_shipped_zip_codes_belong_to_one_office_each():
    all_zips = [z for o in office_definitions_read() for z in o.zips]
    assert len(all_zips) == len(set(all_zips)) > 5000


def test_load_creates_offices_hours_and_service_areas(db):
    summary = office_reference_data_load()
    definitions = office_definitions_read()
    assert len(summary.created) == len(definitions) == Office.objects.count()
    assert ServiceArea.objects.count() == sum(len(d.zips) for d in definitions)
    nyc = Office.objects.get(code="NYC")
    assert nyc.name("es") == "Oficina Local de la Ciudad de Nueva York"
    assert nyc.service_areas.filter(zip_code="10025").exists()
    assert OfficeHours.objects.filter(office=nyc, weekday=0).get().opens_at == dt.time(7, 30)
    assert not Office.objects.get(code="VSC").service_areas.exists()


def test_second_load_changes_nothing(db):
    office_reference_data_load()
    before = dict(Office.objects.values_list("code", "updated_at"))
    area_ids = set(ServiceArea.objects.values_list("id", flat=True))
    hour_ids = set(OfficeHours.objects.values_list("id", flat=True))
    summary = office_reference_data_load()
    assert not summary.changed
    assert summary.unchanged == len(before)
    assert dict(Office.objects.values_list("code", "updated_at")) == before
    assert set(ServiceArea.objects.values_list("id", flat=True)) == area_ids
    assert set(OfficeHours.objects.values_list("id", flat=True)) == hour_ids


def test_edited_file_updates_only_what_changed(db, tmp_path):
    office_reference_data_load(path=_write(tmp_path, [
        _field_office("AAA", ["50001-50003"]),
        _field_office("BBB", ["50010"]),
    ]))  # fmt: skip
    summary = office_reference_data_load(path=_write(tmp_path, [
        _field_office("AAA", ["50001-50002"], phone="(555) 555-0100"),
        _field_office("BBB", ["50003", "50010"]),
    ]))  # fmt: skip
    assert summary.updated == ["AAA"]
    assert summary.service_areas_added == 1 and summary.service_areas_removed == 1
    owners = dict(ServiceArea.objects.values_list("zip_code", "office__code"))
    assert owners == {"50001": "AAA", "50002": "AAA", "50003": "BBB", "50010": "BBB"}
    assert Office.objects.get(code="AAA").phone == "(555) 555-0100"


@pytest.mark.parametrize(
    ("offices", "message"),
    [
        ([_field_office("AAA", ["50001-50005"]), _field_office("BBB", ["50005"])],
         "served by both AAA and BBB"),
        ([_field_office("AAA", ["50001"]), _field_office("AAA", ["50002"])], "appears twice"),
        ([_field_office("AAA", ["50001"], kind="castle")], "kind 'castle'"),
        ([_field_office("AAA", ["50001"], name_es="")], "name_es is required"),
        ([_field_office("AAA", ["50001"], time_zone="Mars/Olympus")], "IANA time zone"),
        ([_field_office("AAA", ["50001"], kind="service_center")], "only field offices"),
        ([_field_office("AAA", ["50001"], hours="nonexistent")], "no hour set"),
        ([_field_office("AAA", ["50001"], colour="red")], "unknown keys colour"),
        ([_field_office("AAA", ["50001"], hours=[
            {"days": ["mon"], "opens": "16:00", "closes": "08:00"}])], "must be after"),
        ([_field_office("AAA", ["50001"], hours=[
            {"days": ["someday"], "opens": "08:00", "closes": "16:00"}])], "not a weekday"),
        ([{"code": "INT", "kind": "international", "name_en": "Abroad",
           "name_es": "Extranjero"}], "public_contact_note_en and _es"),
        ([_field_office("TOOLONGCODE", ["50001"])], "longer than 8"),
    ],
)  # fmt: skip
def test_bad_file_is_rejected_and_writes_nothing(db, tmp_path, offices, message):
    with pytest.raises(ReferenceDataError, match=message):
        office_reference_data_load(path=_write(tmp_path, offices))
    assert not Office.objects.exists() and not ServiceArea.objects.exists()


def test_file_that_is_not_yaml_is_rejected(db, tmp_path):
    path = tmp_path / "offices.yaml"
    path.write_text("offices: [unclosed", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML"):
        office_reference_data_load(path=path)
    path.write_text("- just a list", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="top-level list named offices"):
        office_reference_data_load(path=path)


def test_shipped_file_is_the_default():
    assert OFFICES_FILE.name == "offices.yaml" and OFFICES_FILE.exists()


def test_closure_needs_both_languages_and_ordered_dates(reference_data):
    office = Office.objects.get(code="HOU")
    day = dt.date(2026, 3, 2)
    with pytest.raises(InvalidInput):
        office_closure_create(
            office=office, starts_on=day, ends_on=day, reason_en="Flood", reason_es=" "
        )
    with pytest.raises(InvalidInput):
        office_closure_create(
            office=office,
            starts_on=day,
            ends_on=day - dt.timedelta(days=1),
            reason_en="Flood",
            reason_es="Inundación",
        )
    first = office_closure_create(
        office=office, starts_on=day, ends_on=day, reason_en="Flood", reason_es="Inundación"
    )
    again = office_closure_create(
        office=office, starts_on=day, ends_on=day, reason_en="Flood", reason_es="Inundación"
    )
    assert first.pk == again.pk and office.closures.count() == 1
