"""The operations report over the API: the page's rows as JSON, for supervisors only, and every
refusal in the API's ``{code, message}`` shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import interval_facts_create
from tests.operations.report_facts import agent_and_office_facts

pytestmark = pytest.mark.django_db

URL = "/api/v1/operations/report"


@pytest.fixture
def counted(queues, settings):
    settings.TIME_ZONE = "America/New_York"
    general = Queue.objects.get(code="t1-general-en")
    interval_facts_create(
        interval_start=dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC), queue_id=general.pk,
        channel="phone", language="en", queued=100, answered=80, answered_within=70,
        abandoned=20, abandoned_within=8, abandoned_short=3, handled=80,
        wait_answered_ms=1_600_000,
    )  # fmt: skip
    return general


def test_a_supervisor_reads_the_report_rows(counted):
    answer = staff_client(_staff(Role.SUPERVISOR)).get(
        URL, {"first": "2026-11-01", "last": "2026-11-07", "by": "queue"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["first"], body["last"], body["grain"], body["by"]) == (
        "2026-11-01", "2026-11-07", "day", "queue",
    )  # fmt: skip
    [row] = body["rows"]
    assert row["group"] == "t1-general-en" and row["queued"] == 100
    assert Decimal(str(row["service_level_percent"])) == Decimal("70.00")
    assert Decimal(str(row["abandonment_percent"])) == Decimal("20.00")
    assert Decimal(str(row["average_speed_of_answer_seconds"])) == 20
    assert row["threshold_seconds"] == 20
    assert row["period_start"].startswith("2026-11-03T00:00:00-05:00")


def test_signed_out_is_401_and_another_role_403_in_the_api_shape(counted):
    query = {"first": "2026-11-01", "last": "2026-11-07"}
    signed_out = Client().get(URL, query)
    assert signed_out.status_code == 401
    assert signed_out.json()["code"] == "permission_denied" and signed_out.json()["message"]
    for role in (Role.TIER1, Role.TIER2, Role.OFFICE_STAFF):
        refused = staff_client(_staff(role)).get(URL, query)
        assert refused.status_code == 403
        assert set(refused.json()) == {"code", "message"}


@pytest.mark.parametrize(
    "query",
    [
        {"first": "2026-11-07", "last": "2026-11-01"},
        {"first": "2026-01-01", "last": "2026-12-31", "grain": "interval"},
        {"first": "2026-11-01", "last": "2026-11-07", "grain": "hour"},
        {"first": "not a day", "last": "2026-11-07"},
        {"last": "2026-11-07"},
    ],
)
def test_bad_choices_are_refused_with_the_reason(counted, query):
    answer = staff_client(_staff(Role.SUPERVISOR)).get(URL, query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input" and answer.json()["message"]


def test_rows_by_agent_and_by_office_carry_their_own_figures(make_agent, queues, settings):
    settings.TIME_ZONE = "America/New_York"
    agent_and_office_facts(make_agent, Queue.objects.get(code="t1-general-en"))
    client = staff_client(_staff(Role.SUPERVISOR))
    query = {"first": "2026-11-03", "last": "2026-11-03"}

    by_agent = client.get(URL, {**query, "by": "agent"})
    assert by_agent.status_code == 200
    alice, bob = by_agent.json()["rows"]
    assert (alice["label"], bob["label"]) == ("Alice Adams", "Bob Brown")
    assert alice["queued"] is None and alice["service_level_percent"] is None
    assert alice["office"] is None
    figures = alice["agent"]
    assert (figures["answered"], figures["handled"], figures["transferred_out"]) == (3, 3, 1)
    assert Decimal(str(figures["average_handle_time_seconds"])) == 160
    assert Decimal(str(figures["occupancy_percent"])) == Decimal("62.50")
    assert Decimal(str(figures["utilisation_percent"])) == Decimal("50.00")
    assert (figures["available_ms"], figures["busy_ms"]) == (900_000, 1_200_000)
    assert bob["agent"]["average_handle_time_seconds"] is None

    by_office = client.get(URL, {**query, "by": "office"})
    north, south = by_office.json()["rows"]
    assert (north["group"], north["label"], north["agent"]) == ("N01", "North office", None)
    assert north["office"]["received"] == 2 and north["office"]["transferred_out"] == 1
    assert Decimal(str(south["office"]["average_time_to_resolve_seconds"])) == 19_800


@pytest.mark.parametrize(
    "query",
    [
        {"by": "person"},
        {"by": "office", "grain": "interval"},  # office work is counted by day
        {"by": "agent", "grain": "interval", "last": "2026-11-30"},  # a week at most
    ],
)
def test_a_grouping_not_offered_is_refused(counted, query):
    answer = staff_client(_staff(Role.SUPERVISOR)).get(
        URL, {"first": "2026-11-01", "last": "2026-11-07", **query}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input" and answer.json()["message"]
