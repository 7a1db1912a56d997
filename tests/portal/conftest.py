from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache

from contactcenter.offices.models import Office
from contactcenter.portal.models import AccountLink, RepresentativeLink
from contactcenter.routing.reference_data import queues_load
from contactcenter.servicerequests.request_types import service_request_types_load
from tests import evidence_files
from tests.factories import CaseFactory, PersonFactory, RepresentativeFactory

PASSWORD = "a long and unusual passphrase 7"
PDF = evidence_files.pdf_plain()
PNG = evidence_files.png()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # Password hashing is slow on purpose; these tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_type_cache():
    from contactcenter.servicerequests.request_types import service_request_types_cache_reset

    service_request_types_cache_reset()
    yield
    service_request_types_cache_reset()


@pytest.fixture
def portal_data(reference_data):
    """Offices, forms, queues and service-request types, as shipped."""
    queues_load()
    service_request_types_load()
    return reference_data


@pytest.fixture
def make_account(db):
    counter = iter(range(1, 100_000))

    def make(email: str | None = None, *, verified: bool = True):
        email = email or f"someone{next(counter)}@example.com"
        user = get_user_model().objects.create_user(
            username=email.split("@")[0], email=email, password=PASSWORD
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def make_portal_case(portal_data):
    def make(**kwargs):
        kwargs.setdefault("office", Office.objects.get(code="NBC"))
        kwargs.setdefault(
            "applicant", PersonFactory(zip_code="68508", phone="+14025550101", email="a@x.org")
        )
        kwargs.setdefault("receipt_date", dt.date(2024, 1, 10))
        return CaseFactory(**kwargs)

    return make


@pytest.fixture
def applicant(make_account, make_portal_case):
    """A signed-up account linked to the applicant of one case: (user, case)."""
    user = make_account()
    case = make_portal_case()
    AccountLink.objects.create(user=user, person=case.applicant)
    return user, case


@pytest.fixture
def other_applicant(make_account, make_portal_case):
    user = make_account()
    case = make_portal_case()
    AccountLink.objects.create(user=user, person=case.applicant)
    return user, case


@pytest.fixture
def approved_representative(make_account, make_portal_case, django_user_model):
    """A representative's account, approved, with TOTP on, and one client's case."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    rep = RepresentativeFactory()
    user = make_account()
    approver = django_user_model.objects.create_user(username="approver")
    RepresentativeLink.objects.create(
        user=user, representative=rep, approved_at=dt.datetime.now(dt.UTC), approved_by=approver
    )
    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user).exists()
    case = make_portal_case(representative=rep, g28_accepted_on=dt.date(2024, 1, 10))
    return user, case


def totp_code(secret: str) -> str:
    """The code of the current 30-second step; near the end of a step, the next one's after
    waiting for it, so a loaded machine does not submit a code whose step has just passed
    (allauth takes the current step only)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def two_step_on(user) -> str:
    """Turn TOTP on for ``user``; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def desk_sign_in(client, user) -> None:
    """Signed in with TOTP on and this session past its code, as the portal's desk pages need."""
    import time

    two_step_on(user)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
