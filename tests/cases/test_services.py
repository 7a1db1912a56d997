"""Case services: status history, applicant matching, upserts, processing times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contactcenter.cases.models import Case, CaseStatusEvent, Confidentiality
from contactcenter.cases.services import (
    KEEP,
    CaseRecord,
    PersonDetails,
    UpsertOutcome,
    case_status_record,
    case_upsert,
    confidentiality_merge,
    person_upsert,
    processing_time_upsert,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.a_numbers import ANumber
from contactcenter.core.errors import InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.people.models import Person
from tests.factories import (
    CaseFactory,
    FormCategoryFactory,
    OfficeFactory,
    PersonFactory,
    ProcessingTimeFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


# --- case_status_record ------------------------------------------------------------------------


def test_status_record_appends_history_and_updates_the_case():
    case = CaseFactory(receipt_date=dt.date(2024, 1, 2))
    stamp = case.updated_at

    event = case_status_record(
        case=case, status=CaseStatus.RFE_SENT, status_date=dt.date(2024, 3, 1)
    )

    assert event is not None and event.pk is not None and event.office_id == case.office_id
    case.refresh_from_db()
    assert (case.status, case.status_date) == ("rfe_sent", dt.date(2024, 3, 1))
    assert case.updated_at > stamp
    assert list(case.status_history.values_list("status", flat=True)) == ["received", "rfe_sent"]


def test_status_record_refuses_a_date_before_receipt():
    case = CaseFactory(receipt_date=dt.date(2024, 1, 2))

    with pytest.raises(InvalidInput, match="before the case was received"):
        case_status_record(case=case, status=CaseStatus.APPROVED, status_date=dt.date(2024, 1, 1))

    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.status_history.count() == 1


def test_status_record_refuses_the_future_and_unknown_statuses():
    case = CaseFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(InvalidInput, match="future"):
        case_status_record(case=case, status=CaseStatus.APPROVED, status_date=tomorrow)
    with pytest.raises(InvalidInput, match="not a known case status"):
        case_status_record(case=case, status="lost_in_the_mail", status_date=case.receipt_date)
    assert case.status_history.count() == 1


def test_status_record_is_idempotent_and_older_dates_only_join_history():
    case = CaseFactory(receipt_date=dt.date(2024, 1, 2))
    case_status_record(case=case, status=CaseStatus.RFE_SENT, status_date=dt.date(2024, 3, 1))

    again = case_status_record(
        case=case, status=CaseStatus.RFE_SENT, status_date=dt.date(2024, 3, 1)
    )
    older = case_status_record(
        case=case, status=CaseStatus.BIOMETRICS_TAKEN, status_date=dt.date(2024, 2, 1)
    )

    assert again is None
    assert older is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.RFE_SENT
    assert list(case.status_history.values_list("status", flat=True)) == [
        "received",
        "biometrics_taken",
        "rfe_sent",
    ]


# --- person_upsert ----------------------------------------------------------------------------


def test_person_upsert_matches_by_a_number_and_writes_only_changes():
    person = PersonFactory(a_number="A012345678", city="Omaha")
    stamp = person.updated_at
    details = PersonDetails(
        given_name=person.given_name,
        family_name=person.family_name,
        a_number=ANumber.parse("A12345678"),
        city="Omaha",
    )

    same = person_upsert(details=details)
    moved = person_upsert(details=PersonDetails(**{**_fields(details), "city": "Lincoln"}))

    assert same.outcome == UpsertOutcome.UNCHANGED and same.obj.pk == person.pk
    assert moved.outcome == UpsertOutcome.UPDATED
    person.refresh_from_db()
    assert person.city == "Lincoln" and person.updated_at > stamp
    assert Person.objects.count() == 1


def test_person_upsert_keep_leaves_fields_and_empty_clears_them():
    person = PersonFactory(a_number="A012345678", email="old@example.com", phone="+14025550100")
    details = PersonDetails(
        given_name=person.given_name,
        family_name=person.family_name,
        a_number=ANumber.parse("A012345678"),
        email="",
        phone=KEEP,
    )

    person_upsert(details=details)

    person.refresh_from_db()
    assert person.email == "" and person.phone == "+14025550100"


def test_person_upsert_creates_when_nothing_matches():
    result = person_upsert(details=PersonDetails(given_name="New", family_name="Person"))

    assert result.outcome == UpsertOutcome.CREATED
    assert result.obj.a_number is None and result.obj.preferred_language == "en"


def _fields(details: PersonDetails) -> dict:
    return {name: getattr(details, name) for name in details.__dataclass_fields__}


# --- case_upsert ------------------------------------------------------------------------------


@pytest.fixture
def category():
    return FormCategoryFactory(form__code="I-130", code="spouse")


def _record(base_category, **changes) -> CaseRecord:
    category = base_category
    values = {
        "receipt_number": ReceiptNumber.parse("IOE2400000123"),
        "form": category.form,
        "category": category,
        "receipt_date": dt.date(2024, 4, 1),
        "office": OfficeFactory(code="NBC"),
        "status": CaseStatus.RECEIVED,
        "status_date": dt.date(2024, 4, 1),
        "applicant": PersonDetails(given_name="Ada", family_name="Example"),
        **changes,
    }
    return CaseRecord(**values)


def test_case_upsert_creates_then_leaves_alone_then_updates(category):
    created = case_upsert(record=_record(category))
    stamp = Case.objects.get().updated_at

    unchanged = case_upsert(record=_record(category))
    assert Case.objects.get().updated_at == stamp
    updated = case_upsert(
        record=_record(category, status=CaseStatus.APPROVED, status_date=dt.date(2024, 9, 9))
    )

    assert [created.outcome, unchanged.outcome, updated.outcome] == [
        "created",
        "unchanged",
        "updated",
    ]
    case = Case.objects.get()
    assert case.status == CaseStatus.APPROVED
    assert CaseStatusEvent.objects.filter(case=case).count() == 2
    assert Person.objects.count() == 1


def test_case_upsert_moves_the_case_to_another_office_without_new_history(category):
    case_upsert(record=_record(category))
    other = OfficeFactory(code="NSC")

    result = case_upsert(record=_record(category, office=other))

    assert result.outcome == UpsertOutcome.UPDATED
    assert Case.objects.get().office == other
    assert CaseStatusEvent.objects.count() == 1


def test_case_upsert_refuses_a_category_of_another_form(category):
    stranger = FormCategoryFactory(form__code="I-765", code="c9")

    with pytest.raises(InvalidInput):
        case_upsert(record=_record(category, category=stranger))
    assert not Case.objects.exists() and not Person.objects.exists()


def test_case_upsert_refuses_status_before_receipt_and_writes_nothing(category):
    with pytest.raises(InvalidInput):
        case_upsert(record=_record(category, status_date=dt.date(2024, 3, 1)))
    assert not Case.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [
        ("", "", ""),
        ("", "protected", "protected"),
        ("vawa", "protected", "vawa"),
        ("u", "", "u"),
        ("protected", "t", "t"),
        ("t", "u", "u"),
    ],
)
def test_confidentiality_merge(current, incoming, kept):
    assert confidentiality_merge(current=current, incoming=incoming) == kept


def test_confidentiality_choices_are_all_covered():
    # A new basis added to the model must be thought about here too.
    assert set(Confidentiality.values) == {"", "protected", "vawa", "t", "u"}


# --- processing_time_upsert -----------------------------------------------------------------


def test_processing_time_upsert_creates_updates_and_refuses():
    existing = ProcessingTimeFactory(months=Decimal("8.0"))
    args = {
        "form": existing.form,
        "category": existing.category,
        "office": existing.office,
        "published_on": existing.published_on,
    }

    same = processing_time_upsert(**args, months=Decimal("8.00"))
    changed = processing_time_upsert(**args, months=Decimal("8.5"))
    new = processing_time_upsert(
        **{**args, "published_on": dt.date(2024, 2, 15)}, months=Decimal(3)
    )

    assert [same.outcome, changed.outcome, new.outcome] == ["unchanged", "updated", "created"]
    existing.refresh_from_db()
    assert existing.months == Decimal("8.5")
    with pytest.raises(InvalidInput, match="one decimal"):
        processing_time_upsert(**args, months=Decimal("8.25"))
    with pytest.raises(InvalidInput, match="at most 120"):
        processing_time_upsert(**args, months=Decimal(0))
    other_form = FormCategoryFactory(form__code="N-400", code="all")
    with pytest.raises(InvalidInput, match="does not belong"):
        processing_time_upsert(**{**args, "category": other_form}, months=Decimal(1))


# --- factories other tests rely on ----------------------------------------------------------


def test_case_factory_keeps_history_in_step_and_shares_reference_rows():
    first, second = CaseFactory(), CaseFactory(status=CaseStatus.APPROVED)

    assert first.form_id == second.form_id and first.office_id == second.office_id
    assert first.category.form_id == first.form_id
    assert second.status_history.get().status == CaseStatus.APPROVED
    assert CaseFactory(history=False).status_history.count() == 0
    represented = CaseFactory(represented=True)
    assert represented.representative is not None and represented.g28_accepted_on


def test_staff_user_factory_gives_role_and_profile():
    office = OfficeFactory(code="LOS")
    clerk = StaffUserFactory(role="office_staff", office=office, languages="en,es")
    nobody = StaffUserFactory(role="")

    assert list(clerk.groups.values_list("name", flat=True)) == ["office_staff"]
    assert clerk.staff_profile.office == office and clerk.staff_profile.languages == "en,es"
    assert StaffUserFactory().groups.get().name == "tier1"
    assert not nobody.groups.exists()
    assert clerk.check_password("correct horse battery staple")
