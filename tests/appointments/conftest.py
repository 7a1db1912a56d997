"""Shared set-up: the shipped offices (NYC serves ZIP 10025; ASC-BRX and ASC-LAX take
biometrics), slots from tomorrow for two weeks, and an open inquiry with contact details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.appointments.models import AppointmentSlot
from contactcenter.appointments.slots import appointment_slots_generate
from contactcenter.inquiries.services import inquiry_open
from contactcenter.offices.models import Office
from contactcenter.staff.models import Role
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory

NYC_ZIP = "10025"


@pytest.fixture
def offices(reference_data):
    return {code: Office.objects.get(code=code) for code in ("NYC", "ASC-BRX", "ASC-LAX", "VSC")}


@pytest.fixture
def first_day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def slots(offices, first_day):
    for code in ("NYC", "ASC-BRX", "ASC-LAX"):
        appointment_slots_generate(
            office=offices[code], first_day=first_day, last_day=first_day + dt.timedelta(days=14)
        )
    return AppointmentSlot.objects


@pytest.fixture
def inquiry(db):
    return inquiry_open(
        channel="phone", language="es", contact_email="caller@example.com",
        contact_phone="+14025550142",
    )  # fmt: skip


@pytest.fixture
def officer(db):
    return StaffUserFactory(role=Role.TIER2)


@pytest.fixture
def tier1(db):
    return StaffUserFactory(role=Role.TIER1)


@pytest.fixture
def biometrics_case(offices):
    person = PersonFactory(zip_code="10472", email="bio@example.com", phone="+14025550100")
    return CaseFactory(applicant=person)


def first_slot(office: Office, *, exclude: tuple[int, ...] = ()) -> AppointmentSlot:
    return (
        AppointmentSlot.objects.filter(office=office)
        .exclude(pk__in=exclude)
        .order_by("starts_at")
        .first()
    )
