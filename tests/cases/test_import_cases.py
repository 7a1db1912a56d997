"""``import_cases``: validation by line, upserts, idempotence, exit status, no personal data in
the output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.utils import timezone

from contactcenter.cases import importers
from contactcenter.cases.import_records import CASE_COLUMNS
from contactcenter.cases.models import Case, CaseStatusEvent, Confidentiality
from contactcenter.cases.statuses import CaseStatus
from contactcenter.people.models import Person
from tests.factories import CaseFactory, FormCategoryFactory, OfficeFactory, PersonFactory

FIXTURES = Path(__file__).parent / "fixtures"

GOOD_ROW = {
    "receipt_number": "EAC2412345900",
    "form": "I-485",
    "category": "family",
    "receipt_date": "2024-01-10",
    "office": "NBC",
    "status": "received",
    "status_date": "2024-01-10",
    "given_name": "Quintessa",
    "family_name": "Vandermolen",
    "date_of_birth": "1981-07-09",
    "a_number": "A087654321",
    "street": "77 Hypothetical Lane",
    "city": "Lincoln",
    "state": "NE",
    "zip": "68501",
    "email": "quintessa.v@example.com",
    "phone": "402-555-0177",
    "language": "en",
    "confidential": "false",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    """The forms, categories and offices the sample files name."""
    nbc = OfficeFactory(code="NBC")
    nsc = OfficeFactory(code="NSC")
    family = FormCategoryFactory(form__code="I-485", code="family")
    c9 = FormCategoryFactory(form__code="I-765", code="c9")
    return {"NBC": nbc, "NSC": nsc, "family": family, "c9": c9}


def write_csv(path: Path, rows: list[dict[str, str]], columns=CASE_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, *args: str) -> tuple[int, str, str]:
    """Exit status as the console script would give it, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), "--no-progress", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return 1, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    return {
        "cases": list(Case.objects.order_by("pk").values_list()),
        "people": list(Person.objects.order_by("pk").values_list()),
        "events": list(CaseStatusEvent.objects.order_by("pk").values_list()),
    }


# --- Good rows --------------------------------------------------------------------------------


def test_good_csv_creates_cases_people_and_history(reference):
    code, out, err = run(FIXTURES / "cases_good.csv")

    assert code == 0, err
    assert "4 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert err == ""
    first = Case.objects.get(receipt_number="EAC2412345001")
    second = Case.objects.get(receipt_number="EAC2412345002")
    # One person, two cases: matched by A-Number.
    assert first.applicant_id == second.applicant_id
    person = first.applicant
    assert person.a_number == "A012345678"
    assert person.phone == "+14025550101"
    assert person.preferred_language == "es"
    assert person.date_of_birth == dt.date(1980, 5, 6)
    assert second.status == CaseStatus.RFE_SENT and second.status_date == dt.date(2024, 6, 1)

    # Normalised on the way in: receipt number, codes' case, status text, ZIP+4, state.
    third = Case.objects.select_related("applicant", "category").get(receipt_number="LIN2412345003")
    assert third.category == reference["c9"] and third.office == reference["NSC"]
    assert third.status == CaseStatus.APPROVED
    assert third.confidentiality == Confidentiality.VAWA
    assert third.applicant.street == "2 Demo Ave\nApt 4"
    assert third.applicant.zip_code == "68102" and third.applicant.state == "NE"
    assert third.applicant.a_number is None and third.applicant.date_of_birth is None

    fourth = Case.objects.get(receipt_number="EAC2412345004")
    assert fourth.confidentiality == Confidentiality.PROTECTED
    assert fourth.applicant.a_number == "A007654321"
    assert fourth.applicant.email == "" and fourth.applicant.preferred_language == "en"

    assert Person.objects.count() == 3
    history = CaseStatusEvent.objects.filter(case=second).values_list("status", "status_date")
    assert list(history) == [("rfe_sent", dt.date(2024, 6, 1))]
    assert CaseStatusEvent.objects.count() == 4


