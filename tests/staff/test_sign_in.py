"""Staff password sign-in (the desk's page and the admin's) is throttled and locked out like the
public's: per username and per client address, counted in the shared cache, with a clear
message in both languages and nothing that tells whether an account exists."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PAGES = [pytest.param("desk:login", id="desk"), pytest.param("admin:login", id="admin")]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.STAFF_LOGIN_FAILURES = 5
    settings.STAFF_LOGIN_FAILURES_PER_IP = 20
    settings.STAFF_LOCKOUT_SECONDS = 900
    cache.clear()
    yield
    cache.clear()


def _admin():
    user = StaffUserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    return user


def _post(client, page, username, password, address="192.0.2.10", language="en"):
    return client.post(
        reverse(page),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_after_five_wrong_ones_is_refused(client, page):
    user = _admin()
    for _attempt in range(5):
        assert _post(client, page, user.username, "wrong password").status_code == 200
    response = _post(client, page, user.username, PASSWORD)
    assert response.status_code == 200
    assert not _signed_in(client)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "15 minutes" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_fewer_failures_than_the_limit_still_sign_in_and_clear_the_count(client, page):
    user = _admin()
    for _attempt in range(4):
        _post(client, page, user.username, "wrong password")
    response = _post(client, page, user.username, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)
    client.logout()
    # The success cleared the count: four more failures do not lock the account either.
    for _attempt in range(4):
        _post(client, page, user.username, "wrong password")
    assert _post(client, page, user.username, PASSWORD).status_code == 302


def test_the_lock_holds_from_another_address_and_the_other_page(client):
    user = _admin()
    for _attempt in range(5):
        _post(client, "desk:login", user.username, "wrong", address="192.0.2.1")
    response = _post(client, "admin:login", user.username.upper(), PASSWORD, address="192.0.2.2")
    assert not _signed_in(client)
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_lock_ends_when_the_window_passes(client, settings):
    user = _admin()
    for _attempt in range(5):
        _post(client, "desk:login", user.username, "wrong")
    cache.clear()  # what the window's expiry does
    assert _post(client, "desk:login", user.username, PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, settings):
    settings.STAFF_LOGIN_FAILURES_PER_IP = 6
    user = _admin()
    for number in range(6):
        _post(client, "desk:login", f"guess{number}", "wrong", address="198.51.100.7")
    refused = _post(client, "desk:login", user.username, PASSWORD, address="198.51.100.7")
    assert not _signed_in(client)
    assert "Too many failed sign-in attempts" in refused.content.decode()
    # Another address is not held back by that one.
    assert (
        _post(client, "desk:login", user.username, PASSWORD, address="198.51.100.8").status_code
        == 302
    )


def test_a_username_nobody_has_is_answered_exactly_like_a_real_one(client):
    user = _admin()
    answers = {}
    for username in (user.username, "nobody-by-this-name"):
        cache.clear()
        pages = [_post(client, "desk:login", username, "wrong").content for _ in range(6)]
        answers[username] = [page.replace(username.encode(), b"USER") for page in pages]

    def plain(page: bytes) -> bytes:  # without the per-request CSRF token and CSP nonce
        page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)
        return re.sub(rb'"inlineStyleNonce": "[^"]+"', b"", page)

    real, missing = answers.values()
    assert [plain(p) for p in real] == [plain(p) for p in missing]
    assert b"Too many failed sign-in attempts" in real[-1]


def test_the_lock_out_message_is_in_spanish_too(client):
    user = _admin()
    for _attempt in range(5):
        _post(client, "desk:login", user.username, "wrong", language="es")
    response = _post(client, "desk:login", user.username, PASSWORD, language="es")
    assert not _signed_in(client)
    assert "Demasiados intentos" in response.content.decode()
