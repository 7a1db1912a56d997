"""Password sign-in gives its pooled database connection back while it hashes."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import connection

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple 7"


def _user(**kwargs):
    user = StaffUserFactory(role="tier1", **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_right_password_signs_in_and_a_wrong_one_or_unknown_name_does_not():
    user = _user()
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert authenticate(username=user.username, password=PASSWORD + "x") is None
    assert authenticate(username="nobody-here", password=PASSWORD) is None
    assert authenticate(username=user.username) is None


def test_an_inactive_account_cannot_sign_in():
    user = _user(is_active=False)
    assert authenticate(username=user.username, password=PASSWORD) is None


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's connection pool; SQLite has none to give back",
)
def test_the_connection_goes_back_to_the_pool_while_the_password_is_hashed(monkeypatch):
    user = _user()
    user_model = get_user_model()
    held_while_hashing: list[bool] = []
    real_check = user_model.check_password

    def check(self, raw):
        held_while_hashing.append(connection.connection is not None)
        return real_check(self, raw)

    monkeypatch.setattr(user_model, "check_password", check)
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert held_while_hashing == [False]
    # The next query takes a connection again as usual.
    assert user_model.objects.filter(pk=user.pk).exists()