def test_good_jsonl_skips_blank_lines_and_reads_booleans(reference):
    code, out, err = run(FIXTURES / "cases_good.jsonl")

    assert code == 0, err
    assert "2 created" in out
    approved = Case.objects.get(receipt_number="EAC2412345102")
    assert approved.confidentiality == Confidentiality.U_VISA
    assert approved.status == CaseStatus.APPROVED
    received = Case.objects.get(receipt_number="EAC2412345101")
    assert received.confidentiality == Confidentiality.NONE
    assert received.applicant.phone == "+14025550101"


def test_format_option_overrides_the_file_name(reference, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text((FIXTURES / "cases_good.jsonl").read_text())

    code, out, _err = run(path, "--format", "jsonl")

    assert code == 0 and "2 created" in out


def test_unknown_extension_without_format_is_refused(reference, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("receipt_number\n")

    code, _out, err = run(path)

    assert code == 1 and "pass --format" in err


# --- Idempotence and updates -------------------------------------------------------------------


def test_second_run_changes_nothing(reference):
    run(FIXTURES / "cases_good.csv")
    before = snapshot()

    code, out, err = run(FIXTURES / "cases_good.csv")

    assert code == 0, err
    assert "0 created, 0 updated, 4 unchanged, 0 rejected" in out
    # Every column of every row, updated_at included, is as it was.
    assert snapshot() == before


def test_second_jsonl_run_changes_nothing(reference):
    run(FIXTURES / "cases_good.jsonl")
    before = snapshot()

    code, out, _err = run(FIXTURES / "cases_good.jsonl")

    assert code == 0 and "2 unchanged" in out
    assert snapshot() == before


def test_changed_status_appends_history_and_updates_the_case(reference, tmp_path):
    run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))
    later = {**GOOD_ROW, "status": "interview_scheduled", "status_date": "2024-09-02"}

    code, out, _err = run(write_csv(tmp_path / "b.csv", [later]))

    assert code == 0 and "1 updated" in out
    case = Case.objects.get(receipt_number=GOOD_ROW["receipt_number"])
    assert case.status == CaseStatus.INTERVIEW_SCHEDULED
    assert case.status_date == dt.date(2024, 9, 2)
    assert list(case.status_history.values_list("status", flat=True)) == [
        "received",
        "interview_scheduled",
    ]
    # Running the older file again neither undoes the newer status nor duplicates history.
    code, out, _err = run(tmp_path / "a.csv")
    assert code == 0 and "1 unchanged" in out
    case.refresh_from_db()
    assert case.status == CaseStatus.INTERVIEW_SCHEDULED
    assert case.status_history.count() == 2


def test_an_older_status_joins_the_history_without_becoming_current(reference, tmp_path):
    current = {**GOOD_ROW, "status": "rfe_sent", "status_date": "2024-05-01"}
    run(write_csv(tmp_path / "a.csv", [current]))
    older = {**GOOD_ROW, "status": "biometrics_taken", "status_date": "2024-02-01"}

    code, out, _err = run(write_csv(tmp_path / "b.csv", [older]))

    assert code == 0 and "1 updated" in out
    case = Case.objects.get(receipt_number=GOOD_ROW["receipt_number"])
    assert case.status == CaseStatus.RFE_SENT
    assert list(case.status_history.values_list("status", flat=True)) == [
        "biometrics_taken",
        "rfe_sent",
    ]


def test_changed_address_updates_the_person_and_blank_clears_missing_keeps(reference, tmp_path):
    run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))
    person = Person.objects.get(a_number="A087654321")
    stamp = person.updated_at
    moved = {**GOOD_ROW, "street": "5 Other Road", "zip": "68502", "email": ""}
    columns = [c for c in CASE_COLUMNS if c != "phone"]

    code, out, _err = run(write_csv(tmp_path / "b.csv", [moved], columns=columns))

    assert code == 0 and "1 updated" in out
    person.refresh_from_db()
    assert (person.street, person.zip_code) == ("5 Other Road", "68502")
    assert person.email == ""  # an empty value clears a stale address
    assert person.phone == "+14025550177"  # a column left out leaves the value alone
    assert person.updated_at > stamp
    assert Person.objects.count() == 1
    assert Case.objects.get().status_history.count() == 1


