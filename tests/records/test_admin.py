"""Legal holds in the admin: supervisors and administrators set and release them; nobody edits
or deletes one; other roles do not see them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from contactcenter.records.models import LegalHold
from contactcenter.staff.models import Role
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _web_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def signed_in(client, role: str) -> User:
    user = User.objects.create_user(username=f"{role}-user", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client.force_login(user)
    return user


def test_a_supervisor_sets_a_hold_on_a_case_and_releases_it(client):
    supervisor = signed_in(client, Role.SUPERVISOR)
    case = CaseFactory()
    response = client.post(
        reverse("admin:records_legalhold_add"), {"case": case.pk, "reason": "Litigation 24-1"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.case, hold.set_by, hold.reason, hold.is_active) == (
        case, supervisor, "Litigation 24-1", True
    )  # fmt: skip
    changelist = reverse("admin:records_legalhold_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "release", "_selected_action": [hold.pk]})
    hold.refresh_from_db()
    assert hold.released_by == supervisor and not hold.is_active
    # Never edited or deleted: released holds stay as history.
    change = reverse("admin:records_legalhold_change", args=[hold.pk])
    client.post(change, {"reason": "changed"})
    hold.refresh_from_db()
    assert hold.reason == "Litigation 24-1"
    assert client.get(reverse("admin:records_legalhold_delete", args=[hold.pk])).status_code == 403


def test_a_hold_must_name_a_person_or_a_case(client):
    signed_in(client, Role.ADMIN)
    response = client.post(reverse("admin:records_legalhold_add"), {"reason": "x"})
    assert response.status_code == 200 and not LegalHold.objects.exists()
    response = client.post(
        reverse("admin:records_legalhold_add"), {"person": PersonFactory().pk, "reason": ""}
    )
    assert response.status_code == 200 and not LegalHold.objects.exists()


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_other_roles_see_no_legal_holds(client, role):
    signed_in(client, role)
    assert client.get(reverse("admin:records_legalhold_changelist")).status_code == 403
    assert client.get(reverse("admin:records_legalhold_add")).status_code == 403
