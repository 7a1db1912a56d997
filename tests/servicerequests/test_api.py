from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-requests/{number}"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_lookup_returns_state_and_dates_only(client, create):
    request = create().request
    answer = client.get(
        URL.format(number=request.number),
        {"receipt_number": request.case.receipt_number.lower(), "language": "es"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {
        "number", "type", "type_title", "state", "state_text", "created_on", "due_on", "language"
    }  # fmt: skip
    assert body["type"] == "typographic-error"
    assert body["type_title"] == "Error tipográfico en una notificación o tarjeta"
    assert body["state"] == "routed"
    applicant = request.case.applicant
    for personal in (applicant.given_name, applicant.family_name, applicant.email, "10025"):
        assert personal not in answer.content.decode()


def test_wrong_pairing_is_404(client, create, make_case):
    request = create().request
    other = make_case()
    answer = client.get(URL.format(number=request.number), {"receipt_number": other.receipt_number})
    assert answer.status_code == 404
    missing = client.get(URL.format(number="12345678"), {"receipt_number": other.receipt_number})
    assert missing.status_code == 404
    assert missing.json()["message"] == answer.json()["message"]


@pytest.mark.parametrize(
    ("number", "params"),
    [
        ("1234567", {"receipt_number": "EAC2412345678"}),
        ("01234567", {"receipt_number": "EAC2412345678"}),
        ("abcdefgh", {"receipt_number": "EAC2412345678"}),
        ("12345678", {"receipt_number": "NOPE"}),
        ("12345678", {}),
    ],
)
def test_bad_input_is_400(client, db, number, params):
    assert client.get(URL.format(number=number), params).status_code == 400


def test_rate_limited(client, settings, create):
    settings.CASE_STATUS_RATE_LIMIT = 2
    request = create().request
    params = {"receipt_number": request.case.receipt_number}
    codes = [client.get(URL.format(number=request.number), params).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(URL.format(number=request.number), params).has_header("Retry-After")