def test_person_found_by_a_number_is_shared_across_cases(reference, tmp_path):
    existing = PersonFactory(a_number="A087654321")
    CaseFactory(applicant=existing, receipt_number="IOE2400000001")

    code, _out, err = run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))

    assert code == 0, err
    case = Case.objects.get(receipt_number=GOOD_ROW["receipt_number"])
    assert case.applicant_id == existing.pk
    existing.refresh_from_db()
    assert existing.family_name == "Vandermolen"  # the file is the newer record
    assert Person.objects.count() == 1


def test_one_person_reached_two_ways_in_one_batch_is_saved_once(reference, tmp_path):
    """The applicant of a stored case, named again by A-Number on a new case in the same
    batch, is one record with the newer details, not two half-updated copies."""
    person = PersonFactory(a_number="A087654321", street="Old Street 1")
    CaseFactory(
        applicant=person,
        receipt_number=GOOD_ROW["receipt_number"],
        form=reference["family"].form,
        category=reference["family"],
    )
    second = {**GOOD_ROW, "receipt_number": "EAC2412345950", "status": "rfe_sent"}
    path = write_csv(tmp_path / "c.csv", [GOOD_ROW, second])

    code, out, err = run(path)

    assert code == 0, err
    assert "1 created, 1 updated" in out
    person.refresh_from_db()
    assert person.street == GOOD_ROW["street"] and person.given_name == "Quintessa"
    assert set(Case.objects.values_list("applicant_id", flat=True)) == {person.pk}
    assert Person.objects.count() == 1
    before = snapshot()
    assert "2 unchanged" in run(path)[1]
    assert snapshot() == before


def test_an_a_number_is_given_to_an_applicant_who_had_none(reference, tmp_path):
    applicant = PersonFactory(a_number=None)
    CaseFactory(
        applicant=applicant,
        receipt_number=GOOD_ROW["receipt_number"],
        form=reference["family"].form,
        category=reference["family"],
    )

    code, _out, err = run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))

    assert code == 0, err
    applicant.refresh_from_db()
    assert applicant.a_number == "A087654321"
    assert Person.objects.count() == 1


def test_without_a_number_the_cases_applicant_is_updated(reference, tmp_path):
    applicant = PersonFactory(a_number=None)
    CaseFactory(
        applicant=applicant,
        receipt_number=GOOD_ROW["receipt_number"],
        form=reference["family"].form,
        category=reference["family"],
    )
    row = {**GOOD_ROW, "a_number": ""}

    code, _out, err = run(write_csv(tmp_path / "a.csv", [row]))

    assert code == 0, err
    applicant.refresh_from_db()
    assert applicant.given_name == "Quintessa" and applicant.a_number is None
    assert Person.objects.count() == 1


def test_an_applicant_known_by_another_a_number_is_not_renamed(reference, tmp_path):
    other = PersonFactory(a_number="A011111111", given_name="Original")
    CaseFactory(
        applicant=other,
        receipt_number=GOOD_ROW["receipt_number"],
        form=reference["family"].form,
        category=reference["family"],
    )

    code, _out, err = run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))

    assert code == 0, err
    other.refresh_from_db()
    assert other.given_name == "Original" and other.a_number == "A011111111"
    case = Case.objects.get(receipt_number=GOOD_ROW["receipt_number"])
    assert case.applicant.a_number == "A087654321"


@pytest.mark.parametrize(
    ("stored", "in_file", "kept"),
    [
        (Confidentiality.VAWA, "true", Confidentiality.VAWA),
        (Confidentiality.VAWA, "false", Confidentiality.VAWA),
        (Confidentiality.PROTECTED, "u", Confidentiality.U_VISA),
        (Confidentiality.NONE, "true", Confidentiality.PROTECTED),
        (Confidentiality.T_VISA, "vawa", Confidentiality.VAWA),
    ],
)
def test_confidentiality_is_never_lowered_and_specific_basis_wins(
    reference, tmp_path, stored, in_file, kept
):
    CaseFactory(
        receipt_number=GOOD_ROW["receipt_number"],
        form=reference["family"].form,
        category=reference["family"],
        applicant=PersonFactory(a_number="A087654321"),
        confidentiality=stored,
    )

    code, _out, err = run(write_csv(tmp_path / "a.csv", [{**GOOD_ROW, "confidential": in_file}]))

    assert code == 0, err
    assert Case.objects.get().confidentiality == kept


