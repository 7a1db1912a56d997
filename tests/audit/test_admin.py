"""The disclosure log in the admin: readable by supervisors, rewritable by nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse

from contactcenter.audit.models import DisclosureLog
from contactcenter.audit.services import disclosure_record
from contactcenter.cases.models import Case, FormCategory, FormType
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import Office, OfficeKind
from contactcenter.people.models import Person
from contactcenter.staff.models import Role


@pytest.fixture(autouse=True)
def _web_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def staff(username: str, *roles: str, superuser: bool = False) -> User:
    user = User.objects.create_user(username=username, is_staff=True, is_superuser=superuser)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def entry(db) -> DisclosureLog:
    office = Office.objects.create(code="VSC", kind=OfficeKind.SERVICE_CENTER, name_en="V")
    form = FormType.objects.create(code="I-90", title_en="Card", title_es="Tarjeta")
    case = Case.objects.create(
        receipt_number="EAC2400000042",
        form=form,
        category=FormCategory.objects.create(form=form, code="renew", title_en="R", title_es="R"),
        receipt_date=dt.date(2024, 2, 1),
        office=office,
        status=CaseStatus.RECEIVED,
        status_date=dt.date(2024, 2, 1),
        applicant=Person.objects.create(given_name="Ottoline", family_name="Qwerty"),
    )
    return disclosure_record(
        viewer=staff("agent7", Role.TIER1),
        case_id=case.pk,
        channel="desk",
        purpose="Caller asked for status",
        fields="name",
    )


@pytest.mark.django_db
def test_supervisor_reads_the_log_with_filters(client, entry):
    client.force_login(staff("sup", Role.SUPERVISOR))
    response = client.get(reverse("admin:audit_disclosurelog_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "EAC2400000042" in body and "agent7" in body
    assert "Caller asked for status" in body
    assert "Ottoline" not in body  # the log says who looked, not what they saw
    filtered = client.get(
        reverse("admin:audit_disclosurelog_changelist"), {"channel__exact": "phone"}
    )
    assert "EAC2400000042" not in filtered.content.decode()
    detail = client.get(reverse("admin:audit_disclosurelog_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="purpose"' not in detail.content.decode()  # shown, not editable


@pytest.mark.django_db
def test_a_row_naming_a_service_is_listed_and_found(client, entry):
    by_phone = disclosure_record(
        system_actor="ivr", case_id=entry.case.pk, channel="phone",
        purpose="status link emailed to the address on file", fields="email",
    )  # fmt: skip
    client.force_login(staff("sup", Role.SUPERVISOR))
    changelist = reverse("admin:audit_disclosurelog_changelist")
    body = client.get(changelist, {"q": "ivr"}).content.decode()
    assert "status link emailed" in body and "Caller asked for status" not in body
    detail = client.get(reverse("admin:audit_disclosurelog_change", args=[by_phone.pk]))
    assert detail.status_code == 200 and "ivr" in detail.content.decode()


@pytest.mark.django_db
def test_agents_cannot_read_the_log(client, entry):
    client.force_login(staff("t1", Role.TIER1))
    assert client.get(reverse("admin:audit_disclosurelog_changelist")).status_code == 403
    assert (
        client.get(reverse("admin:audit_disclosurelog_change", args=[entry.pk])).status_code == 403
    )


@pytest.mark.django_db
def test_nobody_may_add_change_or_delete_not_even_a_superuser(client, entry):
    root = staff("root", superuser=True)
    model_admin = admin.site._registry[DisclosureLog]
    request = RequestFactory().get("/")
    request.user = root
    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.get_actions(request) == {}

    client.force_login(root)
    assert client.get(reverse("admin:audit_disclosurelog_add")).status_code == 403
    delete_url = reverse("admin:audit_disclosurelog_delete", args=[entry.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:audit_disclosurelog_change", args=[entry.pk])
    response = client.post(change_url, {"purpose": "rewritten", "channel": "admin"})
    assert response.status_code == 403
    bulk = client.post(
        reverse("admin:audit_disclosurelog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    entry.refresh_from_db()
    assert entry.purpose == "Caller asked for status"
    assert DisclosureLog.objects.count() == 1


@pytest.mark.django_db
def test_refused_reads_are_listed_and_filtered(client, entry):
    disclosure_record(
        viewer=entry.viewer, case_id=entry.case.pk, channel="desk",
        purpose="identity check, inquiry 0000000000", fields="", outcome="refused",
    )  # fmt: skip
    client.force_login(staff("sup", Role.SUPERVISOR))
    changelist = reverse("admin:audit_disclosurelog_changelist")
    body = client.get(changelist, {"outcome__exact": "refused"}).content.decode()
    assert "identity check, inquiry 0000000000" in body
    assert "Caller asked for status" not in body
