"""The hours-of-live-help page: supervisors only, the recommendation with its chart and table,
approval from a chosen day (what the page showed, not numbers sent back), refusals that change
nothing, both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from contactcenter.routing.calendar import live_help_calendar_reset
from contactcenter.routing.models import LiveHelpHours
from tests.workforce.hours_data import MONDAY, facts_with_arrivals  # noqa: F401 (a fixture)

# ruff: noqa: F811


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    cache.clear()
    live_help_calendar_reset()
    yield
    live_help_calendar_reset()


def _query(**extra):
    params = {"week": MONDAY.isoformat(), "budget": "100000", "days": ["mon", "tue"], **extra}
    return params


def test_only_supervisors_see_the_page(signed_in):
    client, _user = signed_in("tier1")
    response = client.get(reverse("desk:planning-hours"))
    assert response.status_code == 403
    assert "text/html" in response["Content-Type"]


def test_the_recommendation_shows_with_chart_and_table(signed_in, facts_with_arrivals):
    client, _user = signed_in("supervisor")
    response = client.get(reverse("desk:planning-hours"), _query())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="hours-chart"' in page and "<svg" in page
    assert 'data-testid="hours-table"' in page
    # A budget that buys the whole window opens Monday and Tuesday 6:00-22:00.
    assert "<strong>06:00–22:00</strong>" in page
    assert "08:00–20:00" in page  # today's hours beside them
    assert 'data-testid="hours-approve-form"' in page


def test_approving_stores_what_the_page_showed(signed_in, facts_with_arrivals):
    client, user = signed_in("supervisor")
    client.get(reverse("desk:planning-hours"), _query())
    effective = dt.date.today() + dt.timedelta(days=1)
    response = client.post(
        reverse("desk:planning-hours-approve"),
        {**_query(), "effective_from": effective.isoformat(), "hours": "forged"},
    )
    assert response.status_code == 302
    approved = LiveHelpHours.objects.get()
    assert approved.approved_by == user
    assert approved.effective_from == effective
    monday = next(row for row in approved.hours if row["weekday"] == 0)
    assert (monday["opens"], monday["closes"]) == ("06:00", "22:00")
    wednesday = next(row for row in approved.hours if row["weekday"] == 2)
    assert (wednesday["opens"], wednesday["closes"]) == ("08:00", "20:00")
    assert approved.figures["week"] == MONDAY.isoformat()
    page = client.get(response["Location"]).content.decode()
    assert "Hours approved" in page and 'data-testid="hours-approvals"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"effective_from": "2020-01-06"}, "passed"),
        ({"effective_from": "soon"}, "take effect"),
        ({"days": ["funday"]}, "weekday"),
        ({"budget": "lots"}, "numbers"),
        ({"week": "next"}, "week"),
    ],
)
def test_a_bad_approval_is_refused_and_changes_nothing(
    signed_in, facts_with_arrivals, change, message
):
    client, _user = signed_in("supervisor")
    data = {**_query(), "effective_from": dt.date.today().isoformat(), **change}
    response = client.post(reverse("desk:planning-hours-approve"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LiveHelpHours.objects.exists()


def test_a_week_with_a_holiday_says_so(signed_in, facts_with_arrivals):
    client, _user = signed_in("supervisor")
    response = client.get(reverse("desk:planning-hours"), _query(week="2026-05-25"))
    assert response.status_code == 400
    assert "Memorial Day" in response.content.decode()


def test_the_page_in_spanish(signed_in, facts_with_arrivals):
    client, _user = signed_in("supervisor")
    response = client.get(reverse("desk:planning-hours"), _query(), HTTP_ACCEPT_LANGUAGE="es")
    client.cookies["django_language"] = "es"
    response = client.get(reverse("desk:planning-hours"), _query())
    page = response.content.decode()
    assert "Horario de atención en vivo" in page
    assert "Aprobar este horario" in page
    assert "De lunes a viernes" in page