# --- Bad rows ---------------------------------------------------------------------------------

TODAY = timezone.localdate()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"receipt_number": "EAC12"}, "receipt_number: A receipt number has 10 digits"),
        ({"receipt_number": "ZZZ2412345678"}, "receipt_number: ZZZ is not a receipt number prefix"),
        ({"receipt_number": ""}, "receipt_number: required"),
        ({"form": "I-999"}, "form: not a known form"),
        ({"category": "c9"}, "category: not a category of form I-485"),
        ({"office": "XYZ"}, "office: not a known office code"),
        ({"status": "lost"}, "status: not a known case status"),
        ({"receipt_date": "2024-02-30"}, "receipt_date: not a real calendar date"),
        ({"receipt_date": "10/01/2024"}, "receipt_date: not a date in the form YYYY-MM-DD"),
        ({"receipt_date": TOMORROW, "status_date": TOMORROW}, "receipt_date: in the future"),
        ({"status_date": "2024-01-09"}, "status_date: before the receipt date"),
        ({"status_date": TOMORROW}, "status_date: in the future"),
        ({"given_name": ""}, "given_name: required"),
        ({"family_name": "x" * 101}, "family_name: longer than 100 characters"),
        ({"date_of_birth": TOMORROW}, "date_of_birth: in the future"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth: before 1900"),
        ({"a_number": "A12345"}, "a_number: An A-Number has 7 to 9 digits"),
        ({"state": "Nebraska"}, "state: not a two-letter U.S. state or territory code"),
        ({"zip": "6850"}, "zip: not a 5-digit ZIP code"),
        ({"email": "quintessa.v@@example"}, "email: not a valid email address"),
        ({"phone": "402-555-017"}, "phone: not a valid 10-digit U.S. phone number"),
        ({"phone": "(102) 555-0177"}, "phone: not a valid 10-digit U.S. phone number"),
        ({"phone": "call me"}, "phone: a phone number has only digits"),
        ({"language": "fr"}, "language: use en or es"),
        ({"confidential": "maybe"}, "confidential: use true, false, vawa, t or u"),
    ],
)
def test_bad_row_is_reported_by_line_and_field_and_changes_nothing(
    reference, tmp_path, changes, message
):
    good = {**GOOD_ROW, "receipt_number": "EAC2412345901", "a_number": "A099999999"}
    path = write_csv(tmp_path / "cases.csv", [good, {**GOOD_ROW, **changes}])

    code, out, err = run(path)

    assert code == 1
    assert f"line 3: {message}" in err
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "1 row was rejected" in err
    assert list(Case.objects.values_list("receipt_number", flat=True)) == ["EAC2412345901"]
    assert Person.objects.count() == 1


def test_every_problem_in_a_row_is_reported(reference, tmp_path):
    path = write_csv(tmp_path / "c.csv", [{**GOOD_ROW, "zip": "1", "email": "no", "state": "ZZ"}])

    code, _out, err = run(path)

    assert code == 1
    assert "line 2: state:" in err and "line 2: zip:" in err and "line 2: email:" in err


def test_bad_row_leaves_an_existing_case_untouched(reference, tmp_path):
    run(write_csv(tmp_path / "a.csv", [GOOD_ROW]))
    before = snapshot()
    bad = {**GOOD_ROW, "status": "approved", "status_date": "2024-09-01", "zip": "bad"}

    code, _out, err = run(write_csv(tmp_path / "b.csv", [bad]))

    assert code == 1 and "line 2: zip:" in err
    assert snapshot() == before


def test_line_numbers_count_lines_of_multi_line_values(reference, tmp_path):
    first = {**GOOD_ROW, "street": "1 Long Street\nBuilding B\nFloor 3"}
    second = {**GOOD_ROW, "receipt_number": "EAC2412345902", "office": "nowhere"}

    code, _out, err = run(write_csv(tmp_path / "c.csv", [first, second]))

    assert code == 1
    assert "line 5: office: not a known office code" in err


