"""The API's root answers with a short index; an unknown catalogue code is said to be unknown;
figures are numbers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_root_lists_the_documentation_and_every_operation(client):
    answer = client.get("/api/v1/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["documentation"] == "/api/v1/docs"
    assert body["openapi"] == "/api/v1/openapi.json"
    paths = {(e["method"], e["path"]) for e in body["endpoints"]}
    assert ("GET", "/api/v1/case-status/{receipt_number}") in paths
    assert ("GET", "/api/v1/processing-times") in paths
    assert all(e["summary"] for e in body["endpoints"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("form=I-999", "No form has the code I-999."),
        ("category=nothing-like-it", "No filing category has the code nothing-like-it."),
        ("office=ZZZ", "No office has the code ZZZ."),
    ],
)
def test_an_unknown_code_is_a_404_in_the_error_shape(client, query, message):
    answer = client.get(f"/api/v1/processing-times?{query}")
    assert answer.status_code == 404
    assert answer.json() == {"code": "not_found", "message": message}


def test_months_are_a_number_and_a_known_form_without_figures_is_an_empty_list(client):
    from decimal import Decimal

    from django.utils import timezone

    from contactcenter.cases.models import ProcessingTime
    from tests.factories import CaseFactory, FormTypeFactory

    case = CaseFactory()
    ProcessingTime.objects.create(
        form=case.form, category=case.category, office=case.office, months=Decimal("10.5"),
        published_on=timezone.localdate(),
    )  # fmt: skip
    rows = client.get(f"/api/v1/processing-times?form={case.form.code}").json()
    assert rows[0]["months"] == 10.5
    quiet = FormTypeFactory()
    answer = client.get(f"/api/v1/processing-times?form={quiet.code}")
    assert answer.status_code == 200 and answer.json() == []
