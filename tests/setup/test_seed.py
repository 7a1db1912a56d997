"""Demo data: deterministic, consistent per form, and written by `contactcenter seed`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from contactcenter.cases.models import Case, CaseStatusEvent, ProcessingTime
from contactcenter.cases.processing_times import inquiry_eligibility, processing_time_current
from contactcenter.cases.statuses import FINAL_STATUSES, CaseStatus
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.offices.models import OfficeClosure, OfficeKind, ServiceArea
from contactcenter.offices.selectors import field_office_for_zip
from contactcenter.offices.services import office_definitions_read
from contactcenter.people.models import Language, Person
from contactcenter.setup.demo.build import demo_plan_build, demo_plan_problems
from contactcenter.setup.demo.profiles import PROFILE_BY_KEY
from contactcenter.setup.demo.receipts import (
    fiscal_workday,
    fiscal_year_of,
    intake_office_for_prefix,
    receipt_date_of,
    receipt_number_compose,
)
from contactcenter.setup.demo.showcases import SHOWCASES
from contactcenter.setup.demo.staff import DEMO_PASSWORDS, STAFF
from contactcenter.staff.models import Role

TODAY = dt.date(2026, 11, 20)  # fixed, so the tests do not depend on the day they run
S = CaseStatus


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 is slow by design; the seed's hashing logic is the same with any hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def plan():
    return demo_plan_build(cases=600, seed=7, today=TODAY)


# --- receipt-number calendar ------------------------------------------------------------------


def test_fiscal_year_starts_in_october():
    assert fiscal_year_of(dt.date(2026, 9, 30)) == 2026
    assert fiscal_year_of(dt.date(2026, 10, 1)) == 2027


def test_workdays_skip_weekends_and_federal_holidays():
    assert fiscal_workday(dt.date(2026, 10, 1)) == 1  # a Thursday
    assert fiscal_workday(dt.date(2026, 10, 5)) == 3  # Monday after the weekend
    assert fiscal_workday(dt.date(2026, 10, 13)) == 8  # Columbus Day (12th) is skipped
    with pytest.raises(ValueError, match="not a federal workday"):
        fiscal_workday(dt.date(2026, 10, 3))  # a Saturday
    with pytest.raises(ValueError, match="not a federal workday"):
        fiscal_workday(dt.date(2026, 12, 25))


def test_receipt_number_round_trip():
    number = receipt_number_compose(prefix="LIN", receipt_date=dt.date(2026, 10, 13), sequence=42)
    assert number == "LIN2700800042"
    assert receipt_date_of(number) == dt.date(2026, 10, 13)
    with pytest.raises(ValueError):
        receipt_number_compose(prefix="LIN", receipt_date=dt.date(2026, 10, 13), sequence=100_000)
    with pytest.raises(ValueError):
        receipt_date_of("LIN2799900001")  # no fiscal year has 999 workdays


# --- the plan, in memory ----------------------------------------------------------------------


def test_same_seed_gives_identical_plan(plan):
    again = demo_plan_build(cases=600, seed=7, today=TODAY)
    assert again == plan
    other = demo_plan_build(cases=600, seed=8, today=TODAY)
    assert [c.receipt_number for c in other.cases] != [c.receipt_number for c in plan.cases]


def test_more_cases_keep_the_processing_times(plan):
    bigger = demo_plan_build(cases=700, seed=7, today=TODAY)
    assert bigger.processing_times == plan.processing_times
    assert bigger.staff == plan.staff


def test_plan_is_consistent(plan):
    assert demo_plan_problems(plan) == []
    assert len(plan.cases) == 600
    assert len({c.receipt_number for c in plan.cases}) == 600
    for case in plan.cases:
        parsed = ReceiptNumber.parse(case.receipt_number)
        assert parsed.value == case.receipt_number
        assert parsed.fiscal_year == fiscal_year_of(case.receipt_date)
        assert parsed.workday == fiscal_workday(case.receipt_date)
        assert case.events[0].status == S.RECEIVED
        assert case.events[0].office == intake_office_for_prefix(parsed.prefix)
        dates = [e.status_date for e in case.events]
        assert dates == sorted(dates)
        assert case.receipt_date <= dates[0] and dates[-1] <= TODAY
        assert case.status_date >= case.receipt_date


def test_histories_follow_each_forms_flow(plan):
    for case in plan.cases:
        profile = PROFILE_BY_KEY[(case.form, case.category)]
        statuses = [e.status for e in case.events]
        assert statuses.count(S.RECEIVED) == 1
        if S.CARD_PRODUCED in statuses:
            assert profile.card
            assert statuses.index(S.APPROVED) < statuses.index(S.CARD_PRODUCED)
        if S.INTERVIEW_SCHEDULED in statuses:
            assert statuses.index(S.TRANSFERRED) < statuses.index(S.INTERVIEW_SCHEDULED)
        if S.RFE_RESPONSE_RECEIVED in statuses:
            assert statuses.index(S.RFE_SENT) < statuses.index(S.RFE_RESPONSE_RECEIVED)
        if S.BIOMETRICS_TAKEN in statuses:
            assert profile.biometrics
        decisions = [s for s in statuses if s in {S.APPROVED, S.DENIED, S.REJECTED}]
        assert len(decisions) <= 1
        if decisions:
            assert all(s in FINAL_STATUSES for s in statuses[statuses.index(decisions[0]) :])
        if case.form == "N-400" and S.APPROVED in statuses:
            assert S.INTERVIEW_SCHEDULED in statuses
        transfers = [e for e in case.events if e.status == S.TRANSFERRED]
        if transfers:
            # Everything after the transfer happens at the new office.
            after = case.events[case.events.index(transfers[0]) :]
            assert {e.office for e in after} == {transfers[0].office}


def test_transfers_go_to_the_office_serving_the_zip(plan, reference_data):
    checked = 0
    for case in plan.cases:
        if case.form in {"N-400", "I-485"} and case.events[-1].status == S.TRANSFERRED:
            person = plan.people[case.person]
            office = field_office_for_zip(person.zip_code)
            assert office is not None and office.code == case.office
            checked += 1
    assert checked


def test_people_and_shares_look_realistic(plan):
    languages = Counter(p.preferred_language for p in plan.people)
    assert 0.2 < languages[Language.SPANISH] / len(plan.people) < 0.4
    a_numbers = [p.a_number for p in plan.people if p.a_number]
    assert len(a_numbers) == len(set(a_numbers)) > len(plan.people) / 2
    zip_owner = {z: o.code for o in office_definitions_read() for z in o.zips}
    for person in plan.people:
        if person.state:  # people abroad have no U.S. state
            assert person.zip_code in zip_owner
    represented = [c for c in plan.cases if c.representative is not None]
    assert 0.03 < len(represented) / len(plan.cases) < 0.15
    assert all(c.g28_accepted_on >= c.receipt_date for c in represented)
    confidential = [c for c in plan.cases if c.confidentiality]
    assert 0 < len(confidential) / len(plan.cases) < 0.05
    assert {c.form for c in confidential} <= {"I-485", "I-589", "I-360", "I-918", "I-914"}


def test_processing_times_have_six_monthly_publications(plan):
    by_key = Counter((p.form, p.category, p.office) for p in plan.processing_times)
    assert set(by_key.values()) == {6}
    dates = sorted({p.published_on for p in plan.processing_times})
    assert len(dates) == 6 and dates[-1] <= TODAY and dates[-1] > TODAY - dt.timedelta(days=31)
    assert all(0 < p.months <= 120 for p in plan.processing_times)


def test_negative_case_count_is_refused():
    with pytest.raises(ValueError):
        demo_plan_build(cases=-1, seed=1, today=TODAY)


# --- the command, in the database -------------------------------------------------------------


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, today=TODAY, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_writes_the_plan():
    output = _seed(cases=150, seed=3)
    assert "Seeded 150 cases" in output and "EAC2703500001" in output
    expected = demo_plan_build(cases=150, seed=3, today=TODAY)
    # The database holds exactly the planned values: same seed, same data.
    assert sorted(Case.objects.values_list("receipt_number", flat=True)) == sorted(
        c.receipt_number for c in expected.cases
    )
    assert CaseStatusEvent.objects.count() == sum(len(c.events) for c in expected.cases)
    assert ProcessingTime.objects.count() == len(expected.processing_times)
    for case in Case.objects.select_related("office", "applicant"):
        history = list(case.status_history.order_by("status_date", "id"))
        assert history[-1].status == case.status
        assert history[-1].status_date == case.status_date
        assert history[0].status_date >= case.receipt_date
        assert [h.status_date for h in history] == sorted(h.status_date for h in history)
        assert history[0].office.code == intake_office_for_prefix(case.receipt_number[:3])
        if case.applicant.state:
            assert ServiceArea.objects.filter(zip_code=case.applicant.zip_code).exists()
    assert Case.objects.filter(office__kind=OfficeKind.INTERNATIONAL).exists()


@pytest.mark.django_db
def test_seed_showcases_behave_as_documented():
    _seed(cases=len(SHOWCASES))
    cases = {c.receipt_number: c for c in Case.objects.select_related("applicant", "office")}
    assert set(cases) == {s.receipt_number for s in SHOWCASES}
    assert cases["EAC2703500001"].status == S.RECEIVED
    assert cases["SRC2615000002"].status == S.RFE_SENT
    assert cases["WAC2605000003"].status == S.APPROVED
    assert cases["IOE2609000006"].applicant.preferred_language == Language.SPANISH
    assert cases["IOE2609000006"].office.code == "MIA"
    assert cases["EAC2608000008"].is_confidential
    assert cases["MSC2607000009"].representative is not None
    assert cases["EAC2604000010"].office.code == "MEX"
    for number, allowed in (("EAC2512000004", True), ("LIN2620000005", False)):
        case = cases[number]
        posted = processing_time_current(
            form_id=case.form_id, category_id=case.category_id, office_id=case.office_id, on=TODAY
        )
        eligibility = inquiry_eligibility(
            receipt_date=case.receipt_date, status=case.status, processing_time=posted, today=TODAY
        )
        assert eligibility.allowed_now is allowed, number


@pytest.mark.django_db
def test_seed_creates_staff_closures_and_current_processing_times():
    _seed(cases=20)
    users = get_user_model().objects.prefetch_related("groups")
    roles = Counter(g.name for u in users for g in u.groups.all())
    assert all(2 <= roles[role] <= 3 for role in Role.values), roles
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORDS[Role.ADMIN])
    tier1 = users.get(username="tier1.alice")
    assert tier1.check_password(DEMO_PASSWORDS[Role.TIER1]) and not tier1.is_superuser
    for member in STAFF:
        if member.role == Role.OFFICE_STAFF:
            user = users.get(username=member.username)
            assert user.staff_profile.office.code == member.office
    closed_today = OfficeClosure.objects.filter(starts_on__lte=TODAY, ends_on__gte=TODAY)
    assert closed_today.filter(office__kind=OfficeKind.FIELD_OFFICE).exists()
    assert all(c.reason_en and c.reason_es for c in closed_today)
    current = processing_time_current(
        form_id=Case.objects.first().form_id,
        category_id=Case.objects.first().category_id,
        office_id=Case.objects.first().office_id,
        on=TODAY,
    )
    assert current is not None and current.published_on <= TODAY


@pytest.mark.django_db
def test_if_empty_skips_a_database_with_cases():
    _seed(cases=12)
    people = Person.objects.count()
    output = _seed(cases=12, if_empty=True)
    assert "already holds 12 cases; not seeding" in output
    assert Case.objects.count() == 12 and Person.objects.count() == people
    with pytest.raises(CommandError, match="already holds 12 cases"):
        _seed(cases=12)


@pytest.mark.django_db
def test_if_empty_seeds_an_empty_database():
    assert "Seeded 12 cases" in _seed(cases=12, if_empty=True)
    assert Case.objects.count() == 12


@pytest.mark.django_db
def test_seed_rejects_bad_arguments():
    with pytest.raises(CommandError, match="negative"):
        call_command("seed", cases=-5)
    with pytest.raises(CommandError, match="--today"):
        call_command("seed", "--today", "yesterday")
    assert not Case.objects.exists()


def test_help_lists_showcases_and_accounts(capsys):
    with pytest.raises(SystemExit):
        call_command("seed", "--help")
    text = capsys.readouterr().out
    for showcase in SHOWCASES:
        assert showcase.receipt_number in text
    assert "demo-admin" in text
