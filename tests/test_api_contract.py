"""The API answers as its OpenAPI document says: schemathesis, every check, in-process.

The document is read from ``/api/v1/openapi.json`` of the WSGI application itself and every
operation is exercised through the same application (no network, no server), with every
check schemathesis has (server errors, status codes, content types, response headers and
bodies, schema-valid input accepted and invalid input refused, unsupported methods, missing
headers ...). The run is derandomized and bounded so that it finishes in seconds on SQLite and
PostgreSQL alike. Known data (a case, a service request, processing times, the knowledge base)
is in the database, so 200 answers are generated as well as refusals.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from contactcenter.routing.reference_data import queues_load
from tests.assistant.conftest import _fresh_index, knowledge_base  # noqa: F401 (fixtures)
from tests.factories import ProcessingTimeFactory, clear_disclosure_log_for_flush
from tests.servicerequests.conftest import (  # noqa: F401 (fixtures)
    _fresh_type_cache,
    _private_root,
    create,
    make_case,
    make_inquiry,
    tier1,
    types,
)

pytestmark = pytest.mark.django_db
# Case status does its database work on a pooled thread with its own connection under
# PostgreSQL, so the tests that reach it commit their data, as a real server would see it.
COMMITTED = pytest.mark.django_db(transaction=True)

OPENAPI_PATH = "/api/v1/openapi.json"
RECEIPT = "EAC2590012345"

load_all_checks()
EVERY_CHECK = list(CHECKS.get_all())


@pytest.fixture
def api_data(settings, request):
    """A case with a service request and a processing time; limits out of the way."""
    request.getfixturevalue("knowledge_base")
    new_request = request.getfixturevalue("create")
    new_case = request.getfixturevalue("make_case")
    settings.CASE_STATUS_RATE_LIMIT = 1_000_000
    settings.ASSISTANT_RATE_LIMIT = 1_000_000
    cache.clear()
    queues_load()
    today = timezone.localdate()
    case = new_case(
        receipt_number=RECEIPT, status="rfe_sent", receipt_date=today - dt.timedelta(days=400),
        status_date=today - dt.timedelta(days=30),
    )  # fmt: skip
    ProcessingTimeFactory(
        form=case.form, category=case.category, office=case.office, months=Decimal("6"),
        published_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    yield {"case": case, "request": new_request(case=case).request}
    # The identity check behind the request wrote disclosure-log rows, which SQLite's
    # append-only trigger would keep the transactional tests' flush from deleting.
    clear_disclosure_log_for_flush()


def _schema() -> schemathesis.schemas.BaseSchema:
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261206,
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
            },
        }
    )
    # Read at collection, before the per-test settings: plain HTTP as in every other test.
    with override_settings(SECURE_SSL_REDIRECT=False):
        return schemathesis.openapi.from_wsgi(OPENAPI_PATH, get_wsgi_application(), config=config)


schema = _schema()


@COMMITTED
@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_document_says(case, api_data):
    case.call_and_validate(checks=EVERY_CHECK)


def _known_good(data) -> list[tuple[str, str, dict]]:
    request = data["request"]
    return [
        ("/api/v1/case-status/{receipt_number}", "GET",
         {"path_parameters": {"receipt_number": "eac-2590012345"}, "query": {"language": "es"}}),
        ("/api/v1/service-requests/{number}", "GET",
         {"path_parameters": {"number": request.number}, "query": {"receipt_number": RECEIPT}}),
        ("/api/v1/processing-times", "GET", {"query": {"form": data["case"].form.code}}),
        ("/api/v1/assistant/ask", "POST",
         {"body": {"question": "How do I change my address?"}, "media_type": "application/json"}),
    ]  # fmt: skip


@COMMITTED
def test_known_good_requests_answer_200_as_documented(api_data):
    """The generated run rarely hits a number that exists: these do, so every 200 body is
    checked against the document too, with the same checks."""
    for path, method, parts in _known_good(api_data):
        case = schema[path][method].Case(**parts)
        response = case.call_and_validate(checks=EVERY_CHECK)
        assert response.status_code == 200, (path, response.text)
        assert response.json()


# --- What schemathesis found, pinned down ---------------------------------------------------


@pytest.fixture
def api_client(settings):
    settings.CASE_STATUS_RATE_LIMIT = 1_000_000
    cache.clear()
    return Client()


def _document() -> dict:
    return json.loads(Client().get(OPENAPI_PATH).content)


@pytest.mark.parametrize(
    ("path", "method", "where", "name"),
    [
        ("/api/v1/case-status/{receipt_number}", "get", "path", "receipt_number"),
        ("/api/v1/service-requests/{number}", "get", "path", "number"),
        ("/api/v1/service-requests/{number}", "get", "query", "receipt_number"),
    ],
)
def test_identifiers_are_published_with_pattern_and_length(path, method, where, name):
    (parameter,) = [
        p for p in _document()["paths"][path][method]["parameters"]
        if p["in"] == where and p["name"] == name
    ]  # fmt: skip
    assert parameter["schema"]["pattern"].startswith("^")
    assert parameter["schema"]["maxLength"] > 0


def test_the_question_is_published_with_pattern_and_length():
    from contactcenter.assistant.services import MAX_QUESTION_CHARS

    question = _document()["components"]["schemas"]["AskIn"]["properties"]["question"]
    assert question["maxLength"] == MAX_QUESTION_CHARS and question["pattern"]


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/case-status/{receipt_number}", "get", {"400", "404", "422", "429"}),
        ("/api/v1/service-requests/{number}", "get", {"400", "404", "422", "429"}),
        ("/api/v1/processing-times", "get", {"400", "422"}),
        ("/api/v1/assistant/ask", "post", {"400", "422", "429"}),
    ],
)
def test_every_refusal_is_documented_with_the_error_body(path, method, statuses):
    document = _document()
    responses = document["paths"][path][method]["responses"]
    assert statuses <= set(responses)
    for status in statuses:
        reference = responses[status]["content"]["application/json"]["schema"]["$ref"]
        error = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        assert set(error["required"]) == {"code", "message"}


def test_processing_times_refuse_a_bad_language_with_the_error_body(api_client):
    answer = api_client.get("/api/v1/processing-times", {"language": "fr"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input"


@pytest.mark.parametrize("value", ["\x00", "I-485;drop", "x" * 41])
def test_processing_time_filters_refuse_what_no_code_looks_like(api_client, value):
    answer = api_client.get("/api/v1/processing-times", {"form": value})
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"question=hello", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_a_body_that_is_not_json_gets_the_error_body(api_client, body, content_type):
    answer = api_client.post("/api/v1/assistant/ask", body, content_type=content_type)
    assert answer.status_code == 400
    payload = answer.json()
    assert payload["code"] == "invalid_input" and "JSON" in payload["message"]
    assert "detail" not in payload


def test_the_not_json_message_is_in_spanish_too(api_client):
    answer = api_client.post(
        "/api/v1/assistant/ask", b"{", content_type="application/json",
        headers={"accept-language": "es"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert "JSON" in answer.json()["message"] and "válido" in answer.json()["message"]
