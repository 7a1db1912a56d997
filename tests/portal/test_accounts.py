"""Public accounts through allauth: sign-up with a verified email, sign-in, lock-out, password
reset, two-step verification, OpenID Connect from settings; staff sign-in keeps working."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail

from contactcenter.portal.models import RepresentativeLink
from tests.factories import RepresentativeFactory, StaffUserFactory
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_sign_up_needs_a_verified_email_before_the_account_opens(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new.person@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    # Not verified yet: the account pages send the person back to sign in.
    assert client.get("/account/").status_code == 302
    confirm = _link_in(mail.outbox[0])
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    assert client.get("/account/").status_code == 200


def test_sign_in_by_email_lands_on_my_cases(client, make_account):
    user = make_account("ana@example.com")
    response = client.post("/accounts/login/", {"login": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.get("/account/").context["user"] == user


def test_unverified_account_cannot_sign_in(client, make_account):
    make_account("late@example.com", verified=False)
    response = client.post("/accounts/login/", {"login": "late@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/account/").status_code == 302


def test_lock_out_after_repeated_failures_even_with_the_right_password(client, make_account):
    make_account("target@example.com")
    for _ in range(5):
        bad = client.post("/accounts/login/", {"login": "target@example.com", "password": "no"})
        assert bad.status_code == 200
    locked = client.post("/accounts/login/", {"login": "target@example.com", "password": PASSWORD})
    assert "Too many failed login attempts" in locked.content.decode()
    assert client.get("/account/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, make_account):
    make_account("forgot@example.com")
    response = client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "another long passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new, "password2": new},
    )
    assert done.status_code == 302
    assert client.login(username="forgot", password=new)


def test_staff_sign_in_on_the_desk_still_uses_the_username(client):
    staff = StaffUserFactory(username="desk.agent")
    response = client.post(
        "/desk/login/", {"username": "desk.agent", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_representative_must_turn_on_two_step_verification(client, make_account, applicant):
    user = make_account()
    RepresentativeLink.objects.create(user=user, representative=RepresentativeFactory())
    client.force_login(user)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_totp_can_be_turned_on_by_anyone_and_is_then_asked_at_sign_in(client, make_account):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = make_account("careful@example.com")
    client.post("/accounts/login/", {"login": "careful@example.com", "password": PASSWORD})
    # Changing security settings asks for the password again.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    activated = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()
    step_one = client.post(
        "/accounts/login/", {"login": "careful@example.com", "password": PASSWORD}
    )
    assert step_one["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/account/").status_code == 302  # not signed in without the code


def test_approved_representative_sees_the_clients_case(client, approved_representative):
    user, case = approved_representative
    client.force_login(user)
    response = client.get("/account/")
    assert response.status_code == 200
    assert case.receipt_number in response.content.decode()
    assert client.get(f"/account/cases/{case.pk}/").status_code == 200


def test_unapproved_representative_sees_no_case(client, approved_representative):
    user, case = approved_representative
    RepresentativeLink.objects.filter(user=user).update(approved_at=None)
    client.force_login(user)
    assert client.get(f"/account/cases/{case.pk}/").status_code == 404


def test_sign_in_page_in_spanish(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()
    assert "Iniciar sesión" in response.content.decode()


def _settings_in_child(env: dict[str, str]) -> str:
    code = (
        "import django, os, json;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE','contactcenter.settings');"
        "from django.conf import settings;"
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return result.stdout


def test_openid_connect_is_off_unless_configured():
    assert '"APPS": []' in _settings_in_child({})
    configured = _settings_in_child(
        {
            "OIDC_CLIENT_ID": "urn:gov:gsa:openidconnect.profiles:sp:sso:agency:cc",
            "OIDC_SERVER_URL": "https://idp.int.identitysandbox.gov",
            "OIDC_PROVIDER_NAME": "Login.gov",
        }
    )
    assert '"provider_id": "logingov"' in configured
    assert '"server_url": "https://idp.int.identitysandbox.gov"' in configured


def test_user_model_is_unchanged_for_staff():
    assert get_user_model().USERNAME_FIELD == "username"


def test_sign_in_pages_speak_as_the_rest_of_the_site(client, db):
    """allauth's own texts in sentence case in English and in 'usted' in Spanish."""
    english = client.get("/accounts/login/").content.decode()
    assert "Remember me" in english and "Remember Me" not in english
    assert ">Sign In<" not in english
    client.cookies["django_language"] = "es"
    spanish = client.get("/accounts/confirm-email/").content.decode()
    assert "Le enviamos un correo electrónico" in spanish
    for informal in ("Si no ves", " tu bandeja", "comprueba tu"):
        assert informal not in spanish
