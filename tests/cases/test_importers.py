"""Field parsers of the importers, tested without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.cases.import_fields import FieldError, iso_date, phone_to_e164
from contactcenter.cases.import_files import FileFormat, ImportFileError, RowError, file_format_for


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(402) 555-0101", "+14025550101"),
        ("402.555.0101", "+14025550101"),
        ("1-402-555-0101", "+14025550101"),
        ("+1 402 555 0101", "+14025550101"),
        ("+52 55 1234 5678", "+525512345678"),
    ],
)
def test_phone_numbers_become_e164(raw, e164):
    assert phone_to_e164(raw) == e164


@pytest.mark.parametrize(
    "raw", ["555-0101", "(102) 555-0101", "402-155-0101", "+0 123 4567", "+1 102 555 0101", "x"]
)
def test_phone_numbers_rejected(raw):
    with pytest.raises(FieldError):
        phone_to_e164(raw)


nanp = st.from_regex(r"\A[2-9][0-9]{2}[2-9][0-9]{6}\Z")


@given(nanp, st.sampled_from(["{a}{b}{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "1 {a} {b} {c}"]))
def test_any_us_number_in_any_layout_is_the_same_e164(digits, layout):
    text = layout.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert phone_to_e164(text) == "+1" + digits


@pytest.mark.parametrize("raw", ["2024-1-01", "20240101", "2024-W01-1", "2024-02-30", ""])
def test_dates_must_be_real_and_written_yyyy_mm_dd(raw):
    with pytest.raises(FieldError):
        iso_date(raw)


def test_format_from_suffix_or_option(tmp_path):
    assert file_format_for(tmp_path / "a.CSV") == FileFormat.CSV
    assert file_format_for(tmp_path / "a.ndjson") == FileFormat.JSONL
    assert file_format_for(tmp_path / "a.csv", "jsonl") == FileFormat.JSONL
    with pytest.raises(ImportFileError):
        file_format_for(tmp_path / "a.xlsx")
    with pytest.raises(ImportFileError):
        file_format_for(tmp_path / "a.csv", "xml")


def test_row_error_reads_like_the_documentation():
    assert (
        str(RowError(7, "zip", "not a 5-digit ZIP code")) == "line 7: zip: not a 5-digit ZIP code"
    )