def test_row_with_the_wrong_number_of_values(reference, tmp_path):
    path = tmp_path / "c.csv"
    good = write_csv(tmp_path / "good.csv", [GOOD_ROW]).read_text()
    path.write_text(good + "EAC2412345903,I-485,family\n")

    code, out, err = run(path)

    assert code == 1
    assert "line 3: row: has 3 values but the header has 19" in err
    assert "1 created" in out


def test_repeated_receipt_number_in_one_file(reference, tmp_path):
    later = {**GOOD_ROW, "status": "approved", "status_date": "2024-02-02"}

    code, _out, err = run(write_csv(tmp_path / "c.csv", [GOOD_ROW, later]))

    assert code == 1
    assert "line 3: receipt_number: appears again in this file (first on line 2)" in err
    assert Case.objects.get().status == CaseStatus.RECEIVED


def test_one_a_number_with_two_sets_of_details_in_one_file(reference, tmp_path):
    other_case = {**GOOD_ROW, "receipt_number": "EAC2412345904", "street": "9 Elsewhere"}

    code, _out, err = run(write_csv(tmp_path / "c.csv", [GOOD_ROW, other_case]))

    assert code == 1
    assert "line 3: a_number: the same A-Number has different personal details on line 2" in err
    assert Person.objects.get().street == GOOD_ROW["street"]


def test_missing_required_column_is_a_file_error(reference, tmp_path):
    columns = [c for c in CASE_COLUMNS if c not in {"status", "office"}]

    code, out, err = run(write_csv(tmp_path / "c.csv", [GOOD_ROW], columns=columns))

    assert code == 1
    assert "The header lacks required columns: office, status." in err
    assert out == ""
    assert not Case.objects.exists()


def test_unknown_columns_are_named_and_ignored(reference, tmp_path):
    path = write_csv(tmp_path / "c.csv", [GOOD_ROW], columns=[*CASE_COLUMNS, "ssn"])

    code, _out, err = run(path)

    assert code == 0
    assert "Ignored columns not used by this import: ssn" in err


def test_empty_file_and_non_utf8_file(reference, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(CASE_COLUMNS).encode() + b"\n\xe9t\xe9\n")
    # Far enough in that the header and the first rows decode before the bad byte.
    late = write_csv(tmp_path / "late.csv", [GOOD_ROW] * 1)
    late.write_bytes(late.read_bytes() + b"#" * 70_000 + b"\n\xe9t\xe9\n")

    assert run(empty)[0] == 1 and "The file is empty" in run(empty)[2]
    code, _out, err = run(latin)
    assert code == 1 and "UTF-8" in err
    code, _out, err = run(late)
    assert code == 1 and "not UTF-8 text after line" in err
    # The good row read before the bad byte is kept.
    assert Case.objects.filter(receipt_number=GOOD_ROW["receipt_number"]).exists()


