"""Staff pages ask for two-step verification when STAFF_REQUIRE_TWO_STEP is on: TOTP must be
turned on, and the session must have passed a code, on every kind of staff page."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    (Role.TIER1, "/desk/"),
    (Role.TIER2, "/desk/callbacks/"),
    (Role.SUPERVISOR, "/desk/supervisor/"),
    (Role.OFFICE_STAFF, "/service-requests/office/"),
    (Role.TIER2, "/appointments/staff/"),
]


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_TWO_STEP = True


def passed_code(client, user) -> None:
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.mark.parametrize(("role", "path"), STAFF_PAGES)
def test_without_totp_staff_are_sent_to_turn_it_on(client, required, reference_data, role, path):
    user = StaffUserFactory(role=role)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    assert f"next={path}" in response["Location"]


@pytest.mark.parametrize(("role", "path"), STAFF_PAGES)
def test_with_totp_the_session_must_pass_a_code(client, required, reference_data, role, path):
    from contactcenter.offices.models import Office

    user = StaffUserFactory(role=role, office=Office.objects.get(code="NBC"))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/code/") or (
        "reauthenticate" in response["Location"]
    )
    passed_code(client, user)
    assert client.get(path).status_code == 200


def test_the_rule_can_be_turned_off_for_a_demo(client, settings, reference_data):
    settings.STAFF_REQUIRE_TWO_STEP = False
    client.force_login(StaffUserFactory(role=Role.TIER1))
    assert client.get("/desk/").status_code == 200


def test_people_without_a_staff_role_are_refused_not_asked_for_a_code(
    client, required, django_user_model
):
    client.force_login(django_user_model.objects.create_user(username="someone"))
    assert client.get("/desk/").status_code == 403


def test_the_admin_asks_for_two_step_verification_too(client, required):
    admin_user = StaffUserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    assert "next=/admin/" in response["Location"]
    TOTP.activate(admin_user, generate_totp_secret())
    response = client.get("/admin/cases/case/")
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    passed_code(client, admin_user)
    assert client.get("/admin/cases/case/").status_code == 200


def test_signing_out_of_the_admin_never_asks_for_a_code(client, required):
    client.force_login(StaffUserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.post("/admin/logout/").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_page_still_answers_signed_out(client, required):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.django_db(transaction=True)  # allauth tells of it on commit, as in production
def test_turning_on_two_step_after_the_desk_sign_in_is_one_step(client, required, reference_data):
    """Signed in on the desk, a member of staff without TOTP turns it on once (one code) and
    goes straight on: no second password, no second code, and no warning left behind."""
    from tests.portal.conftest import totp_code

    user = StaffUserFactory(role=Role.TIER1)
    signed_in = client.post(
        "/desk/login/", {"username": user.username, "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 302
    detour = client.get("/desk/messages/")
    assert detour["Location"].startswith("/accounts/2fa/totp/activate")
    activation = client.get(detour["Location"])
    assert activation.status_code == 200  # not sent to enter the password again first
    secret = client.session["mfa.totp.secret"]
    turned_on = client.post(detour["Location"], {"code": totp_code(secret)})
    assert turned_on.status_code == 302
    if turned_on["Location"] != "/desk/messages/":  # the recovery codes, shown once first
        assert client.get(turned_on["Location"]).status_code == 200
    page = client.get("/desk/messages/")
    assert page.status_code == 200  # not asked for another code
    assert "turn on two-step verification first" not in page.content.decode()
