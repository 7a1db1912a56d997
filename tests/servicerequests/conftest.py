from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.models import Channel, Inquiry
from contactcenter.inquiries.services import inquiry_open, inquiry_verify_identity
from contactcenter.offices.models import Office
from contactcenter.servicerequests.creation import ServiceRequestCreated
from contactcenter.servicerequests.request_types import (
    service_request_types_cache_reset,
    service_request_types_load,
)
from contactcenter.servicerequests.services import service_request_create
from contactcenter.staff.models import Role
from tests import evidence_files
from tests.factories import CaseFactory, PersonFactory, ProcessingTimeFactory, StaffUserFactory

PDF = evidence_files.pdf_plain()
PNG = evidence_files.png()
JPEG = evidence_files.jpeg()


@pytest.fixture
def types(reference_data):
    service_request_types_load()


@pytest.fixture(autouse=True)
def _fresh_type_cache():
    service_request_types_cache_reset()
    yield
    service_request_types_cache_reset()


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def tier1(db):
    return StaffUserFactory(role=Role.TIER1)


@pytest.fixture
def office(types) -> Office:
    return Office.objects.get(code="NBC")


@pytest.fixture
def clerk(office):
    return StaffUserFactory(role=Role.OFFICE_STAFF, office=office)


@pytest.fixture
def make_case(types):
    def make(**kwargs):
        kwargs.setdefault("office", Office.objects.get(code="NBC"))
        kwargs.setdefault(
            "applicant", PersonFactory(with_a_number=True, zip_code="10025", phone="+14025550101")
        )
        return CaseFactory(**kwargs)

    return make


@pytest.fixture
def make_inquiry(tier1):
    def make(case, *, language: str = "en", channel: str = Channel.PHONE, **kwargs) -> Inquiry:
        # Tier 1 may not see a VAWA, T or U case, so an officer verifies the person on those.
        checker = StaffUserFactory(role=Role.TIER2) if case.confidentiality else tier1
        inquiry = inquiry_open(
            channel=channel,
            language=language,
            contact_email=kwargs.pop("contact_email", "caller@example.com"),
            contact_phone=kwargs.pop("contact_phone", ""),
        )
        applicant = case.applicant
        result = inquiry_verify_identity(
            inquiry=inquiry,
            actor=checker,
            receipt_number=ReceiptNumber.parse(case.receipt_number),
            claimed_as="applicant",
            answers={
                "date_of_birth": applicant.date_of_birth.isoformat(),
                "zip_code": applicant.zip_code,
                "a_number_last4": applicant.a_number[-4:],
            },
        )
        assert result.passed
        return inquiry

    return make


@pytest.fixture
def outside_time(make_case):
    """A case received long ago, with a posted processing time it has passed."""

    def make(**kwargs):
        case = make_case(receipt_date=dt.date(2022, 1, 3), **kwargs)
        ProcessingTimeFactory(
            form=case.form,
            category=case.category,
            office=case.office,
            months=Decimal("6.0"),
            published_on=dt.date(2022, 1, 1),
        )
        return case

    return make


@pytest.fixture
def create(make_case, make_inquiry, tier1):
    """A typographic-error request on a fresh case, created by Tier 1."""

    def make(*, case=None, type_code="typographic-error", details=None, **kwargs):
        case = case or make_case()
        inquiry = make_inquiry(case)
        created: ServiceRequestCreated = service_request_create(
            inquiry=inquiry,
            actor=kwargs.pop("actor", tier1),
            type_code=type_code,
            details=details or {"document": "card", "description": "Birth date is wrong."},
            **kwargs,
        )
        return created

    return make
