"""Fixtures shared across the test suite."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model

from contactcenter.cases.reference_data import ReferenceDataSummary, reference_data_load
from contactcenter.routing.models import Agent, Presence
from contactcenter.routing.reference_data import queues_load


@pytest.fixture
def reference_data(db) -> ReferenceDataSummary:
    """The agency's offices (with hours and ZIP codes) and the forms catalogue, as shipped."""
    return reference_data_load()


@pytest.fixture(autouse=True)
def _plain_http_and_static(settings):
    """Tests speak plain HTTP to the test client and have no collected static manifest; the
    production defaults for both are checked by the deploy-check test instead."""
    settings.SECURE_SSL_REDIRECT = False
    # Staff two-step verification has its own tests (tests/staff/test_two_step.py); elsewhere
    # staff are signed in with a password only, as the demo does.
    settings.STAFF_REQUIRE_TWO_STEP = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, launched once per module (see tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary blocking calls and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def staff(db):
    """``staff(role, **kwargs)``: a new member of staff in ``role``."""
    from tests.factories import StaffUserFactory

    def make(role: str, **kwargs):
        return StaffUserFactory(role=role, **kwargs)

    return make


# --- Routing and inquiries: queues, agents, cases with known identity answers ---------
@pytest.fixture
def queues(db):
    queues_load()


@pytest.fixture
def always_open(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True


@pytest.fixture
def make_agent(db):
    counter = iter(range(1, 100_000))

    def make(
        *,
        tiers=("tier1",),
        languages=("en",),
        skills=(),
        capacity=None,
        presence=Presence.AVAILABLE,
    ) -> Agent:
        user = get_user_model().objects.create_user(username=f"agent{next(counter)}")
        return Agent.objects.create(
            user=user,
            tiers=list(tiers),
            languages=list(languages),
            skills=list(skills),
            capacity=capacity if capacity is not None else {"phone": 1, "chat": 3},
            presence=presence,
        )

    return make


@pytest.fixture
def at():
    def moment(*args):
        from zoneinfo import ZoneInfo

        return dt.datetime(*args, tzinfo=ZoneInfo("America/New_York"))

    return moment


@pytest.fixture
def make_case(db):
    """A case with an applicant whose answers the identity tests know."""
    from contactcenter.cases.models import Case, FormCategory, FormType
    from contactcenter.offices.models import Office
    from contactcenter.people.models import Person, Representative

    counter = iter(range(1, 100_000))

    def make(*, confidentiality="", with_representative=False) -> Case:
        n = next(counter)
        office, _ = Office.objects.get_or_create(
            code="NSC", defaults={"kind": "service_center", "name_en": "Nebraska Service Center",
                                  "name_es": "Centro de Servicios de Nebraska"}
        )  # fmt: skip
        form, _ = FormType.objects.get_or_create(
            code="I-485", defaults={"title_en": "Adjust status", "title_es": "Ajuste de estatus"}
        )
        category, _ = FormCategory.objects.get_or_create(
            form=form, code="family", defaults={"title_en": "Family", "title_es": "Familia"}
        )
        person = Person.objects.create(
            given_name="Ana", family_name="Reyes", date_of_birth=dt.date(1985, 3, 14),
            a_number=f"A{n:09d}", zip_code="68508", preferred_language="es",
        )  # fmt: skip
        rep = None
        if with_representative:
            rep = Representative.objects.create(
                given_name="Lee", family_name="Park", bar_number=f"NE{n:05d}"
            )
        return Case.objects.create(
            receipt_number=f"LIN24{n:08d}", form=form, category=category,
            receipt_date=dt.date(2024, 1, 10), office=office, status="received",
            status_date=dt.date(2024, 1, 10), applicant=person, representative=rep,
            g28_accepted_on=dt.date(2024, 1, 10) if rep else None,
            confidentiality=confidentiality,
        )  # fmt: skip

    return make


@pytest.fixture
def staff_user(db):
    from django.contrib.auth.models import Group

    counter = iter(range(1, 100_000))

    def make(role: str):
        user = get_user_model().objects.create_user(username=f"{role}{next(counter)}")
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