def test_jsonl_bad_line_is_reported_and_the_rest_imported(reference, tmp_path):
    good = {**GOOD_ROW}
    second = {**GOOD_ROW, "receipt_number": "EAC2412345905", "a_number": ""}
    lines = [
        json.dumps(good),
        "",
        '{"receipt_number": "EAC2412345906", "given_name": "Zebedee",',
        "[1, 2, 3]",
        json.dumps({k: v for k, v in second.items() if k != "status"}),
        json.dumps(second),
        json.dumps({**second, "receipt_number": "EAC2412345907", "zip": ["68501"]}),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")

    code, out, err = run(path)

    assert code == 1
    assert "line 3: json: not valid JSON" in err
    assert "line 4: json: each line must be a JSON object" in err
    assert "line 5: status: required" in err
    assert "line 7: zip: must be text, a number or true/false" in err
    assert "2 created, 0 updated, 0 unchanged, 4 rejected" in out
    assert "Zebedee" not in err
    assert set(Case.objects.values_list("receipt_number", flat=True)) == {
        "EAC2412345900",
        "EAC2412345905",
    }


def test_no_personal_data_in_the_output_for_bad_rows(reference, tmp_path):
    secrets = {
        "given_name": "Zephyrine" * 12,
        "family_name": "Okonkwo-Blackwood\x07",
        "date_of_birth": "2999-04-05",
        "a_number": "A98765",
        "street": "123 Secretive Boulevard\x01",
        "city": "Hiddenville" * 9,
        "state": "Zed",
        "zip": "Z9876",
        "email": "zephyrine.secret@@mail",
        "phone": "555-867-530",
        "language": "klingon",
    }
    path = write_csv(tmp_path / "c.csv", [{**GOOD_ROW, **secrets}])

    code, out, err = run(path)

    assert code == 1
    output = out + err
    for field, value in secrets.items():
        assert f"line 2: {field}:" in output
        for fragment in {value.strip("\x01\x07")[:12], value[-5:].strip("\x01\x07")}:
            assert fragment not in output, field
    assert not Person.objects.exists()


def test_bad_receipt_number_may_be_shown_but_not_the_rest(reference, tmp_path):
    path = write_csv(tmp_path / "c.csv", [{**GOOD_ROW, "receipt_number": "QQQ2412345678"}])

    code, _out, err = run(path)

    assert code == 1 and "QQQ is not a receipt number prefix" in err
    assert GOOD_ROW["family_name"] not in err and GOOD_ROW["email"] not in err


# --- Batches, crashes and resumption -------------------------------------------------------------


def test_a_crash_keeps_committed_batches_and_a_rerun_finishes(reference, tmp_path, monkeypatch):
    rows = [
        {**GOOD_ROW, "receipt_number": f"EAC24123459{n:02d}", "a_number": f"A0100000{n:02d}"}
        for n in range(7)
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    real = importers.cases_upsert
    batches = 0

    def failing(*, records):
        nonlocal batches
        batches += 1
        if batches == 3:
            raise RuntimeError("disk full")
        return real(records=records)

    monkeypatch.setattr(importers, "cases_upsert", failing)
    with pytest.raises(RuntimeError):
        run(path, "--batch-size", "2")
    # Batches of two: rows 1-4 committed, the batch holding rows 5 and 6 rolled back.
    assert Case.objects.count() == 4

    monkeypatch.setattr(importers, "cases_upsert", real)
    code, out, _err = run(path, "--batch-size", "2")

    assert code == 0
    assert "3 created, 0 updated, 4 unchanged, 0 rejected" in out
    assert CaseStatusEvent.objects.count() == 7


def test_a_row_the_database_refuses_is_rejected_alone(reference, tmp_path, monkeypatch):
    rows = [{**GOOD_ROW, "receipt_number": f"EAC24123459{n:02d}", "a_number": ""} for n in range(3)]
    real = importers.case_upsert

    def refusing(*, record):
        if record.receipt_number.value.endswith("01"):
            raise IntegrityError("UNIQUE constraint failed: people_person.a_number A087654321")
        return real(record=record)

    def batch_refused(*, records):
        raise IntegrityError("batch refused")

    monkeypatch.setattr(importers, "cases_upsert", batch_refused)
    monkeypatch.setattr(importers, "case_upsert", refusing)
    code, out, err = run(write_csv(tmp_path / "c.csv", rows))

    assert code == 1
    assert "line 3: row: conflicts with a record already stored" in err
    assert "A087654321" not in err
    assert "2 created, 0 updated, 0 unchanged, 1 rejected" in out


def test_batch_size_must_be_positive(reference):
    code, _out, err = run(FIXTURES / "cases_good.csv", "--batch-size", "0")
    assert code == 1 and "--batch-size" in err


# --- The console script --------------------------------------------------------------------------


def test_console_script_exit_status_with_dashed_name(tmp_path):
    """The real process: exit 0 for a clean file, 1 when a row is rejected."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from contactcenter.cli import main; main()", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert cli("migrate", "--verbosity", "0").returncode == 0
    header_only = write_csv(tmp_path / "empty.csv", [])
    clean = cli("import-cases", str(header_only))
    assert clean.returncode == 0, clean.stderr
    assert "0 created" in clean.stdout

    # No reference data in this database, so the form is unknown and the row is rejected.
    rejected = cli("import-cases", str(write_csv(tmp_path / "one.csv", [GOOD_ROW])))
    assert rejected.returncode == 1
    assert "line 2: form: not a known form" in rejected.stderr
    assert GOOD_ROW["family_name"] not in rejected.stdout + rejected.stderr
