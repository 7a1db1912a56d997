"""The public case-status and processing-times API, over the test client.

The case-status endpoint does its database work on a pooled thread with its own connection,
so these tests commit their data (transactional tests), as a real server would see it.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import CaseFactory, PersonFactory, ProcessingTimeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    settings.REDIS_URL = ""  # count in the local cache, cleared for each test
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def case():
    person = PersonFactory(
        given_name="Marisol", family_name="Quintero", date_of_birth=dt.date(1979, 4, 2),
        a_number="A087654321", street="12 Elm St", zip_code="68508",
    )  # fmt: skip
    today = timezone.localdate()
    case = CaseFactory(
        receipt_number="EAC2590012345", applicant=person, status="rfe_sent",
        receipt_date=today - dt.timedelta(days=400), status_date=today - dt.timedelta(days=30),
    )  # fmt: skip
    ProcessingTimeFactory(
        form=case.form, category=case.category, office=case.office, months=Decimal("6"),
        published_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    return case


def test_status_in_english(client, case):
    response = client.get("/api/v1/case-status/eac-2590012345")
    assert response.status_code == 200
    body = response.json()
    assert body["receipt_number"] == "EAC2590012345"
    assert body["status"] == "rfe_sent"
    assert body["status_text"] == "Request for Evidence Was Sent"
    assert body["form"] == case.form.code
    assert body["language"] == "en"
    assert body["inquiry_allowed_now"] is True  # 400 days > 6 months
    assert dt.date.fromisoformat(body["inquiry_eligible_on"]) < timezone.localdate()


def test_status_in_spanish(client, case):
    body = client.get("/api/v1/case-status/EAC2590012345?language=es").json()
    assert body["status_text"] == "Se envió una solicitud de evidencia"
    assert body["form_title"] == case.form.title_es
    assert body["language"] == "es"
    assert "puede preguntar" in body["inquiry_message"].lower()


def test_no_personal_data_in_any_field(client, case):
    text = client.get("/api/v1/case-status/EAC2590012345").content.decode()
    for secret in ("Marisol", "Quintero", "1979", "087654321", "Elm", "68508"):
        assert secret not in text
    assert set(client.get("/api/v1/case-status/EAC2590012345").json()) == {
        "receipt_number", "form", "form_title", "status", "status_text", "status_date",
        "inquiry_eligible_on", "inquiry_allowed_now", "inquiry_message", "language",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("EAC12", "this one has 2"), ("XYZ1234567890", "not a receipt number prefix")],
)
def test_malformed_number_is_a_400_that_says_why(client, raw, reason):
    response = client.get(f"/api/v1/case-status/{raw}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_receipt_number"
    assert reason in response.json()["message"]


def test_malformed_number_explained_in_spanish(client):
    response = client.get("/api/v1/case-status/EAC12?language=es")
    assert response.status_code == 400
    assert "dígitos" in response.json()["message"]


def test_unknown_number_is_a_404(client, case):
    response = client.get("/api/v1/case-status/EAC2590099999")
    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"


def test_bad_language_is_a_400(client, case):
    response = client.get("/api/v1/case-status/EAC2590012345?language=fr")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_too_many_lookups_is_a_429_with_retry_after(client, case, settings):
    settings.CASE_STATUS_RATE_LIMIT = 3
    codes = [client.get("/api/v1/case-status/EAC2590012345").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = client.get("/api/v1/case-status/EAC2590099999")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= settings.CASE_STATUS_RATE_WINDOW_SECONDS
    # Another address has its own budget.
    other = client.get("/api/v1/case-status/EAC2590012345", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_processing_times_filters(client, case):
    rows = client.get(f"/api/v1/processing-times?form={case.form.code}").json()
    assert len(rows) == 1
    assert rows[0]["months"] == 6.0
    assert client.get("/api/v1/processing-times?form=I-999").status_code == 404


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/case-status/{receipt_number}" in document["paths"]
    assert "/api/v1/processing-times" in document["paths"]
