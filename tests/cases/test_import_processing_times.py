"""``import_processing_times``: the same contract as the case import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from contactcenter.cases.import_records import PROCESSING_TIME_COLUMNS
from contactcenter.cases.models import ProcessingTime
from tests.factories import FormCategoryFactory, OfficeFactory, ProcessingTimeFactory

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = {
    "form": "I-485",
    "category": "family",
    "office": "NBC",
    "months": "9.5",
    "published_on": "2024-07-01",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    OfficeFactory(code="NBC")
    OfficeFactory(code="NSC")
    return {
        "family": FormCategoryFactory(form__code="I-485", code="family"),
        "c9": FormCategoryFactory(form__code="I-765", code="c9"),
    }


def write_csv(path: Path, rows: list[dict[str, str]], columns=PROCESSING_TIME_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_processing_times", str(path), "--no-progress", *args, stdout=out, stderr=err
        )
    except CommandError as error:
        err.write(str(error))
        return 1, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_good_file_creates_one_row_per_publication(reference):
    code, out, err = run(FIXTURES / "processing_times_good.csv")

    assert code == 0, err
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in out
    rows = ProcessingTime.objects.order_by("form__code", "published_on").values_list(
        "form__code", "category__code", "office__code", "months", "published_on"
    )
    assert list(rows) == [
        ("I-485", "family", "NBC", Decimal("11.5"), dt.date(2024, 5, 1)),
        ("I-765", "c9", "NSC", Decimal("3.0"), dt.date(2024, 5, 1)),
        ("I-765", "c9", "NSC", Decimal("3.5"), dt.date(2024, 6, 1)),
    ]


def test_second_run_changes_nothing(reference):
    run(FIXTURES / "processing_times_good.csv")
    before = list(ProcessingTime.objects.order_by("pk").values_list())

    code, out, _err = run(FIXTURES / "processing_times_good.csv")

    assert code == 0
    assert "0 created, 0 updated, 3 unchanged, 0 rejected" in out
    assert list(ProcessingTime.objects.order_by("pk").values_list()) == before


def test_a_corrected_figure_updates_the_publication(reference, tmp_path):
    existing = ProcessingTimeFactory(
        form=reference["family"].form,
        category=reference["family"],
        office=OfficeFactory(code="NBC"),
        months=Decimal("9.0"),
        published_on=dt.date(2024, 7, 1),
    )

    code, out, _err = run(write_csv(tmp_path / "t.csv", [GOOD]))

    assert code == 0 and "1 updated" in out
    existing.refresh_from_db()
    assert existing.months == Decimal("9.5")
    assert ProcessingTime.objects.count() == 1


def test_jsonl_accepts_numbers(reference, tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({**GOOD, "months": 7}) + "\n")

    code, _out, err = run(path)

    assert code == 0, err
    assert ProcessingTime.objects.get().months == Decimal("7.0")


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"months": "0"}, "months: Months must be more than 0 and at most 120."),
        ({"months": "-2"}, "months: Months must be more than 0 and at most 120."),
        ({"months": "120.1"}, "months: Months must be more than 0 and at most 120."),
        ({"months": "NaN"}, "months: Months must be more than 0 and at most 120."),
        ({"months": "7.55"}, "months: Months may have one decimal place at most."),
        ({"months": "seven"}, "months: not a number"),
        ({"months": ""}, "months: required"),
        ({"form": "I-000"}, "form: not a known form"),
        ({"category": "c9"}, "category: not a category of form I-485"),
        ({"office": "ZZZ"}, "office: not a known office code"),
        ({"published_on": "2024-13-01"}, "published_on: not a real calendar date"),
        ({"published_on": TOMORROW}, "published_on: in the future"),
    ],
)
def test_bad_row_is_reported_and_changes_nothing(reference, tmp_path, changes, message):
    other = {**GOOD, "published_on": "2024-06-01"}
    path = write_csv(tmp_path / "t.csv", [other, {**GOOD, **changes}])

    code, out, err = run(path)

    assert code == 1
    assert f"line 3: {message}" in err
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert list(ProcessingTime.objects.values_list("published_on", flat=True)) == [
        dt.date(2024, 6, 1)
    ]


def test_months_of_120_and_trailing_zero_are_fine(reference, tmp_path):
    rows = [{**GOOD, "months": "120"}, {**GOOD, "months": "7.50", "office": "NSC"}]

    code, _out, err = run(write_csv(tmp_path / "t.csv", rows))

    assert code == 0, err
    assert sorted(ProcessingTime.objects.values_list("months", flat=True)) == [
        Decimal("7.5"),
        Decimal("120.0"),
    ]


def test_same_publication_twice_in_one_file(reference, tmp_path):
    code, _out, err = run(write_csv(tmp_path / "t.csv", [GOOD, {**GOOD, "months": "10"}]))

    assert code == 1
    assert "line 3: row: the same form, category, office and date appear again" in err
    assert ProcessingTime.objects.get().months == Decimal("9.5")


def test_missing_column_is_a_file_error(reference, tmp_path):
    columns = [c for c in PROCESSING_TIME_COLUMNS if c != "months"]

    code, _out, err = run(write_csv(tmp_path / "t.csv", [GOOD], columns=columns))

    assert code == 1 and "The header lacks required columns: months." in err
    assert not ProcessingTime.objects.exists()
