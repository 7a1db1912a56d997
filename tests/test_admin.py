"""The admin: every record has a page, lists stay cheap, and personal data only ever appears
on pages that went through the disclosure selector."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from contactcenter.audit.models import DisclosureLog
from contactcenter.audit.services import disclosure_record
from contactcenter.cases.access import can_view_case_personal_data, visible_cases_q
from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    Confidentiality,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import (
    Office,
    OfficeClosure,
    OfficeHours,
    OfficeKind,
    ServiceArea,
)
from contactcenter.people.models import Person, Representative
from contactcenter.staff.models import Role, StaffProfile

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _web_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def make_staff(*roles: str, office: Office | None = None, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=f"staff{next(_serial)}",
        password=None,
        is_staff=True,
        is_superuser=superuser,
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    StaffProfile.objects.create(user=user, office=office)
    return user


class World:
    """A small caseload: two offices, one form, people with ordinary and protected cases."""

    def __init__(self) -> None:
        self.vsc = Office.objects.create(
            code="VSC", kind=OfficeKind.SERVICE_CENTER, name_en="Vermont", name_es="Vermont"
        )
        self.nbc = Office.objects.create(
            code="NBC", kind=OfficeKind.BENEFITS_CENTER, name_en="National", name_es="Nacional"
        )
        self.form = FormType.objects.create(code="I-485", title_en="Adjust", title_es="Ajuste")
        self.category = FormCategory.objects.create(
            form=self.form, code="family", title_en="Family", title_es="Familia"
        )
        self.rep = Representative.objects.create(
            given_name="Portia", family_name="Barrister", organization="Legal Aid Co-op"
        )

    def person(self, name: str = "Wilhelmina") -> Person:
        number = next(_serial)
        return Person.objects.create(
            given_name=name,
            family_name=f"Zyx{number}",
            date_of_birth=dt.date(1980, 7, 14),
            a_number=f"A{number:09d}",
            street="7 Secret Street",
        )

    def case(
        self,
        *,
        person: Person | None = None,
        office: Office | None = None,
        confidentiality: str = Confidentiality.NONE,
        represented: bool = False,
    ) -> Case:
        case = Case.objects.create(
            receipt_number=f"EAC24{next(_serial):08d}",
            form=self.form,
            category=self.category,
            receipt_date=dt.date(2024, 1, 10),
            office=office or self.vsc,
            status=CaseStatus.RECEIVED,
            status_date=dt.date(2024, 1, 12),
            applicant=person or self.person(),
            confidentiality=confidentiality,
            representative=self.rep if represented else None,
            g28_accepted_on=dt.date(2024, 1, 10) if represented else None,
        )
        CaseStatusEvent.objects.create(
            case=case, status=CaseStatus.RECEIVED, status_date=case.status_date, office=case.office
        )
        return case


@pytest.fixture
def world(db) -> World:
    return World()


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# --- Case pages and the disclosure log -------------------------------------------------------


@pytest.mark.django_db
def test_case_page_goes_through_the_selector_and_is_logged(client, world):
    case = world.case(represented=True)
    officer = make_staff(Role.TIER2)
    client.force_login(officer)

    response = client.get(change_url(case))

    assert response.status_code == 200
    body = response.content.decode()
    assert case.applicant.family_name in body
    assert "A" + case.applicant.a_number[1:] in body
    assert "Portia Barrister" in body
    entry = DisclosureLog.objects.get()
    assert (entry.viewer, entry.case, entry.channel) == (officer, case, "admin")


@pytest.mark.django_db
def test_tier1_gets_404_on_a_protected_case_exactly_like_a_missing_one(client, world):
    protected = world.case(confidentiality=Confidentiality.VAWA)
    client.force_login(make_staff(Role.TIER1))

    forbidden = client.get(change_url(protected))
    missing = client.get(reverse("admin:cases_case_change", args=[999_999]))
    garbage = client.get(reverse("admin:cases_case_change", args=["not-a-number"]))

    assert forbidden.status_code == missing.status_code == garbage.status_code == 404
    assert protected.applicant.family_name not in forbidden.content.decode()
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_tier1_may_open_an_ordinary_case(client, world):
    case = world.case()
    client.force_login(make_staff(Role.TIER1))
    assert client.get(change_url(case)).status_code == 200
    assert DisclosureLog.objects.filter(case=case, channel="admin").count() == 1


@pytest.mark.django_db
def test_office_staff_see_only_their_own_office(client, world):
    ours = world.case(office=world.vsc)
    theirs = world.case(office=world.nbc)
    client.force_login(make_staff(Role.OFFICE_STAFF, office=world.vsc))

    assert client.get(change_url(ours)).status_code == 200
    assert client.get(change_url(theirs)).status_code == 404
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert ours.receipt_number in listing
    assert theirs.receipt_number not in listing


@pytest.mark.django_db
def test_staff_without_a_role_see_no_case(client, world):
    case = world.case()
    client.force_login(make_staff())
    assert client.get(change_url(case)).status_code in {403, 404}
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_case_history_page_checks_the_right_but_discloses_nothing(client, world):
    case = world.case(confidentiality=Confidentiality.U_VISA)
    history = reverse("admin:cases_case_history", args=[case.pk])

    client.force_login(make_staff(Role.TIER1))
    assert client.get(history).status_code == 404

    client.force_login(make_staff(Role.SUPERVISOR))
    response = client.get(history)
    assert response.status_code == 200
    assert case.applicant.family_name not in response.content.decode()
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_case_list_shows_no_personal_data_and_hides_protected_cases_from_tier1(client, world):
    ordinary = world.case(represented=True)
    protected = world.case(confidentiality=Confidentiality.T_VISA)
    client.force_login(make_staff(Role.TIER1))

    body = client.get(reverse("admin:cases_case_changelist")).content.decode()

    assert ordinary.receipt_number in body
    assert protected.receipt_number not in body
    for case in (ordinary, protected):
        assert case.applicant.family_name not in body
        assert case.applicant.given_name not in body
        assert case.applicant.a_number not in body
    assert "Portia" not in body
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_case_search_is_by_receipt_number_only(client, world):
    case = world.case()
    other = world.case()
    client.force_login(make_staff(Role.SUPERVISOR))
    url = reverse("admin:cases_case_changelist")

    found = client.get(url, {"q": case.receipt_number.lower()[:3] + "-" + case.receipt_number[3:]})
    assert case.receipt_number in found.content.decode()
    assert other.receipt_number not in found.content.decode()

    by_name = client.get(url, {"q": case.applicant.family_name}).content.decode()
    assert case.receipt_number not in by_name
    by_a_number = client.get(url, {"q": case.applicant.a_number}).content.decode()
    assert case.receipt_number not in by_a_number


@pytest.mark.django_db
def test_cases_are_read_only_even_for_a_superuser(client, world):
    case = world.case()
    client.force_login(make_staff(superuser=True))
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.get(reverse("admin:cases_case_delete", args=[case.pk])).status_code == 403
    response = client.post(change_url(case), {"status": CaseStatus.APPROVED})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


@pytest.mark.django_db
def test_case_page_shows_the_status_history_inline(client, world):
    case = world.case()
    CaseStatusEvent.objects.create(
        case=case, status=CaseStatus.APPROVED, status_date=dt.date(2024, 5, 1), office=case.office
    )
    client.force_login(make_staff(Role.SUPERVISOR))
    body = client.get(change_url(case)).content.decode()
    assert "Case Was Received" in body and "Case Was Approved" in body


# --- People and representatives --------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_person_records_one_disclosure_per_case(client, world):
    person = world.person()
    first = world.case(person=person)
    second = world.case(person=person, office=world.nbc)
    viewer = make_staff(Role.TIER1)
    client.force_login(viewer)

    response = client.get(change_url(person))

    assert response.status_code == 200
    assert person.family_name in response.content.decode()
    logged = set(DisclosureLog.objects.filter(viewer=viewer).values_list("case_id", "channel"))
    assert logged == {(first.pk, "admin"), (second.pk, "admin")}


@pytest.mark.django_db
def test_a_person_with_a_protected_case_is_hidden_from_tier1(client, world):
    person = world.person()
    world.case(person=person)
    world.case(person=person, confidentiality=Confidentiality.VAWA)
    client.force_login(make_staff(Role.TIER1))

    assert client.get(change_url(person)).status_code == 404
    listing = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert f">Person #{person.pk}<" not in listing
    assert not DisclosureLog.objects.exists()

    client.force_login(make_staff(Role.TIER2))
    assert client.get(change_url(person)).status_code == 200
    assert DisclosureLog.objects.count() == 2


@pytest.mark.django_db
def test_people_and_representative_lists_show_no_names(client, world):
    case = world.case(represented=True)
    client.force_login(make_staff(Role.ADMIN))

    people = client.get(reverse("admin:people_person_changelist")).content.decode()
    reps = client.get(reverse("admin:people_representative_changelist")).content.decode()

    assert f"Person #{case.applicant.pk}" in people
    assert case.applicant.given_name not in people
    assert case.applicant.family_name not in people
    assert f"Representative #{world.rep.pk}" in reps
    assert "Portia" not in reps and "Barrister" not in reps
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_people_cannot_be_searched_by_personal_data(client, world):
    case = world.case()
    client.force_login(make_staff(Role.ADMIN))
    url = reverse("admin:people_person_changelist")
    marker = f"Person #{case.applicant.pk}<"
    assert marker in client.get(url, {"q": case.receipt_number}).content.decode()
    assert marker not in client.get(url, {"q": case.applicant.family_name}).content.decode()
    assert marker not in client.get(url, {"q": case.applicant.a_number}).content.decode()


@pytest.mark.django_db
def test_representative_on_a_protected_case_is_hidden_from_tier1(client, world):
    world.case(represented=True, confidentiality=Confidentiality.T_VISA)
    client.force_login(make_staff(Role.TIER1))
    assert client.get(change_url(world.rep)).status_code == 404
    client.force_login(make_staff(Role.SUPERVISOR))
    assert client.get(change_url(world.rep)).status_code == 200


# --- The SQL mirror of the role rule ---------------------------------------------------------


@pytest.mark.django_db
def test_list_filter_agrees_with_the_role_rule_for_every_role(world):
    cases = [
        world.case(office=office, confidentiality=confidentiality)
        for office in (world.vsc, world.nbc)
        for confidentiality in Confidentiality.values
    ]
    # Protection follows the person: an ordinary case of someone who also has a VAWA case.
    sheltered = world.person("Sheltered")
    cases.append(world.case(person=sheltered, office=world.vsc))
    cases.append(world.case(person=sheltered, office=world.nbc, confidentiality="vawa"))
    viewers = [make_staff()]
    viewers += [make_staff(role, office=world.vsc) for role in Role.values]
    viewers.append(make_staff(Role.OFFICE_STAFF))  # no office on the profile
    viewers.append(make_staff(Role.TIER1, Role.OFFICE_STAFF, office=world.nbc))
    viewers.append(make_staff(superuser=True))
    for viewer in viewers:
        viewer = User.objects.get(pk=viewer.pk)  # fresh: no cached roles
        visible = visible_cases_q(viewer)
        listed = set(
            (Case.objects.all() if visible is None else Case.objects.filter(visible)).values_list(
                "pk", flat=True
            )
        )
        allowed = {case.pk for case in cases if can_view_case_personal_data(viewer, case)}
        assert listed == allowed, viewer.groups.values_list("name", flat=True)


# --- Every admin page, and what each costs ---------------------------------------------------


@pytest.fixture
def full_world(world):
    for _ in range(25):
        world.case(represented=True)
    closure_day = dt.date(2024, 3, 1)
    for office in (world.vsc, world.nbc):
        OfficeHours.objects.create(
            office=office, weekday=0, opens_at=dt.time(8), closes_at=dt.time(17)
        )
        OfficeClosure.objects.create(
            office=office,
            starts_on=closure_day,
            ends_on=closure_day,
            reason_en="Weather",
            reason_es="Clima",
        )
    for zip_code in range(5):
        ServiceArea.objects.create(office=world.vsc, zip_code=f"0540{zip_code}")
    for month in range(1, 13):
        ProcessingTime.objects.create(
            form=world.form,
            category=world.category,
            office=world.vsc if month % 2 else world.nbc,
            months=Decimal("7.5"),
            published_on=dt.date(2024, month, 1),
        )
    agents = [make_staff(Role.TIER1, office=world.vsc) for _ in range(10)]
    for agent, case in zip(itertools.cycle(agents), Case.objects.all()[:20], strict=False):
        disclosure_record(
            viewer=agent, case_id=case.pk, channel="desk", purpose="test", fields="name"
        )
    return world


REGISTERED = sorted(
    f"{model._meta.app_label}.{model._meta.model_name}"
    for model in admin.site._registry
    if model._meta.app_label in {"offices", "people", "cases", "audit", "staff", "auth"}
)


@pytest.mark.django_db
@pytest.mark.parametrize("label", REGISTERED)
def test_changelists_render_with_a_bounded_number_of_queries(
    client, full_world, label, django_assert_max_num_queries
):
    client.force_login(make_staff(Role.ADMIN))
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    with django_assert_max_num_queries(15):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [Office, ServiceArea, OfficeClosure, FormType, FormCategory, ProcessingTime, StaffProfile],
)
def test_record_pages_open_for_an_administrator(client, full_world, model):
    client.force_login(make_staff(Role.ADMIN))
    obj = model.objects.first()
    assert client.get(change_url(obj)).status_code == 200
    assert (
        client.get(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_add")).status_code
        == 200
    )


@pytest.mark.django_db
def test_user_page_carries_the_staff_profile_and_roles(client, world):
    agent = make_staff(Role.TIER1, office=world.vsc)
    client.force_login(make_staff(Role.ADMIN))
    page = client.get(change_url(agent)).content.decode()
    assert "staff_profile-0-office" in page
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Tier 1 agent" in listing


@pytest.mark.django_db
def test_tier1_cannot_manage_reference_data_or_users(client, world):
    client.force_login(make_staff(Role.TIER1))
    assert client.get(reverse("admin:offices_office_changelist")).status_code == 200
    assert client.get(reverse("admin:offices_office_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_disclosurelog_changelist")).status_code == 403


@pytest.mark.django_db
def test_office_search_finds_the_office_serving_a_zip_code(client, world):
    ServiceArea.objects.create(office=world.nbc, zip_code="64105")
    client.force_login(make_staff(Role.TIER1))
    body = client.get(reverse("admin:offices_office_changelist"), {"q": "64105"}).content.decode()
    assert "National" in body and "Vermont" not in body
